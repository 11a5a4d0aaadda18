#pragma once
// `fashionrec train`: trains the two towers and the ranker (joint or staged), evaluates each
// epoch on the validation week, checkpoints, and exports the model artifact.
//
// Files in the workspace:
//   model.frc          the exported model (trained_model.h), recorded in the manifest
//   train_curves.json  per-epoch losses, speed and validation figures
//   train.ckpt         the last checkpoint (libtorch archive), written atomically; removed
//                      when training finishes
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "core/workspace.h"
#include "model/train_config.h"

namespace fr {

inline constexpr const char* kModelArtifact = "model";
inline constexpr const char* kModelFile = "model.frc";
inline constexpr uint32_t kModelVersion = 3;  // 2: retrieval_articles; 3: history table, ranker score input
inline constexpr const char* kCheckpointFile = "train.ckpt";
inline constexpr const char* kCurvesFile = "train_curves.json";

struct TrainOptions {
  bool force = false;   ///< train even if model.frc is up to date
  bool resume = false;  ///< continue from train.ckpt when there is one
  /// Tests and drills: stop (as if killed) after this many steps of this run, leaving the
  /// checkpoint written at that step. 0 = run to the end.
  int64_t stop_after_steps = 0;
  std::string dump_inputs;  ///< bench/train: write the first epoch's inputs here and stop
  /// false: no train.ckpt at epoch ends (tune's short trials, where writing the optimiser's
  /// state took longer than the epochs on small data)
  bool checkpoints = true;
};

/// Returns a summary: {"up_to_date"} or {"stopped_at_step"} or the final figures.
nlohmann::json run_train(const Workspace& ws, const TrainConfig& c, int threads, const TrainOptions& o);

}  // namespace fr
