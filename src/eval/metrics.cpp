#include "eval/metrics.h"

#include <algorithm>
#include <cmath>

namespace fr {

namespace {
bool relevant(std::span<const int32_t> truth, int32_t a) { return std::binary_search(truth.begin(), truth.end(), a); }
size_t hits(std::span<const int32_t> ranked, std::span<const int32_t> truth, size_t k) {
  size_t n = 0;
  for (size_t i = 0; i < std::min(k, ranked.size()); ++i) n += relevant(truth, ranked[i]);
  return n;
}
}  // namespace

double recall_at_k(std::span<const int32_t> ranked, std::span<const int32_t> truth, size_t k) {
  return truth.empty() ? 0.0 : double(hits(ranked, truth, k)) / double(truth.size());
}

double precision_at_k(std::span<const int32_t> ranked, std::span<const int32_t> truth, size_t k) {
  return truth.empty() || k == 0 ? 0.0 : double(hits(ranked, truth, k)) / double(k);
}

double ndcg_at_k(std::span<const int32_t> ranked, std::span<const int32_t> truth, size_t k) {
  if (truth.empty()) return 0.0;
  double dcg = 0, ideal = 0;
  for (size_t i = 0; i < std::min(k, ranked.size()); ++i)
    if (relevant(truth, ranked[i])) dcg += 1.0 / std::log2(double(i) + 2.0);
  for (size_t i = 0; i < std::min(k, truth.size()); ++i) ideal += 1.0 / std::log2(double(i) + 2.0);
  return dcg / ideal;
}

double average_precision_at_k(std::span<const int32_t> ranked, std::span<const int32_t> truth, size_t k) {
  if (truth.empty() || k == 0) return 0.0;
  double sum = 0;
  size_t found = 0;
  for (size_t i = 0; i < std::min(k, ranked.size()); ++i)
    if (relevant(truth, ranked[i])) sum += double(++found) / double(i + 1);
  return sum / double(std::min(k, truth.size()));
}

}  // namespace fr
