#include <iostream>

#include "cli.h"
#include "recommend/evaluate_stage.h"

namespace fr::cli {

void register_evaluate(Cli& cli) {
  auto* sub = cli.app().add_subcommand(
      "evaluate",
      "Score the validation week (full catalogue): the model, each stage, four baselines, the oracle (synthetic "
      "data) and the seed's sampled protocol; write reports/<run>/");
  cli.bind(sub, "--ks", "evaluate.ks", "The K of P@K, R@K, NDCG@K, HitRate@K, coverage@K, comma-separated");
  cli.bind(sub, "--customers", "evaluate.customers", "Validation buyers scored (0 = all)");
  cli.bind(sub, "--truth", "evaluate.truth", "Synthetic truth file (default: truth/truth.frc next to the CSVs)");
  cli.bind(sub, "--run", "evaluate.run", "Report folder name under reports/ (default: the UTC time)");
  cli.bind(sub, "--sampled-negatives", "evaluate.sampled_negatives", "Sampled protocol: negatives per purchase");
  cli.bind(sub, "--exclude-bought", "recommend.exclude_bought", "true: drop articles each customer bought before");
  cli.bind(sub, "--tower", "recommend.tower", "Candidates from the index");
  cli.on(sub, [&cli] {
    auto r = run_evaluate(cli.workspace(), cli.config().section("evaluate").get<EvaluateConfig>(),
                          cli.config().section("recommend").get<RecommendConfig>(), cli.threads());
    std::cout << metrics_table(r) << "report: " << r["report"].get<std::string>() << "\n";
    return 0;
  });
}

}  // namespace fr::cli
