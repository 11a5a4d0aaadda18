#include "recommend/policy.h"

#include <algorithm>
#include <string>

#include "core/error.h"

namespace fr {

void append_ranking(std::vector<int32_t>& out, std::span<const int32_t> from, size_t n,
                    std::span<const int32_t> excluded) {
  for (int32_t a : from) {
    if (out.size() >= n) return;
    if (std::binary_search(excluded.begin(), excluded.end(), a)) continue;
    if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  }
}

std::vector<int32_t> repurchase_then(const AsOfData& data, int32_t customer, std::span<const int32_t> ranked, size_t n,
                                     std::span<const int32_t> excluded) {
  std::vector<int32_t> rep, out;
  for (auto& [a, w] : data.repurchase(customer, n)) rep.push_back(a);
  append_ranking(out, rep, n, excluded);
  append_ranking(out, ranked, n, excluded);
  return out;
}

std::vector<int32_t> baseline_ranking(const AsOfData& data, std::string_view name, int32_t customer, size_t n,
                                      std::span<const int32_t> excluded) {
  std::vector<int32_t> out;
  if (name == "last_week_top12") {
    append_ranking(out, data.last_week(), std::min<size_t>(n, 12), excluded);
  } else if (name == "decayed_popularity") {
    append_ranking(out, data.decayed(), n, excluded);
  } else if (name == "repurchase_then_popular") {
    out = repurchase_then(data, customer, data.last_week(), n, excluded);
  } else if (name == "age_bucket_popularity") {
    append_ranking(out, data.age_popular(customer), n, excluded);
  } else {
    throw InternalError("no baseline named " + std::string(name));
  }
  return out;
}

bool is_policy(std::string_view name) {
  if (name == kModelPolicy || name == kBlendPolicy) return true;
  return std::find(kBaselineNames.begin(), kBaselineNames.end(), name) != kBaselineNames.end();
}

}  // namespace fr
