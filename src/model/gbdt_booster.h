#pragma once
// GbdtBooster: a gradient-boosted tree ranker (XGBoost, Debian's libxgboost-dev 1.7, through its
// C API), LambdaMART (`rank:ndcg`) over CandidateFeatures rows grouped by customer-week. No torch.
//
// Stored as XGBoost's UBJSON model bytes (a model.frc section), so a booster round-trips
// through bytes with identical predictions. predict() is thread-safe: XGBoost's predictor is
// safe for concurrent inference, each call builds its own DMatrix.
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

namespace fr {

/// A learning set: rows [n, dim] f32 (NaN = missing), a label per row (1 = bought), and the
/// sizes of consecutive groups (one customer-week each), summing to n.
struct GbdtData {
  size_t dim = 0;
  std::vector<float> x;
  std::vector<float> label;
  std::vector<uint32_t> groups;
  size_t rows() const { return label.size(); }
};

struct GbdtParams {
  int64_t rounds = 300;         ///< at most; early stopping may end sooner
  int64_t early_stopping = 30;  ///< rounds without a better validation NDCG@12
  std::string objective = "rank:ndcg";
  int64_t max_depth = 6;
  double eta = 0.1;
  double subsample = 0.8;
  double colsample = 0.8;
  double min_child_weight = 1;
  uint64_t seed = 42;
  int threads = 0;  ///< 0 = XGBoost's default (all cores)
};

class GbdtBooster {
 public:
  GbdtBooster();
  ~GbdtBooster();
  GbdtBooster(GbdtBooster&&) noexcept;
  GbdtBooster& operator=(GbdtBooster&&) noexcept;

  /// Trains on `train`; with a non-empty `valid`, stops after params.early_stopping rounds
  /// without a better validation NDCG@12 and keeps the best rounds. names: the feature names.
  /// progress(round, validation ndcg) is called after each round. Throws InternalError on an
  /// XGBoost failure, UsageError for empty or inconsistent data.
  static GbdtBooster train(const GbdtData& train, const GbdtData& valid, const std::vector<std::string>& names,
                           const GbdtParams& p, const std::function<void(int64_t, double)>& progress = {});
  /// Loads model bytes; `where` names the file for errors (ArtifactError).
  static GbdtBooster load(std::span<const uint8_t> bytes, size_t dim, const std::string& where);

  std::vector<uint8_t> save() const;
  /// Scores [n] of rows [n, dim]: higher ranks first (LambdaMART margins).
  std::vector<float> predict(std::span<const float> x, size_t n) const;
  size_t dim() const { return dim_; }
  int64_t rounds() const { return rounds_; }
  /// The feature names (kept by train(); set_names() after load()).
  void set_names(std::vector<std::string> names) { names_ = std::move(names); }
  /// Total gain of each feature over the trees, by name; features never used are left out.
  std::vector<std::pair<std::string, double>> importance() const;
  /// The validation NDCG@12 of each round (empty without validation data).
  const std::vector<double>& curve() const { return curve_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  size_t dim_ = 0;
  int64_t rounds_ = 0;
  std::vector<std::string> names_;
  std::vector<double> curve_;
};

}  // namespace fr
