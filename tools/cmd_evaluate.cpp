#include <iostream>

#include "cli.h"
#include "recommend/evaluate_stage.h"

namespace fr::cli {

void register_evaluate(Cli& cli) {
  auto* sub = cli.app().add_subcommand(
      "evaluate",
      "Score the validation week (full catalogue): the model, each stage, four baselines, the oracle (synthetic "
      "data) and the seed's sampled protocol; write reports/<run>/");
  cli.bind_section(sub, "evaluate");
  cli.bind_section(sub, "recommend", {"k"});
  cli.on(sub, [&cli] {
    auto r = run_evaluate(cli.workspace(), cli.config().section("evaluate").get<EvaluateConfig>(),
                          cli.config().section("recommend").get<RecommendConfig>(), cli.threads());
    std::cout << metrics_table(r) << "report: " << r["report"].get<std::string>() << "\n";
    return 0;
  });
}

}  // namespace fr::cli
