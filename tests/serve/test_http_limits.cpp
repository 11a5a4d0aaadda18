// The HTTP edge against hostile or careless clients, on loopback: bytes that are not UTF-8 in
// the path, chunked bodies past the limit, many slow connections, a second server on a port in
// use. Each was a way to abort the server or stop it answering.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "core/error.h"
#include "core/utf8.h"
#include "serve/http_server.h"
#include "test_util.h"

using namespace fr;

namespace {

/// A raw TCP connection to 127.0.0.1:port, for requests httplib's client will not send.
class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  }
  ~RawConnection() { ::close(fd_); }
  bool connected() const { return connected_; }
  /// Whether all of s was written (false once the server closed the connection).
  bool send(const std::string& s) {
    for (size_t off = 0; off < s.size();) {
      ssize_t n = ::send(fd_, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += size_t(n);
    }
    return true;
  }
  /// Everything the server sends until it closes the connection (or 10 s pass).
  std::string read_all() {
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd_, buf, sizeof(buf), 0)) > 0;) out.append(buf, size_t(n));
    return out;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

int status_of(const std::string& response) {
  return response.size() > 12 && response.rfind("HTTP/1.1 ", 0) == 0 ? std::atoi(response.c_str() + 9) : -1;
}
std::string fmt_hex(size_t n) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%zx", n);
  return buf;
}
std::string body_of(const std::string& response) {
  auto p = response.find("\r\n\r\n");
  return p == std::string::npos ? "" : response.substr(p + 4);
}

class HttpLimits : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto& f = test::tiny_pipeline();
    ServiceConfig sc;
    sc.threads = 2;
    config_.port = 0;
    config_.threads = 2;
    config_.max_body = 4096;
    config_.read_timeout_s = 2;
    config_.keep_alive_timeout_s = 1;
    Workspace ws(f.ws, false);
    loader_ = [ws, sc] { return Service::load(ws, sc); };
    server_ = std::make_unique<HttpServer>(config_, loader_);
    port_ = server_->bind();
    thread_ = std::thread([this] { server_->run(); });
  }
  void TearDown() override {
    server_->stop();
    if (thread_.joinable()) thread_.join();
  }
  /// The server still answers /health.
  void expect_alive() {
    httplib::Client c("127.0.0.1", port_);
    auto r = c.Get("/health");
    ASSERT_TRUE(r) << "the server stopped answering";
    EXPECT_EQ(r->status, 200);
  }
  /// One request over a fresh raw connection; the whole response.
  std::string raw(const std::string& request) {
    RawConnection c(port_);
    EXPECT_TRUE(c.connected());
    c.send(request);
    return c.read_all();
  }
  ServerConfig config_;
  HttpServer::Loader loader_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace

TEST(Utf8, ValidSequencesPassAndInvalidBytesAreReplaced) {
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("Damen \xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x91\x97"));
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\xC3"));              // cut short
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // a surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_EQ(printable_utf8("a\xff"
                           "b"),
            "a\xEF\xBF\xBD"
            "b");
  // Cut on a character boundary, never inside the two bytes of the e-acute.
  EXPECT_EQ(printable_utf8("ab\xC3\xA9", 3), "ab...");
  EXPECT_EQ(printable_utf8("ab\xC3\xA9", 4), "ab\xC3\xA9");
  EXPECT_TRUE(is_valid_utf8(printable_utf8(std::string("\xE2\x82\xAC\xE2\x82\xAC\xff\xfe", 8), 5)));
}

TEST_F(HttpLimits, PathsThatAreNotUtf8GetAJson404AndTheServerLives) {
  // %ff decodes to a lone 0xFF byte; the 100th byte of the second path splits an e-acute.
  for (std::string path : {std::string("/%ff"), "/" + std::string(98, 'a') + "%C3%A9%C3%A9",
                           std::string("/v1/customers/%ff%fe/recommendations"), std::string("/v1/articles/%c3")}) {
    std::string r = raw("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(status_of(r), 404) << path << ": " << r;
    nlohmann::json j = nlohmann::json::parse(body_of(r));  // valid JSON, or this throws
    EXPECT_EQ(j["error"]["status"], 404) << path;
    EXPECT_TRUE(is_valid_utf8(body_of(r))) << path;
    expect_alive();
  }
}

TEST_F(HttpLimits, ChunkedBodiesPastTheLimitAre413AndNotReadWhole) {
  RawConnection c(port_);
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(
      c.send("POST /v1/recommendations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Transfer-Encoding: chunked\r\n\r\n"));
  // Up to 64 MB in 64 KB chunks: the server must answer and close long before.
  const std::string chunk = "10000\r\n" + std::string(0x10000, ' ') + "\r\n";
  size_t sent = 0;
  while (sent < (64u << 20) && c.send(chunk)) sent += 0x10000;
  std::string r = c.read_all();
  EXPECT_EQ(status_of(r), 413) << r.substr(0, 300);
  EXPECT_NE(body_of(r).find("too large"), std::string::npos) << r;
  EXPECT_LT(sent, size_t(64u << 20)) << "the server read the whole 64 MB body";
  // A chunked body within the limit is served.
  std::string small = R"({"customer": {"age": 31}, "history": [], "k": 3})";
  std::string ok =
      raw("POST /v1/recommendations HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
          "Transfer-Encoding: chunked\r\n\r\n" +
          fmt_hex(small.size()) + "\r\n" + small + "\r\n0\r\n\r\n");
  EXPECT_EQ(status_of(ok), 200) << ok;
  // A chunked body sent where no route reads one is refused before it is read.
  std::string other = raw("POST /v1/nowhere HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk);
  EXPECT_EQ(status_of(other), 404) << other;
  expect_alive();
}

TEST_F(HttpLimits, FiftySlowClientsDoNotStopOthersBeingAnswered) {
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 50; ++i) {
    slow.push_back(std::make_unique<RawConnection>(port_));
    ASSERT_TRUE(slow.back()->connected());
    slow.back()->send("GET /health HTTP/1.1\r\nHost: x\r\n");  // and then nothing
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  httplib::Client c("127.0.0.1", port_);
  c.set_read_timeout(5, 0);
  for (int i = 0; i < 5; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = c.Get("/health");
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_TRUE(r) << "request " << i << " was not answered";
    EXPECT_EQ(r->status, 200);
    EXPECT_LT(s, 1.0) << "request " << i;
  }
  // The slow connections are dropped once the read timeout (2 s) passes.
  auto t0 = std::chrono::steady_clock::now();
  std::string r = slow.front()->read_all();
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(waited, 6.0) << r;
}

TEST_F(HttpLimits, ASecondServerOnAPortInUseIsAnError) {
  ServerConfig c = config_;
  c.port = port_;
  HttpServer second(c, loader_);
  EXPECT_THROW(second.bind(), UsageError);
  expect_alive();
}
