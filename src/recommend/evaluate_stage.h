#pragma once
// `fashionrec evaluate`: scores the validation week over the customers who bought in it, for
// the model (after ranking), each stage (the tower alone, the candidates by source), four
// baselines, the oracle (synthetic data: the generator's truth file) and the seed's sampled
// protocol; writes reports/<run>/ (report.json, report.md, SVG charts) in the workspace.
//
// report.json: {"metrics": {"model": {...}, "oracle": {...} (when a truth file is given),
//   "baselines": {"last_week_top12", "decayed_popularity", "repurchase_then_popular",
//   "age_bucket_popularity"}, "retrieval": {...}}, "candidates": {"recall": {"all", SOURCE...},
//   "mean_count"}, "sampled": {...}, "exclude_bought", "customers", ...}; each metrics object
// maps MetricTable's names to values.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/workspace.h"
#include "recommend/recommend_config.h"

namespace fr {

struct EvaluateConfig {
  std::vector<int64_t> ks{10, 12, 20};
  int64_t customers = 0;            ///< validation buyers scored (0 = all; else every n-th)
  int64_t sampled_negatives = 100;  ///< the sampled protocol: random negatives per positive
  std::string truth;                ///< synthetic truth file ("" = found next to the ingested CSVs)
  std::string run;                  ///< report folder name ("" = the time, YYYYMMDD-HHMMSS)
  int64_t seed = 42;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(EvaluateConfig, ks, customers, sampled_negatives, truth, run, seed)

nlohmann::json run_evaluate(const Workspace& ws, const EvaluateConfig& c, const RecommendConfig& rc, int threads);

/// The truth file next to the CSVs the workspace's dataset was ingested from, or "".
std::string find_truth_file(const Workspace& ws);

/// The compact terminal table of a report.json.
std::string metrics_table(const nlohmann::json& report);

}  // namespace fr
