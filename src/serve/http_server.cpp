#include "serve/http_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/parallel.h"
#include "core/utf8.h"
#include "serve/connection_pool.h"
#include "serve/web_assets.h"

namespace fr {

namespace {

/// JSON text that is always valid: invalid UTF-8 in any string (an id or a name from the data,
/// text echoed from a request) is replaced by U+FFFD instead of making dump() throw.
std::string json_text(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void json_error(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(json_text({{"error", {{"status", status}, {"message", message}}}}), "application/json");
}

bool is_chunked(const httplib::Request& req) {
  std::string te = req.get_header_value("Transfer-Encoding");
  std::transform(te.begin(), te.end(), te.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return te.find("chunked") != std::string::npos;
}

int64_t k_param(const httplib::Request& req, int64_t fallback) {
  if (!req.has_param("k")) return fallback;
  const std::string v = req.get_param_value("k");
  try {
    size_t used = 0;
    long long k = std::stoll(v, &used);
    if (used == v.size()) return k;
  } catch (const std::exception&) {
  }
  throw BadRequest("k must be an integer, not '" + printable_utf8(v, 20) + "'");
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace

HttpServer::HttpServer(ServerConfig c, Loader loader)
    : c_(std::move(c)), loader_(std::move(loader)), svc_(loader_()), http_(std::make_unique<httplib::Server>()) {
  const int threads = resolve_threads(c_.threads);
  (void)threads;
  limits();
  routes();
}

void HttpServer::limits() {
  const size_t max_connections = size_t(std::max(1, c_.max_connections));
  http_->new_task_queue = [max_connections] { return new ConnectionPool(max_connections); };
  http_->set_payload_max_length(c_.max_body);
  http_->set_read_timeout(std::max(1, c_.read_timeout_s), 0);
  http_->set_write_timeout(std::max(1, c_.read_timeout_s), 0);
  http_->set_keep_alive_timeout(std::max(1, c_.keep_alive_timeout_s));
  // Headers and body go out in separate writes: without TCP_NODELAY, Nagle and the client's
  // delayed ACK add 40 ms to every keep-alive request (measured with wrk).
  http_->set_tcp_nodelay(true);
  // httplib's default options add SO_REUSEPORT, with which a second server binds the same port
  // and the kernel splits the requests between the two. SO_REUSEADDR alone still allows a quick
  // restart over connections in TIME_WAIT.
  http_->set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  // cpp-httplib 0.11 enforces the payload limit only on bodies with a Content-Length: a chunked
  // body is read whole into memory, whatever its size. The routes that take a body read it
  // through read_body() below, which counts; any other request with a chunked body is refused
  // here, before httplib reads it, and its connection closed.
  http_->set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!is_chunked(req)) return httplib::Server::HandlerResponse::Unhandled;
    const bool takes_body = req.method == "POST" && (req.path == "/v1/recommendations" || req.path == "/admin/reload");
    if (takes_body) return httplib::Server::HandlerResponse::Unhandled;
    json_error(res, req.method == "POST" ? 404 : 400,
               req.method == "POST" ? "no such route: " + printable_utf8(req.path, 100)
                                    : "a " + printable_utf8(req.method, 10) + " request takes no body");
    res.set_header("Connection", "close");
    return httplib::Server::HandlerResponse::Handled;
  });
  // An exception that escapes a handler (the routes catch their own) is a JSON 500, not a
  // text one.
  http_->set_exception_handler([this](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    spdlog::error("serve: {} {}: {}", printable_utf8(req.method, 10), printable_utf8(req.path, 100), what);
    metrics_.record("unhandled", 500, 0);
    json_error(res, 500, "internal error");
  });
}

HttpServer::~HttpServer() { stop(); }

int HttpServer::bind() {
  int port = c_.port == 0 ? http_->bind_to_any_port(c_.host) : (http_->bind_to_port(c_.host, c_.port) ? c_.port : -1);
  if (port < 0) throw UsageError("cannot listen on " + c_.host + ":" + std::to_string(c_.port) + " (in use?)");
  return port;
}

void HttpServer::run() { http_->listen_after_bind(); }
void HttpServer::stop() {
  if (http_) http_->stop();
}

void HttpServer::routes() {
  using Clock = std::chrono::steady_clock;
  // Every handler goes through here: the Service snapshot, typed errors -> status, metrics.
  auto wrap = [this](std::string route,
                     std::function<void(const Service&, const httplib::Request&, httplib::Response&)> fn) {
    return [this, route, fn](const httplib::Request& req, httplib::Response& res) {
      auto t0 = Clock::now();
      auto svc = service();
      try {
        fn(*svc, req, res);
      } catch (const NotFound& e) {
        json_error(res, 404, e.what());
      } catch (const UsageError& e) {
        json_error(res, 400, e.what());
      } catch (const nlohmann::json::exception& e) {
        json_error(res, 400, std::string("bad JSON: ") + e.what());
      } catch (const std::exception& e) {
        spdlog::error("serve: {} {}: {}", req.method, req.path, e.what());
        json_error(res, 500, "internal error");
      }
      // httplib turns a status left at -1 into 200 after the handler.
      metrics_.record(route, res.status == -1 ? 200 : res.status,
                      std::chrono::duration<double>(Clock::now() - t0).count());
    };
  };
  auto json_ok = [](httplib::Response& res, const nlohmann::json& j) {
    res.set_content(json_text(j), "application/json");
  };
  // The routes that take a body read it here, in pieces, counting: max_body holds for chunked
  // bodies too (httplib checks only a Content-Length). A body over the limit is a 413 and the
  // connection is closed, so the rest of it is never read.
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  auto with_body = [this](std::string route, Handler inner) {
    return [this, route, inner](const httplib::Request& req, httplib::Response& res,
                                const httplib::ContentReader& reader) {
      std::string body;
      bool too_large = false;
      bool ok = reader([&](const char* data, size_t n) {
        if (body.size() + n > c_.max_body) return !(too_large = true);
        body.append(data, n);
        return true;
      });
      if (too_large || res.status == 413 || !ok) {
        const int status = too_large || res.status == 413 ? 413 : 400;
        json_error(res, status,
                   status == 413 ? "the request body is too large (at most " + std::to_string(c_.max_body) + " bytes)"
                                 : "the request body could not be read");
        res.set_header("Connection", "close");
        metrics_.record(route, status, 0);
        return;
      }
      httplib::Request with = req;
      with.body = std::move(body);
      inner(with, res);
    };
  };

  http_->Get(R"(/v1/customers/([^/]+)/recommendations)",
             wrap("recommendations", [json_ok](const Service& s, const httplib::Request& req, httplib::Response& res) {
               json_ok(res, s.recommendations(req.matches[1].str(), k_param(req, 12)));
             }));
  http_->Post("/v1/recommendations",
              with_body("recommendations_post",
                        wrap("recommendations_post",
                             [json_ok](const Service& s, const httplib::Request& req, httplib::Response& res) {
                               nlohmann::json body;
                               try {
                                 body = nlohmann::json::parse(req.body);
                               } catch (const nlohmann::json::parse_error& e) {
                                 throw BadRequest(std::string("malformed JSON: ") + e.what());
                               }
                               json_ok(res, s.recommend_request(body));
                             })));
  http_->Get(R"(/v1/customers/([^/]+))",
             wrap("customer", [json_ok](const Service& s, const httplib::Request& req, httplib::Response& res) {
               json_ok(res, s.customer(req.matches[1].str(), 12));
             }));
  http_->Get("/v1/customers",
             wrap("customer_search", [json_ok](const Service& s, const httplib::Request& req, httplib::Response& res) {
               int64_t limit = req.has_param("limit") ? std::atoll(req.get_param_value("limit").c_str()) : 20;
               json_ok(res, s.search_customers(req.get_param_value("q"), limit));
             }));
  http_->Get(R"(/v1/articles/([^/]+)/similar)",
             wrap("similar", [json_ok](const Service& s, const httplib::Request& req, httplib::Response& res) {
               std::string by = req.has_param("by") ? req.get_param_value("by") : "tower";
               json_ok(res, s.similar(req.matches[1].str(), k_param(req, 12), by));
             }));
  http_->Get(R"(/v1/articles/([^/]+))",
             wrap("article", [json_ok](const Service& s, const httplib::Request& req, httplib::Response& res) {
               json_ok(res, s.article(req.matches[1].str()));
             }));
  http_->Get(R"(/images/([^/]+)\.jpg)",
             wrap("images", [](const Service& s, const httplib::Request& req, httplib::Response& res) {
               auto p = s.image_path(req.matches[1].str());
               if (!p) throw NotFound("no picture for '" + req.matches[1].str().substr(0, 40) + "'");
               res.set_content(read_file(*p), "image/jpeg");
               res.set_header("Cache-Control", "max-age=3600");
             }));
  http_->Get("/health", wrap("health", [json_ok](const Service& s, const httplib::Request&, httplib::Response& res) {
               auto h = s.health();
               json_ok(res, h);
             }));
  http_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics_.prometheus(), "text/plain; version=0.0.4");
  });
  http_->Post("/admin/reload",
              with_body("reload", wrap("reload", [this, json_ok](const Service&, const httplib::Request& req,
                                                                 httplib::Response& res) {
                          std::string token = req.get_header_value("X-Admin-Token");
                          std::string auth = req.get_header_value("Authorization");
                          if (token.empty() && auth.rfind("Bearer ", 0) == 0) token = auth.substr(7);
                          if (token.empty()) return json_error(res, 401, "an admin token is required (X-Admin-Token)");
                          if (c_.admin_token.empty() || token != c_.admin_token)
                            return json_error(res, 403, "wrong admin token, or admin is disabled (--admin-token)");
                          std::lock_guard lk(reload_mu_);  // one reload at a time; requests go on meanwhile
                          auto t0 = Clock::now();
                          auto fresh = loader_();
                          std::atomic_store(&svc_, fresh);
                          ++reloads_;
                          json_ok(res, {{"reloaded", true},
                                        {"seconds", std::chrono::duration<double>(Clock::now() - t0).count()},
                                        {"health", fresh->health()}});
                        })));
  // The web page and the report's files.
  for (const auto& [path, asset] : web_assets()) {
    http_->Get(path, [asset](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(asset.body), asset.content_type);
    });
  }
  http_->Get(R"(/reports/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+\.(svg|md|json)))", [this](const httplib::Request& req,
                                                                                      httplib::Response& res) {
    std::string run = req.matches[1].str(), file = req.matches[2].str();
    std::string p = c_.reports + "/" + run + "/" + file;
    if (run.find("..") != std::string::npos || file.find("..") != std::string::npos || c_.reports.empty() ||
        !std::filesystem::is_regular_file(p))
      return json_error(res, 404, "no such report file");
    std::string ext = req.matches[3].str();
    res.set_content(read_file(p), ext == "svg" ? "image/svg+xml" : ext == "md" ? "text/markdown" : "application/json");
  });
  http_->Get("/v1/reports", [this](const httplib::Request&, httplib::Response& res) {
    nlohmann::json runs = nlohmann::json::array();
    std::error_code ec;
    if (!c_.reports.empty())
      for (auto& e : std::filesystem::directory_iterator(c_.reports, ec))
        if (std::filesystem::exists(e.path() / "report.json")) runs.push_back(e.path().filename().string());
    std::sort(runs.begin(), runs.end());
    res.set_content(nlohmann::json{{"runs", runs}}.dump(), "application/json");
  });
  // Anything else, and statuses httplib sets itself (413 for a body over max_body), as JSON.
  // It runs outside httplib's try block, so nothing in it may throw: the path is made valid
  // UTF-8 (a raw %ff, or a cut in the middle of a character, used to abort the server).
  http_->set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    try {
      json_error(res, res.status,
                 res.status == 413   ? "the request body is too large"
                 : res.status == 404 ? "no such route: " + printable_utf8(req.path, 100)
                                     : "request failed");
    } catch (...) {
      res.set_content(R"({"error":{"status":500,"message":"internal error"}})", "application/json");
    }
  });
}

}  // namespace fr
