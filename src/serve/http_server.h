#pragma once
// HttpServer: the JSON API, the pictures and the web page over cpp-httplib with a thread pool.
// docs/api.md lists the routes. The Service is held by a shared_ptr that every request copies
// at its start; POST /admin/reload builds a new Service and swaps the pointer, so requests in
// flight finish on the old one and none is dropped.
//
// Errors are JSON {"error": {"status": N, "message": "..."}}: unknown ids 404, malformed
// requests or k out of range 400, bodies over max_body 413, a missing admin token 401, a
// wrong one (or admin disabled) 403, anything unexpected 500 (counted in /metrics). Every
// response is valid JSON: text from the request (a path, an id) is echoed with invalid UTF-8
// replaced, and an exception anywhere, the error handler included, becomes a JSON 500.
//
// Limits that one client must not get around: max_body holds for every transfer encoding
// (chunked bodies are read through a counting reader); a connection that sends nothing is
// dropped after read_timeout_s (keep_alive_timeout_s between requests); each connection has a
// thread of its own up to max_connections (connection_pool.h), so slow clients do not starve
// the others; the port is bound without SO_REUSEPORT, so a second server on a port in use is
// an error instead of a silent split of the traffic.
#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "core/setting.h"
#include "serve/request_metrics.h"
#include "serve/service.h"

namespace httplib {
class Server;
}

namespace fr {

// clang-format off
#define FR_SERVE_SETTINGS(X)                                                                                        \
  X(std::string, host, "127.0.0.1", "Address to listen on (127.0.0.1: this machine only)", any(), kRun, no_tune()) \
  X(int64_t, port, 8080, "Port (0 = any free port)", range(0, 65535), kRun, no_tune())                             \
  X(int64_t, max_k, 100, "The largest k a request may ask for", range(1, 10000), kRun, no_tune())                  \
  X(int64_t, max_body, 1 << 20, "Largest request body in bytes, chunked or not (413 past it)", range(1, 1LL << 32), \
    kRun, no_tune())                                                                                                 \
  X(int64_t, read_timeout, 5, "Seconds a client may take to send a request before its connection is dropped",     \
    range(1, 3600), kRun, no_tune())                                                                                 \
  X(int64_t, keep_alive_timeout, 2, "Seconds an idle keep-alive connection stays open", range(1, 3600), kRun,       \
    no_tune())                                                                                                       \
  X(int64_t, max_connections, 512, "Connections served at once, each on its own thread; more wait",                 \
    range(1, 100000), kRun, no_tune())
// clang-format on
FR_SETTINGS_SECTION(ServeConfig, "serve", FR_SERVE_SETTINGS)

/// What the HTTP server needs (cmd_serve fills it from ServeConfig; tests set it directly).
struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;               ///< 0 = any free port (tests)
  int threads = 0;               ///< request threads (0 = every core)
  std::string admin_token;       ///< "" = /admin/reload is refused (403)
  size_t max_body = 1 << 20;     ///< bytes, whatever the transfer encoding
  int read_timeout_s = 5;        ///< a request's headers and body must arrive within this
  int keep_alive_timeout_s = 2;  ///< an idle keep-alive connection is closed after this
  int max_connections = 512;     ///< connections served at once; more wait for a free thread
  std::string reports;           ///< the workspace's reports/ folder, for the report page
};

class HttpServer {
 public:
  using Loader = std::function<std::shared_ptr<const Service>()>;
  /// Loads the first Service at once (throws what the loader throws).
  HttpServer(ServerConfig c, Loader loader);
  ~HttpServer();
  /// Binds; returns the port. Throws UsageError when the address cannot be bound.
  int bind();
  /// Serves until stop(). Call after bind().
  void run();
  void stop();
  int64_t reloads() const { return reloads_.load(); }

 private:
  void routes();
  void limits();
  std::shared_ptr<const Service> service() const { return std::atomic_load(&svc_); }
  ServerConfig c_;
  Loader loader_;
  std::shared_ptr<const Service> svc_;
  std::unique_ptr<httplib::Server> http_;
  RequestMetrics metrics_;
  std::atomic<int64_t> reloads_{0};
  std::mutex reload_mu_;
};

}  // namespace fr
