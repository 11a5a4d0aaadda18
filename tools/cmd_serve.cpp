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
  static std::string images, token;
  cli.bind(sub, "--port,-p", "serve.port");
  sub->add_option("--images", images, "Photos folder 0XX/0XXXXXXXXX.jpg (default: [embed] images, or DATA/images)");
  sub->add_option("--admin-token", token, "Token for POST /admin/reload (or FASHIONREC_ADMIN_TOKEN)");
  cli.bind(sub, "--k-max", "serve.max_k");
  cli.bind_section(sub, "serve", {"max_k"});
  cli.on(sub, [&cli] {
    Workspace ws = cli.workspace();
    ServiceConfig sc;
    sc.recommend = cli.config().section("recommend").get<RecommendConfig>();
    sc.threads = cli.threads();
    const auto serve = cli.config().section("serve").get<ServeConfig>();
    sc.max_k = serve.max_k;
    std::string configured = cli.config().section("embed").get<EmbedConfig>().images;
    sc.images = images_folder(ws, images.empty() ? configured : images);
    ServerConfig c;
    c.host = serve.host;
    c.port = int(serve.port);
    c.threads = cli.threads();
    c.max_body = size_t(serve.max_body);
    c.read_timeout_s = int(serve.read_timeout);
    c.keep_alive_timeout_s = int(serve.keep_alive_timeout);
    c.max_connections = int(serve.max_connections);
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
    std::cout << "serving " << ws.dir() << " on http://" << c.host << ":" << bound
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
