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

#include "core/workspace.h"
#include "data/dataset.h"
#include "features/raw_features.h"
#include "features/transform.h"

namespace fr {

inline constexpr const char* kFeaturesArtifact = "features";
inline constexpr const char* kFeaturesFile = "features.frc";
inline constexpr uint32_t kFeaturesVersion = 1;

struct FeaturesConfig {
  int64_t negatives = 4;                         ///< negatives per validation positive
  std::string negative_sampling = "popularity";  ///< uniform | popularity
  int64_t seed = 42;
};
void to_json(nlohmann::json& j, const FeaturesConfig& c);
void from_json(const nlohmann::json& j, FeaturesConfig& c);

/// Runs the stage (skips when up to date unless force). Returns a summary.
nlohmann::json run_features(const Workspace& ws, const FeaturesConfig& c, int threads, bool force);

/// Adds the image stage's PCA columns (has_image, image_pca_<i>) to article features when
/// the workspace has image embeddings. Returns a sentence for the report saying what joined.
std::string join_image_features(const Workspace& ws, const Dataset& d, RawTable& art);

/// The report as a Markdown table.
std::string feature_report_markdown(const nlohmann::json& report);

}  // namespace fr
