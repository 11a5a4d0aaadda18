#pragma once
// The inner window: the `val_days` days just before the validation window, in a workspace of
// its own (<workspace>/tune/), where `fashionrec tune` runs the ordinary pipeline (split,
// features, train, index, evaluate) for each trial. Its dataset is the workspace's cut to the
// purchases before the validation window (data/dataset_subset.h), so no purchase in the
// validation window, and nothing after it, can reach a trial; at scale it keeps a seeded
// sample of the customers. The photos' embeddings (no purchases in them) are shared.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "core/workspace.h"
#include "features/features_stage.h"
#include "features/split.h"

namespace fr {

inline constexpr const char* kTuneFolder = "tune";

struct InnerWindow {
  std::string dir;         ///< the inner workspace
  Split outer, inner;      ///< the validation window, and the inner window before it
  nlohmann::json summary;  ///< what the inner dataset kept
};

/// Makes (or brings up to date) the inner workspace: dataset subset, split, image embeddings,
/// features. sample_customers > 0 keeps that many buyers.
InnerWindow prepare_inner_window(const Workspace& ws, const SplitConfig& split, const FeaturesConfig& features,
                                 int64_t sample_customers, uint64_t seed, int threads);

}  // namespace fr
