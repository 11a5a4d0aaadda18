#include <iostream>

#include "cli.h"
#include "recommend/index_stage.h"

namespace fr::cli {

void register_index(Cli& cli) {
  auto* sub = cli.app().add_subcommand(
      "index",
      "Put the model's article embeddings in a FAISS index (index.frc) and report its recall against "
      "the exact index");
  cli.bind(sub, "--index,--factory", "index.factory");
  cli.bind_section(sub, "index");
  static bool force = false;
  sub->add_flag("--force", force, "Build even if the index is up to date");
  cli.on(sub, [&cli] {
    auto s = run_index(cli.workspace(), cli.config().section("index").get<IndexConfig>(), cli.threads(), force);
    if (s.value("up_to_date", false)) {
      std::cout << "the index is up to date: " << s["index"].get<std::string>() << " (--force to build again)\n";
      return 0;
    }
    const auto& ch = s["check"];
    std::printf(
        "index %s: %lld articles x %lld, built in %.2f s\n  recall@%lld against the exact index: %.4f "
        "(%lld article queries, %.3f ms per query)\n  %s\n",
        s["factory"].get<std::string>().c_str(), (long long)s["articles"], (long long)s["dim"],
        s["build_s"].get<double>(), (long long)ch["k"], ch["recall"].get<double>(), (long long)ch["queries"],
        ch.value("search_ms_per_query", 0.0), s["index"].get<std::string>().c_str());
    return 0;
  });
}

}  // namespace fr::cli
