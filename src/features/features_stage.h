#pragma once
// `fashionrec features`: the features artifact (features.frc) and the feature report.
//
// features.frc sections (row-major float32 / int32):
//   cust.x [n_customers, cust_dim]   cust.idx [n_customers, cust_n_index]
//   art.x  [n_articles, art_dim]     art.idx  [n_articles, art_n_index]
//   pairs.customer, pairs.article [n_pairs] i32, pairs.label [n_pairs] u8,
//   pairs.x [n_pairs, PairFeaturizer::kDim] (raw, NaN = missing)
// meta: {"as_of": first validation day, "customer_transform", "article_transform" (JSON of
// FeatureTransform), "customer_columns", "article_columns", "pair_columns", "report"}.
#include <nlohmann/json.hpp>
#include <string>
#include "core/setting.h"

#include "core/workspace.h"
#include "data/dataset.h"
#include "features/raw_features.h"
#include "features/transform.h"

namespace fr {

inline constexpr const char* kFeaturesArtifact = "features";
inline constexpr const char* kFeaturesFile = "features.frc";
inline constexpr uint32_t kFeaturesVersion = 1;

// clang-format off
#define FR_FEATURES_SETTINGS(X)                                                                                     \
  X(int64_t, negatives, 4, "Negatives per labelled validation positive", range(0, 1000), kModel, no_tune())          \
  X(std::string, negative_sampling, "popularity", "uniform or popularity", choices({"uniform", "popularity"}),      \
    kModel, no_tune())                                                                                               \
  X(int64_t, seed, 42, "Seed of the negative sampling", any(), kModel, no_tune())
// clang-format on
FR_SETTINGS_SECTION(FeaturesConfig, "features", FR_FEATURES_SETTINGS)

/// Runs the stage (skips when up to date unless force). Returns a summary.
nlohmann::json run_features(const Workspace& ws, const FeaturesConfig& c, int threads, bool force);

/// Adds the image stage's PCA columns (has_image, image_pca_<i>) to article features when
/// the workspace has image embeddings. Returns a sentence for the report saying what joined.
std::string join_image_features(const Workspace& ws, const Dataset& d, RawTable& art);

/// The report as a Markdown table.
std::string feature_report_markdown(const nlohmann::json& report);

}  // namespace fr
