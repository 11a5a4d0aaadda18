#include <chrono>
#include <filesystem>
#include <iostream>

#include "cli.h"
#include "core/error.h"
#include "data/dataset.h"
#include "data/ingest.h"
#include "features/features_stage.h"
#include "features/split.h"
#include "image/embed_stage.h"
#include "model/trainer.h"
#include "recommend/evaluate_stage.h"
#include "recommend/index_stage.h"
#include "tune/refit.h"
#include "tune/train_model.h"
#include "tune/tune_stage.h"

namespace fr::cli {

void register_run(Cli& cli) {
  auto* sub = cli.app().add_subcommand(
      "run",
      "Run every stage whose inputs or config changed, in order: ingest, split, embed-images (with --images), "
      "features, tune (on the inner window before the validation one), train, index; then evaluate (a report under "
      "reports/, the metrics table at the end)");
  cli.bind(sub, "--data,-d", "ingest.data", "Folder with the H&M CSVs (or set [ingest] in the TOML file)");
  cli.bind(sub, "--val-days", "split.val_days", "Days in the validation window");
  cli.bind(sub, "--val-end", "split.val_end", "Last day of the validation window, YYYY-MM-DD");
  cli.bind(sub, "--negatives", "features.negatives", "Negatives per validation positive");
  cli.bind(sub, "--images", "embed.images", "Photos folder (0XX/0XXXXXXXXX.jpg; default DATA/images when it exists)");
  cli.bind(sub, "--model", "embed.model", "TorchScript ResNet for embed-images (default: colour-texture)");
  cli.bind(sub, "--index", "index.factory", "FAISS factory string for the article index (default Flat: exact)");
  cli.bind(sub, "--report", "evaluate.run", "Report folder name under reports/ (default: the UTC time)");
  cli.bind(sub, "--tune-budget", "tune.budget");
  cli.bind_section(sub, "split");
  cli.bind_section(sub, "train");
  cli.bind_section(sub, "recommend", {"k"});
  static bool force = false, no_eval = false, no_tune = false, no_refit = false;
  sub->add_flag("--no-refit", no_refit, "Skip the refit through the last day after evaluation (train --refit)");
  sub->add_flag("--no-tune", no_tune,
                "Skip tuning: train with the defaults, your TOML file and flags (and any tuned.toml)");
  sub->add_flag("--force", force, "Run every stage even if it is up to date");
  sub->add_flag("--no-evaluate", no_eval, "Stop after the index (no report)");
  cli.on(sub, [&cli] {
    Workspace ws = cli.workspace();
    auto timed = [](const char* name, auto&& stage) {
      auto t0 = std::chrono::steady_clock::now();
      bool up_to_date = stage();
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::cout << "  " << name << (up_to_date ? ": up to date" : ": ran") << " (" << s << " s)\n";
    };
    std::cout << "fashionrec run in " << ws.dir() << "\n";
    IngestConfig ic = cli.config().section("ingest").get<IngestConfig>();
    bool have_inputs = !ic.data.empty() || !ic.transactions.empty();
    if (!have_inputs && ws.entry(kDatasetArtifact).is_null())
      throw UsageError("run needs --data DIR (or [ingest] in the config) for a workspace with no dataset yet");
    if (have_inputs)
      timed("ingest", [&] { return run_ingest(ws, ic, cli.threads(), force).up_to_date; });
    else
      std::cout << "  ingest: no inputs given, using the workspace's dataset\n";
    timed("split", [&] {
      return run_split(ws, cli.config().section("split").get<SplitConfig>(), force).value("up_to_date", false);
    });
    EmbedConfig ec = cli.config().section("embed").get<EmbedConfig>();
    // The pictures come from DATA/images unless --images (or [embed] images) says otherwise.
    if (ec.images.empty() && !ic.data.empty() && std::filesystem::is_directory(ic.data + "/images")) {
      ec.images = ic.data + "/images";
      std::cout << "  (pictures from " << ec.images << ")\n";
    }
    if (!ec.images.empty())
      timed("embed-images", [&] { return run_embed_images(ws, ec, cli.threads(), force).value("up_to_date", false); });
    timed("features", [&] {
      return run_features(ws, cli.config().section("features").get<FeaturesConfig>(), cli.threads(), force)
          .value("up_to_date", false);
    });
    // Tuning on the inner window (before the validation window), then the chosen settings.
    if (!no_tune && cli.config().section("tune").value("enabled", true)) {
      nlohmann::json tuned;
      timed("tune", [&] {
        tuned = run_tune(ws, cli.config(), cli.threads(), force);
        return tuned.value("up_to_date", false);
      });
      std::cout << "  " << tuned["summary"].get<std::string>() << "\n";
      cli.reload_config();
    }
    nlohmann::json trained;
    timed("train", [&] {
      TrainOptions o;
      o.force = force;
      trained = train_model(ws, cli.config().section("train").get<TrainConfig>(),
                            cli.config().section("recommend").get<RecommendConfig>(),
                            cli.config().section("features").get<FeaturesConfig>(), cli.threads(), o);
      return trained.value("up_to_date", false);
    });
    timed("index", [&] {
      return run_index(ws, cli.config().section("index").get<IndexConfig>(), cli.threads(), force)
          .value("up_to_date", false);
    });
    if (no_eval) return 0;
    nlohmann::json report;
    timed("evaluate", [&] {
      report = run_evaluate(ws, cli.config().section("evaluate").get<EvaluateConfig>(),
                            cli.config().section("recommend").get<RecommendConfig>(), cli.threads());
      return false;
    });
    // The refit through the last day: what recommend --all and serve use.
    if (!no_refit) {
      nlohmann::json refitted;
      timed("refit", [&] {
        refitted = run_refit(ws, cli.config().section("train").get<TrainConfig>(),
                             cli.config().section("features").get<FeaturesConfig>(),
                             cli.config().section("index").get<IndexConfig>(),
                             cli.config().section("recommend").get<RecommendConfig>(), cli.threads(), force);
        return refitted.value("up_to_date", false);
      });
    }
    std::cout << "\n" << metrics_table(report) << "report: " << report["report"].get<std::string>() << "\n";
    if (!no_refit)
      std::cout << "served (recommend --all, serve): the model refitted through the last day, in "
                << ws.path(kRefitFolder) << "\n";
    return 0;
  });
}

}  // namespace fr::cli
