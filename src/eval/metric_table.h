#pragma once
// MetricTable: the mean of every metric over the customers of an evaluation, for one ranking
// (the model, a baseline, the oracle). Metric names, as in report.json:
//   precision@K, recall@K, ndcg@K, hitrate@K (a hit among the first K) for each K,
//   map@12 (H&M's MAP@12), coverage@K (distinct articles in the first K of all customers,
//   divided by the catalogue), and "customers" (how many were scored).
// Each thread fills its own table; merge() adds them up.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <vector>

namespace fr {

class MetricTable {
 public:
  MetricTable(std::vector<int64_t> ks, size_t n_articles);
  /// ranked: best first, no repeats; truth: sorted ascending (metrics.h's contract).
  void add(std::span<const int32_t> ranked, std::span<const int32_t> truth);
  void merge(const MetricTable& other);
  int64_t customers() const { return n_; }
  nlohmann::json result() const;

 private:
  std::vector<int64_t> ks_;
  size_t n_articles_;
  int64_t n_ = 0;
  std::vector<double> sums_;                // [ks, 4] precision, recall, ndcg, hitrate
  double map12_ = 0, map12_sq_ = 0;         // sums of AP@12 and of its square (the standard error)
  std::vector<std::vector<uint8_t>> seen_;  // [ks][n_articles]: recommended in the first K
};

}  // namespace fr
