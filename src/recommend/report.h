#pragma once
// The evaluation report: reports/<run>/report.json (evaluate_stage.h states its shape),
// report.md, and three SVG charts: metrics_by_k.svg (NDCG@K and recall@K of the model, the
// baselines and the oracle), training_curves.svg (model.frc's curves), candidates.svg (the
// candidates' recall by source).
#include <nlohmann/json.hpp>
#include <string>

namespace fr {

/// Writes the folder's files (each atomically); returns the path of report.md.
std::string write_report(const std::string& dir, const nlohmann::json& report, const nlohmann::json& curves);

}  // namespace fr
