#include <iostream>

#include "cli.h"
#include "model/trainer.h"

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
  cli.bind(sub, "--mode", "train.mode",
           "staged (retrieval, then ranking on its candidates) or joint (both losses each step)")
      ->check(CLI::IsMember({"joint", "staged"}));
  cli.bind(sub, "--epochs", "train.epochs", "Retrieval (or joint) epochs, at most");
  cli.bind(sub, "--rank-epochs", "train.rank_epochs", "Ranking epochs after retrieval (staged)");
  cli.bind(sub, "--patience", "train.patience", "Epochs without improvement before stopping early");
  cli.bind(sub, "--max-examples", "train.max_examples", "Purchases per epoch (0 = all)");
  cli.bind(sub, "--retrieval-days", "train.retrieval_days", "Train retrieval on the last N training days (0 = all)");
  cli.bind(sub, "--rank-days", "train.rank_days", "The ranker's label window: the last N training days");
  cli.bind(sub, "--history", "train.history", "Recent purchases pooled by the customer tower");
  cli.bind(sub, "--history-features", "train.history_features",
           "true: the customer tower also pools its recent purchases' article features and tower embeddings");
  cli.bind(sub, "--batch-size", "train.batch_size", "Purchases per step (also the in-batch negatives)");
  cli.bind(sub, "--dim", "train.dim", "Embedding size of the towers");
  cli.bind(sub, "--hidden", "train.hidden", "Hidden layer width");
  cli.bind(sub, "--lr", "train.lr", "Peak learning rate");
  cli.bind(sub, "--optimizer", "train.optimizer", "adam or adamw")->check(CLI::IsMember({"adam", "adamw"}));
  cli.bind(sub, "--schedule", "train.schedule", "cosine (after warmup) or constant")
      ->check(CLI::IsMember({"cosine", "constant"}));
  cli.bind(sub, "--temperature", "train.temperature", "Softmax temperature of the retrieval loss");
  cli.bind(sub, "--popularity-bias", "train.popularity_bias",
           "true: retrieval score = towers' dot / temperature + a learned term of the article's recent sales");
  cli.bind(sub, "--mask-history-columns", "train.mask_history_columns",
           "Feature columns summed up to the split that the towers leave out: none, articles or all")
      ->check(CLI::IsMember({"none", "articles", "all"}));
  cli.bind(sub, "--extra-negatives", "train.extra_negatives", "Extra negatives per batch");
  cli.bind(sub, "--rank-weight", "train.rank_weight", "Weight of the ranking loss in joint mode");
  cli.bind(sub, "--hard-negatives", "train.hard_negatives", "Hard negatives per ranking positive");
  cli.bind(sub, "--seed", "train.seed", "Seed: the same seed gives the same losses");
  cli.bind(sub, "--eval-customers", "train.eval_customers", "Validation customers scored each epoch (0 = all)");
  cli.bind(sub, "--checkpoint-every", "train.checkpoint_every", "Also checkpoint every N steps");
  static bool force = false, resume = false;
  static int64_t stop_after = 0;
  static std::string dump;
  sub->add_flag("--force", force, "Train even if the model is up to date");
  sub->add_flag("--resume", resume, "Continue from the workspace's checkpoint (train.ckpt), if any");
  sub->add_option("--stop-after-steps", stop_after, "Stop after N steps, leaving a checkpoint (for drills and tests)");
  sub->add_option("--dump-inputs", dump, "Write the first epoch's inputs to DIR for bench/train, and stop");
  cli.on(sub, [&cli] {
    auto c = cli.config().section("train").get<TrainConfig>();
    TrainOptions o{force, resume, stop_after, dump};
    auto s = run_train(cli.workspace(), c, cli.threads(), o);
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
    std::cout << "trained " << s["epochs"] << " epochs\n";
    print_row("best", s["best"]);
    std::cout << "  model: " << s["model"].get<std::string>() << "\n  curves: " << s["curves"].get<std::string>()
              << "\n";
    return 0;
  });
}

}  // namespace fr::cli
