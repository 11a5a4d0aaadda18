#pragma once
// `train --refit`: the chosen settings trained again on every purchase up to the last day, the
// validation window included, as the H&M winners did for their final submissions. It lives in
// a workspace of its own (<workspace>/refit/: the same dataset, a split with no validation
// window, features as of the day after the data, model.frc, index.frc), so that both models
// stay with their fingerprints: evaluate keeps scoring the model trained before the validation
// window (honest figures), while recommend --as-of latest, recommend --all and serve use the
// refitted one when it is up to date.
//
// Epochs: the retrieval and ranking epochs the main model kept (its best epochs by the
// validation figures), with no early stopping (there is nothing to stop on).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/workspace.h"
#include "features/features_stage.h"
#include "model/as_of_data.h"
#include "model/train_config.h"
#include "recommend/recommend_config.h"

namespace fr {

inline constexpr const char* kRefitFolder = "refit";

/// Trains the refit model (and its index) from the workspace's trained model. Needs model.frc.
nlohmann::json run_refit(const Workspace& ws, const TrainConfig& c, const FeaturesConfig& fc, const IndexConfig& ic,
                         const RecommendConfig& rec, int threads, bool force);

/// The refit workspace when its model is up to date with the workspace's (same dataset, same
/// settings), else nullopt.
std::optional<std::string> fresh_refit(const Workspace& ws);

/// What recommend --as-of latest, --all and serve read: the refit workspace, whose split has no
/// validation window (its "validation" day is the day after the data), when it is up to date;
/// else the workspace itself as of the day after the data.
struct ServingWorkspace {
  Workspace ws;
  AsOfData::When when;
  bool refitted;
};
ServingWorkspace serving_workspace(const Workspace& ws);

/// The artifact `name` of `from` in `to` as the same file (a hard link where the file system
/// allows, else a copy), recorded with the same checksum and config. Nothing when `from` has none.
void share_artifact(const Workspace& from, const Workspace& to, const std::string& name, const std::string& file);

}  // namespace fr
