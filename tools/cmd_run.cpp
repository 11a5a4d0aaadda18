#include <chrono>
#include <iostream>

#include "cli.h"
#include "core/error.h"
#include "data/dataset.h"
#include "data/ingest.h"
#include "features/features_stage.h"
#include "features/split.h"
#include "image/embed_stage.h"
#include "model/trainer.h"

namespace fr::cli {

void register_run(Cli& cli) {
  auto* sub = cli.app().add_subcommand(
      "run",
      "Run every stage whose inputs or config changed, in order: ingest, split, embed-images (with --images), "
      "features, train");
  cli.bind(sub, "--data,-d", "ingest.data", "Folder with the H&M CSVs (or set [ingest] in the TOML file)");
  cli.bind(sub, "--val-days", "split.val_days", "Days in the validation window");
  cli.bind(sub, "--val-end", "split.val_end", "Last day of the validation window, YYYY-MM-DD");
  cli.bind(sub, "--negatives", "features.negatives", "Negatives per validation positive");
  cli.bind(sub, "--images", "embed.images", "Photos folder: embed-images runs too (0XX/0XXXXXXXXX.jpg)");
  cli.bind(sub, "--model", "embed.model", "TorchScript ResNet for embed-images (default: colour-texture)");
  static bool force = false;
  sub->add_flag("--force", force, "Run every stage even if it is up to date");
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
    if (!ec.images.empty())
      timed("embed-images", [&] { return run_embed_images(ws, ec, cli.threads(), force).value("up_to_date", false); });
    timed("features", [&] {
      return run_features(ws, cli.config().section("features").get<FeaturesConfig>(), cli.threads(), force)
          .value("up_to_date", false);
    });
    nlohmann::json trained;
    timed("train", [&] {
      TrainOptions o;
      o.force = force;
      trained = run_train(ws, cli.config().section("train").get<TrainConfig>(), cli.threads(), o);
      return trained.value("up_to_date", false);
    });
    if (trained.contains("best")) {
      std::cout << "  best validation figures:";
      for (auto& [k, v] : trained["best"].items())
        if (k.find('@') != std::string::npos) std::cout << " " << k << " " << v.get<double>();
      std::cout << "\n";
    }
    return 0;
  });
}

}  // namespace fr::cli
