#include "eval/metric_table.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "eval/metrics.h"

namespace fr {

MetricTable::MetricTable(std::vector<int64_t> ks, size_t n_articles)
    : ks_(std::move(ks)),
      n_articles_(n_articles),
      sums_(ks_.size() * 4, 0.0),
      seen_(ks_.size(), std::vector<uint8_t>(n_articles, 0)) {}

void MetricTable::add(std::span<const int32_t> ranked, std::span<const int32_t> truth) {
  ++n_;
  for (size_t i = 0; i < ks_.size(); ++i) {
    size_t k = size_t(ks_[i]);
    double r = recall_at_k(ranked, truth, k);
    sums_[i * 4 + 0] += precision_at_k(ranked, truth, k);
    sums_[i * 4 + 1] += r;
    sums_[i * 4 + 2] += ndcg_at_k(ranked, truth, k);
    sums_[i * 4 + 3] += r > 0 ? 1.0 : 0.0;
    for (size_t j = 0; j < std::min(k, ranked.size()); ++j)
      if (ranked[j] >= 0 && size_t(ranked[j]) < n_articles_) seen_[i][size_t(ranked[j])] = 1;
  }
  const double ap = average_precision_at_k(ranked, truth, 12);
  map12_ += ap;
  map12_sq_ += ap * ap;
}

void MetricTable::merge(const MetricTable& o) {
  n_ += o.n_;
  for (size_t i = 0; i < sums_.size(); ++i) sums_[i] += o.sums_[i];
  map12_ += o.map12_;
  map12_sq_ += o.map12_sq_;
  for (size_t i = 0; i < seen_.size(); ++i)
    for (size_t a = 0; a < n_articles_; ++a) seen_[i][a] |= o.seen_[i][a];
}

nlohmann::json MetricTable::result() const {
  nlohmann::json j = nlohmann::json::object();
  const double n = n_ > 0 ? double(n_) : 1.0;
  static const char* names[4] = {"precision", "recall", "ndcg", "hitrate"};
  for (size_t i = 0; i < ks_.size(); ++i) {
    std::string k = "@" + std::to_string(ks_[i]);
    for (size_t m = 0; m < 4; ++m) j[names[m] + k] = sums_[i * 4 + m] / n;
    size_t covered = size_t(std::count(seen_[i].begin(), seen_[i].end(), uint8_t(1)));
    j["coverage" + k] = n_articles_ ? double(covered) / double(n_articles_) : 0.0;
  }
  j["map@12"] = map12_ / n;
  // The standard error of that mean over the customers: how far noise alone moves it.
  const double var = n_ > 1 ? std::max(0.0, (map12_sq_ - map12_ * map12_ / n) / (n - 1)) : 0.0;
  j["map@12_se"] = std::sqrt(var / n);
  j["customers"] = n_;
  return j;
}

}  // namespace fr
