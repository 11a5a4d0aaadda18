#include "tune/refit.h"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "core/artifact.h"
#include "core/checksum.h"
#include "core/error.h"
#include "data/dataset.h"
#include "features/split.h"
#include "image/image_artifact.h"
#include "model/trained_model.h"
#include "model/trainer.h"
#include "recommend/index_stage.h"
#include "tune/train_model.h"

namespace fs = std::filesystem;
namespace fr {

namespace {

/// The epochs the main model kept: the best retrieval (or joint) epoch and the best rank epoch.
std::pair<int64_t, int64_t> kept_epochs(const TrainedModel& m) {
  int64_t retrieval = 0, rank = 0;
  nlohmann::json curves = m.meta().value("curves", nlohmann::json::array());
  for (auto& row : curves) {
    if (!row.value("best", false)) continue;
    (row.value("phase", "") == "rank" ? rank : retrieval) = row.value("epoch", int64_t(0));
  }
  return {retrieval, rank};
}

}  // namespace

nlohmann::json run_refit(const Workspace& ws, const TrainConfig& c, const FeaturesConfig& fc, const IndexConfig& ic,
                         const RecommendConfig& rec, int threads, bool force) {
  if (ws.entry(kModelArtifact).is_null())
    throw UsageError("train --refit needs a trained model first (fashionrec train): it takes its epochs");
  TrainedModel main = TrainedModel::load(ws.path(kModelFile));
  if (identity_json(main.meta().at("train").get<TrainConfig>()) != identity_json(c))
    throw UsageError("train --refit: model.frc was trained with other settings; run fashionrec train first");
  auto [retrieval_epochs, rank_epochs] = kept_epochs(main);
  TrainConfig rc = c;
  rc.epochs = std::max<int64_t>(1, retrieval_epochs);
  rc.rank_epochs = c.mode == "staged" ? rank_epochs : 0;
  rc.patience = rc.epochs + rc.rank_epochs + 1;

  Workspace refit(ws.path(kRefitFolder));
  share_artifact(ws, refit, kDatasetArtifact, kDatasetFile);
  share_artifact(ws, refit, kImageArtifact, kImageFile);
  SplitConfig none;
  none.val_days = 0;
  run_split(refit, none, force);
  run_features(refit, fc, threads, force);
  TrainOptions o;
  o.force = force;
  spdlog::info("refit: {} retrieval and {} ranking epochs (the main model's best) on every purchase", rc.epochs,
               rc.rank_epochs);
  nlohmann::json s = train_model(refit, rc, rec, fc, threads, o);
  run_index(refit, ic, threads, force);
  s["workspace"] = refit.dir();
  s["refit_epochs"] = {{"retrieval", rc.epochs}, {"rank", rc.rank_epochs}};
  return s;
}

void share_artifact(const Workspace& from, const Workspace& to, const std::string& name, const std::string& file) {
  nlohmann::json e = from.entry(name);
  if (e.is_null()) return;
  nlohmann::json have = to.entry(name);
  if (!have.is_null() && have["checksum"] == e["checksum"] && fs::exists(to.path(file))) return;
  std::string tmp = to.path(file) + ".tmp";
  fs::remove(tmp);
  std::error_code ec;
  fs::create_hard_link(from.path(file), tmp, ec);
  if (ec) fs::copy_file(from.path(file), tmp, fs::copy_options::overwrite_existing);
  fs::rename(tmp, to.path(file));
  to.record(name, file, e["kind"], e["format_version"], std::stoull(e["checksum"].get<std::string>(), nullptr, 16),
            e["config"], {{"artifact:" + name, from.artifact_input(name)}});
}

ServingWorkspace serving_workspace(const Workspace& ws) {
  if (auto refit = fresh_refit(ws)) return {Workspace(*refit, false), AsOfData::When::kValidation, true};
  return {ws, AsOfData::When::kLatest, false};
}

std::optional<std::string> fresh_refit(const Workspace& ws) {
  const std::string dir = ws.path(kRefitFolder);
  if (!fs::exists(dir + "/manifest.json")) return std::nullopt;
  Workspace refit(dir, false);
  nlohmann::json main = ws.entry(kModelArtifact), model = refit.entry(kModelArtifact),
                 data = refit.entry(kDatasetArtifact), outer_data = ws.entry(kDatasetArtifact);
  if (main.is_null() || model.is_null() || data.is_null() || outer_data.is_null()) return std::nullopt;
  if (data["checksum"] != outer_data["checksum"]) return std::nullopt;
  // The same settings, less the epochs (the refit takes the main model's kept epochs).
  nlohmann::json a = main["config"], b = model["config"];
  for (const char* k : {"epochs", "rank_epochs", "patience"}) a.erase(k), b.erase(k);
  if (a != b) return std::nullopt;
  if (refit.entry(kIndexArtifact).is_null()) return std::nullopt;
  if (hex64(Artifact::peek_checksum(refit.path(kModelFile))) != model["checksum"].get<std::string>())
    return std::nullopt;
  return dir;
}

}  // namespace fr
