#include "model/candidate_features.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "core/error.h"
#include "features/raw_features.h"

namespace fr {

namespace {
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
}

const std::vector<std::string>& CandidateFeatures::names() {
  static const std::vector<std::string> n = [] {
    std::vector<std::string> v;
    for (const char* s : kSourceNames) v.push_back(std::string(s) + ".rank"), v.push_back(std::string(s) + ".score");
    for (auto& p : PairFeaturizer::names()) v.push_back("pair." + p);
    for (const char* s : {"repurchase_weight", "co_purchase_strength", "sales_1d", "sales_7d", "sales_28d", "trend_7d",
                          "days_since_first_sale", "price", "customer_purchases_7d", "customer_purchases_30d",
                          "customer_purchases_90d", "days_since_last_purchase", "age_bucket_rank", "picture_cosine"})
      v.push_back(s);
    return v;
  }();
  return n;
}

void CandidateFeatures::compute(const AsOfData& data, const CustomerView& c, const CandidateList& cand,
                                std::span<const float> tower_score, std::vector<float>& out) {
  if (tower_score.size() != cand.size()) throw InternalError("CandidateFeatures: one tower score per candidate");
  const int32_t day = data.day();
  // Per customer, once.
  float p7 = 0, p30 = 0, p90 = 0, since_last = kNaN;
  std::unordered_map<int32_t, float> weight;
  for (auto& p : c.purchases) {
    const int32_t ago = day - p.day;
    p7 += ago <= 7, p30 += ago <= 30, p90 += ago <= 90;
    since_last = std::isnan(since_last) ? float(ago) : std::min(since_last, float(ago));
    weight[p.article] += float(std::exp2(-double(ago) / 30.0));
  }
  const std::vector<int32_t> recent = c.recent(5);
  std::unordered_map<int32_t, float> co;
  for (int32_t a : recent) {
    auto list = data.co_bought(a);
    for (size_t r = 0; r < list.size(); ++r) co[list[r]] += 1.f / float(1 + r);
  }
  std::unordered_map<int32_t, int32_t> age_rank;
  const auto& pop = data.age_popular_for(c.age);
  for (size_t r = 0; r < pop.size(); ++r) age_rank.emplace(pop[r], int32_t(r));
  std::vector<float> mean;
  if (data.has_pictures()) {
    int n = 0;
    mean.assign(data.picture_dim(), 0.f);
    for (int32_t a : recent)
      if (const float* v = data.picture(a)) {
        ++n;
        for (size_t k = 0; k < mean.size(); ++k) mean[k] += v[k];
      }
    if (n == 0)
      mean.clear();
    else
      for (float& x : mean) x /= float(n);
  }
  std::vector<PairFeaturizer::SessionItem> items;
  for (int32_t a : c.session) items.push_back({a, data.pairs().mean_price(a)});

  const size_t dim = CandidateFeatures::dim();
  const size_t base = out.size();
  out.resize(base + cand.size() * dim, kNaN);
  for (size_t i = 0; i < cand.size(); ++i) {
    const int32_t a = cand.articles()[i];
    float* row = &out[base + i * dim];
    size_t k = 0;
    for (size_t s = 0; s < kSourceCount; ++s) {
      const int32_t r = cand.rank(i, s);
      row[k++] = r < 0 ? kNaN : float(r);
      row[k++] = s == 0 ? tower_score[i] : cand.score(i, s);
    }
    data.pairs().compute(c.customer, items, c.age, a, row + k);
    k += PairFeaturizer::kDim;
    auto w = weight.find(a);
    row[k++] = w == weight.end() ? 0.f : w->second;
    auto cs = co.find(a);
    row[k++] = cs == co.end() ? 0.f : cs->second;
    row[k++] = data.sales_1d(a);
    row[k++] = data.sales_7d(a);
    row[k++] = data.sales_28d(a);
    row[k++] = (data.sales_7d(a) + 1.f) / (data.sales_prev_7d(a) + 1.f);
    const int32_t first = data.first_sale_day(a);
    row[k++] = first == kMissingInt ? kNaN : float(day - first);
    row[k++] = data.pairs().mean_price(a);
    row[k++] = p7;
    row[k++] = p30;
    row[k++] = p90;
    row[k++] = since_last;
    auto ar = age_rank.find(a);
    row[k++] = ar == age_rank.end() ? kNaN : float(ar->second);
    const float* v = mean.empty() ? nullptr : data.picture(a);
    float cosine = kNaN;
    if (v) {
      double dot = 0, norm = 0;
      for (size_t j = 0; j < mean.size(); ++j) dot += double(mean[j]) * v[j], norm += double(mean[j]) * mean[j];
      cosine = norm > 0 ? float(dot / std::sqrt(norm)) : kNaN;
    }
    row[k++] = cosine;
  }
}

}  // namespace fr
