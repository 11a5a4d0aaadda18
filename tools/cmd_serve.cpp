#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "cli.h"
#include "core/error.h"
#include "core/parallel.h"
#include "data/ingest.h"
#include "image/embed_stage.h"
#include "model/trained_model.h"
#include "serve/http_server.h"

namespace fr::cli {

namespace {
/// The pictures: --images, else [embed] images, else images/ beside the ingested CSVs.
std::string images_folder(const Workspace& ws, const std::string& given) {
  if (!given.empty()) return given;
  std::string dir = ingested_folder(ws);
  return !dir.empty() && std::filesystem::is_directory(dir + "/images") ? dir + "/images" : "";
}
}  // namespace

void register_serve(Cli& cli) {
  auto* sub = cli.app().add_subcommand(
      "serve", "Serve recommendations over HTTP (JSON API, pictures, a web page at /); docs/api.md lists the routes");
  static std::string host = "127.0.0.1", images, token;
  static int port = 8080;
  sub->add_option("--host", host, "Address to listen on (127.0.0.1: this machine only)");
  sub->add_option("--port,-p", port, "Port (0 = any free port)");
  sub->add_option("--images", images, "Photos folder 0XX/0XXXXXXXXX.jpg (default: [embed] images, or DATA/images)");
  sub->add_option("--admin-token", token, "Token for POST /admin/reload (or FASHIONREC_ADMIN_TOKEN)");
  cli.bind(sub, "--k-max", "serve.max_k", "The largest k a request may ask for");
  cli.bind(sub, "--max-body", "serve.max_body", "Largest request body in bytes, chunked or not (413 past it)");
  cli.bind(sub, "--read-timeout", "serve.read_timeout",
           "Seconds a client may take to send a request before its connection is dropped");
  cli.bind(sub, "--keep-alive-timeout", "serve.keep_alive_timeout", "Seconds an idle keep-alive connection stays open");
  cli.bind(sub, "--max-connections", "serve.max_connections",
           "Connections served at once, each on its own thread; more wait");
  cli.on(sub, [&cli] {
    Workspace ws = cli.workspace();
    ServiceConfig sc;
    sc.recommend = cli.config().section("recommend").get<RecommendConfig>();
    sc.threads = cli.threads();
    sc.max_k = cli.config().section("serve").value("max_k", int64_t(100));
    std::string configured = cli.config().section("embed").get<EmbedConfig>().images;
    sc.images = images_folder(ws, images.empty() ? configured : images);
    ServerConfig c;
    c.host = host;
    c.port = port;
    c.threads = cli.threads();
    const auto& serve = cli.config().section("serve");
    c.max_body = serve.at("max_body").get<size_t>();
    c.read_timeout_s = serve.at("read_timeout").get<int>();
    c.keep_alive_timeout_s = serve.at("keep_alive_timeout").get<int>();
    c.max_connections = serve.at("max_connections").get<int>();
    if (c.read_timeout_s < 1 || c.keep_alive_timeout_s < 1 || c.max_connections < 1 || c.max_body < 1)
      throw UsageError("serve: read_timeout, keep_alive_timeout, max_connections and max_body must be at least 1");
    c.reports = ws.path("reports");
    c.admin_token = token;
    if (c.admin_token.empty())
      if (const char* env = std::getenv("FASHIONREC_ADMIN_TOKEN")) c.admin_token = env;
    // SIGINT / SIGTERM stop the server from a thread of their own (blocked everywhere else).
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
    TrainedModel::set_compute_threads(1);  // requests run on their own threads
    HttpServer server(c, [ws, sc] { return Service::load(ws, sc); });
    int bound = server.bind();
    std::cout << "serving " << ws.dir() << " on http://" << host << ":" << bound
              << "/ (pictures: " << (sc.images.empty() ? "none" : sc.images) << "; admin reload "
              << (c.admin_token.empty() ? "disabled" : "enabled") << "); Ctrl-C stops" << std::endl;
    std::thread waiter([&] {
      int sig = 0;
      sigwait(&sigs, &sig);
      server.stop();
    });
    server.run();
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    std::cout << "stopped" << std::endl;
    return 0;
  });
}

}  // namespace fr::cli
