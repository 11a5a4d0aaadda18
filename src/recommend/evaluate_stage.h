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
#include "core/setting.h"

#include "core/workspace.h"
#include "recommend/recommend_config.h"

namespace fr {

// clang-format off
#define FR_EVALUATE_SETTINGS(X)                                                                                     \
  X(std::vector<int64_t>, ks, (std::vector<int64_t>{10, 12, 20}),                                                   \
    "The K of P@K, R@K, NDCG@K, HitRate@K and coverage@K, comma-separated (MAP@12 always)", range(1, 1000), kRun,   \
    no_tune())                                                                                                       \
  X(int64_t, customers, 0, "Validation buyers scored (0 = all; else evenly spaced)", at_least(0), kRun, no_tune())  \
  X(int64_t, sampled_negatives, 100, "The seed's sampled protocol: random negatives per purchase", range(1, 100000), \
    kRun, no_tune())                                                                                                 \
  X(std::string, truth, "", "Synthetic truth file (\"\" = truth/truth.frc next to the ingested CSVs)", any(), kRun, \
    no_tune())                                                                                                       \
  X(std::string, run, "", "Report folder name under reports/ (\"\" = the UTC time)", any(), kRun, no_tune())          \
  X(int64_t, seed, 42, "Seed of the sampled protocol", any(), kRun, no_tune())
// clang-format on
FR_SETTINGS_SECTION(EvaluateConfig, "evaluate", FR_EVALUATE_SETTINGS)

nlohmann::json run_evaluate(const Workspace& ws, const EvaluateConfig& c, const RecommendConfig& rc, int threads);

/// The truth file next to the CSVs the workspace's dataset was ingested from, or "".
std::string find_truth_file(const Workspace& ws);

/// The compact terminal table of a report.json.
std::string metrics_table(const nlohmann::json& report);

}  // namespace fr
