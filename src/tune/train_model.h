#pragma once
// train_model: what `train`, `run`, tune's trials and the refit call to train a workspace's
// model: the towers (and the neural ranker) by run_train, then, with train.ranker = gbdt, the
// gradient-boosted ranker (recommend/gbdt_fit.h).
//
// The booster learns on label weeks whose candidates are gathered by towers that never saw them:
// a workspace of its own (<workspace>/gbdt-towers/) holds the dataset cut to the days before the
// first label week's end (data/dataset_subset.h), split so that its validation window is the
// first label week, its features, and towers trained there with the same settings. Everything in
// it is fingerprinted, so a rerun reuses it.
#include <nlohmann/json.hpp>

#include "core/workspace.h"
#include "features/features_stage.h"
#include "model/train_config.h"
#include "model/trainer.h"
#include "recommend/recommend_config.h"

namespace fr {

inline constexpr const char* kGbdtTowersFolder = "gbdt-towers";

/// Returns run_train's summary, with "gbdt" (rounds, rows, seconds) when a booster was fitted.
nlohmann::json train_model(const Workspace& ws, const TrainConfig& c, const RecommendConfig& rc,
                           const FeaturesConfig& fc, int threads, const TrainOptions& o);

}  // namespace fr
