#include <fmt/format.h>

#include <iostream>

#include "cli.h"
#include "model/trainer.h"
#include "tune/refit.h"
#include "tune/train_model.h"

namespace fr::cli {

namespace {
void print_row(const char* what, const nlohmann::json& row) {
  if (!row.is_object() || row.empty()) return;
  std::cout << "  " << what << " (" << row.value("phase", "") << " epoch " << row.value("epoch", 0) << "):";
  for (auto& [k, v] : row.items())
    if (k.find('@') != std::string::npos) std::printf(" %s %.4f", k.c_str(), v.get<double>());
  std::cout << std::endl;
}
}  // namespace

void register_train(Cli& cli) {
  auto* sub = cli.app().add_subcommand(
      "train",
      "Train the two towers (in-batch softmax, logQ) and the ranker (BCE), joint or staged; evaluate each "
      "epoch on the validation week; export model.frc");
  cli.bind_section(sub, "train");
  static bool force = false, resume = false, refit = false;
  sub->add_flag("--refit", refit,
                "Train the model's settings again on every purchase through the last day (validation window "
                "included), for recommend --as-of latest, --all and serve; evaluate keeps the model before it");
  static int64_t stop_after = 0;
  static std::string dump;
  sub->add_flag("--force", force, "Train even if the model is up to date");
  sub->add_flag("--resume", resume, "Continue from the workspace's checkpoint (train.ckpt), if any");
  sub->add_option("--stop-after-steps", stop_after, "Stop after N steps, leaving a checkpoint (for drills and tests)");
  sub->add_option("--dump-inputs", dump, "Write the first epoch's inputs to DIR for bench/train, and stop");
  cli.on(sub, [&cli] {
    auto c = cli.config().section("train").get<TrainConfig>();
    if (refit) {
      auto s = run_refit(cli.workspace(), c, cli.config().section("features").get<FeaturesConfig>(),
                         cli.config().section("index").get<IndexConfig>(),
                         cli.config().section("recommend").get<RecommendConfig>(), cli.threads(), force);
      if (s.value("up_to_date", false))
        std::cout << "the refitted model is up to date: " << s["workspace"].get<std::string>() << "\n";
      else
        std::cout << "refitted on every purchase: " << s["refit_epochs"]["retrieval"] << " retrieval and "
                  << s["refit_epochs"]["rank"] << " ranking epochs\n  model: " << s["model"].get<std::string>() << "\n";
      return 0;
    }
    TrainOptions o{force, resume, stop_after, dump};
    auto s = train_model(cli.workspace(), c, cli.config().section("recommend").get<RecommendConfig>(),
                         cli.config().section("features").get<FeaturesConfig>(), cli.threads(), o);
    if (s.value("up_to_date", false)) {
      std::cout << "the model is up to date: " << s["model"].get<std::string>() << " (--force to train again)\n";
      return 0;
    }
    if (s.contains("stopped_at_step")) {
      std::cout << "stopped after step " << s["stopped_at_step"] << "; continue with --resume\n";
      return 0;
    }
    if (s.contains("dumped")) {
      std::cout << "inputs written to " << s["dumped"].get<std::string>() << "\n";
      return 0;
    }
    if (s.contains("gbdt"))
      std::cout << "GBDT ranker (gbdt): " << s["gbdt"]["rounds"] << " rounds on " << s["gbdt"]["rows"]
                << " candidate rows in " << fmt::format("{:.1f}", s["gbdt"]["seconds"].get<double>()) << " s\n";
    if (!s.contains("epochs")) {
      std::cout << "the towers were up to date: " << s["model"].get<std::string>() << "\n";
      return 0;
    }
    std::cout << "trained " << s["epochs"] << " epochs\n";
    print_row("best", s["best"]);
    std::cout << "  model: " << s["model"].get<std::string>() << "\n  curves: " << s["curves"].get<std::string>()
              << "\n";
    return 0;
  });
}

}  // namespace fr::cli
