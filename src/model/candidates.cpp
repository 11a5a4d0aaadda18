#include "model/candidates.h"

#include <algorithm>
#include <limits>

namespace fr {

const std::array<const CandidateSource*, kSourceCount>& candidate_sources() {
  static const std::array<const CandidateSource*, kSourceCount> all = {
      nullptr,  // the towers: the recommender adds them from the article index
      &repurchase_source(),
      &co_purchase_source(),
      &popular_source(),
      &same_product_source(),
      &trending_source(),
      &pictures_source(),
      &department_source()};
  return all;
}

std::string source_names(uint8_t mask) {
  std::string out;
  for (size_t b = 0; b < kSourceNames.size(); ++b)
    if (mask & (1u << b)) {
      if (!out.empty()) out += '+';
      out += kSourceNames[b];
    }
  return out;
}

std::vector<int32_t> CustomerView::recent(size_t n) const {
  std::vector<int32_t> out;
  for (auto it = purchases.rbegin(); it != purchases.rend() && out.size() < n; ++it)
    if (std::find(out.begin(), out.end(), it->article) == out.end()) out.push_back(it->article);
  return out;
}

CustomerView customer_view(const AsOfData& data, int32_t customer, std::span<const int32_t> session, float age) {
  CustomerView v;
  v.customer = customer;
  v.age = age;
  v.session = session;
  const Dataset& d = data.dataset();
  if (customer >= 0)
    for (uint32_t r : data.purchases(customer)) v.purchases.push_back({d.tx_article[r], d.tx_day[r], d.tx_price[r]});
  for (int32_t a : session) {
    float p = data.pairs().mean_price(a);
    v.purchases.push_back({a, data.day(), std::isnan(p) ? 0.f : p});
  }
  return v;
}

void CandidateList::add(int32_t article, size_t source, int32_t rank, float score) {
  // Lists hold ~150 entries: a linear scan beats a hash set here.
  size_t i = 0;
  while (i < articles_.size() && articles_[i] != article) ++i;
  if (i == articles_.size()) {
    articles_.push_back(article);
    sources_.push_back(0);
    ranks_.emplace_back().fill(-1);
    scores_.emplace_back().fill(std::numeric_limits<float>::quiet_NaN());
  }
  if (ranks_[i][source] >= 0) return;  // a source's best rank counts
  sources_[i] |= uint8_t(1u << source);
  ranks_[i][source] = rank;
  scores_[i][source] = score;
}

void gather_candidates(const AsOfData& data, const CustomerView& c, const SourceCounts& n, CandidateList& out) {
  std::vector<Proposal> p;
  const auto& sources = candidate_sources();
  for (size_t s = 1; s < kSourceCount; ++s) {
    if (n[s] <= 0) continue;
    p.clear();
    sources[s]->propose(data, c, size_t(n[s]), p);
    for (size_t r = 0; r < p.size() && r < size_t(n[s]); ++r) out.add(p[r].article, s, int32_t(r), p[r].score);
  }
}

}  // namespace fr
