#include "tune/train_model.h"

#include "core/log.h"
#include "data/dataset.h"
#include "data/dataset_subset.h"
#include "data/parse.h"
#include "features/split.h"
#include "image/image_artifact.h"
#include "recommend/gbdt_fit.h"
#include "tune/refit.h"

namespace fr {

namespace {

/// The label towers' workspace, brought up to date: its model is trained on the days before
/// first_day, its validation window is [first_day, first_day + 7).
Workspace label_towers(const Workspace& ws, const TrainConfig& c, const FeaturesConfig& fc, int32_t first_day,
                       int threads) {
  Workspace towers(ws.path(kGbdtTowersFolder));
  SubsetSpec spec{first_day + 7, 0, uint64_t(c.seed)};
  nlohmann::json config = {{"before", format_date(spec.before_day)}};
  nlohmann::json inputs = {{"artifact:dataset", ws.artifact_input(kDatasetArtifact)}};
  nlohmann::json entry = towers.entry(kDatasetArtifact);
  if (entry.is_null() || entry["inputs"] != inputs || !towers.is_up_to_date(kDatasetArtifact, config, {})) {
    Dataset d = Dataset::load(ws.path(kDatasetFile));
    nlohmann::json kept = write_dataset_subset(d, spec, towers.path(kDatasetFile), threads);
    towers.record(kDatasetArtifact, kDatasetFile, kDatasetArtifact, kDatasetVersion, kept["checksum"].get<uint64_t>(),
                  config, inputs);
  }
  share_artifact(ws, towers, kImageArtifact, kImageFile);
  SplitConfig sc;
  sc.val_days = 7;
  sc.val_end = format_date(first_day + 6);
  run_split(towers, sc, false);
  run_features(towers, fc, threads, false);
  TrainOptions o;
  o.checkpoints = false;
  run_train(towers, c, threads, o);
  return towers;
}

}  // namespace

nlohmann::json train_model(const Workspace& ws, const TrainConfig& c, const RecommendConfig& rc,
                           const FeaturesConfig& fc, int threads, const TrainOptions& o) {
  nlohmann::json s = run_train(ws, c, threads, o);
  if (s.contains("stopped_at_step") || s.contains("dumped")) return s;
  // A retrained model has no booster; an up-to-date one may lack it when a run was killed
  // between the towers and the fit.
  if (!needs_gbdt_fit(ws, c)) return s;
  const int32_t first = gbdt_first_label_day(load_split(ws).val_start, c);
  spdlog::info("train: the GBDT's label towers, trained on the days before {}", format_date(first));
  Workspace towers = label_towers(ws, c, fc, first, threads);
  nlohmann::json g = fit_gbdt_ranker(ws, towers, c, rc, threads, false);
  s["gbdt"] = {{"rounds", g["rounds"]}, {"rows", g["rows"]}, {"seconds", g["seconds"]}};
  s.erase("up_to_date");
  return s;
}

}  // namespace fr
