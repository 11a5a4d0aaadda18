#include "model/candidates.h"

#include <algorithm>

namespace fr {

std::string source_names(uint8_t mask) {
  std::string out;
  for (size_t b = 0; b < kSourceNames.size(); ++b)
    if (mask & (1u << b)) {
      if (!out.empty()) out += '+';
      out += kSourceNames[b];
    }
  return out;
}

void CandidateList::add(int32_t article, uint8_t source) {
  // Lists hold ~150 entries: a linear scan beats a hash set here.
  for (size_t i = 0; i < articles_.size(); ++i)
    if (articles_[i] == article) {
      sources_[i] |= source;
      return;
    }
  articles_.push_back(article);
  sources_.push_back(source);
}

void add_source_candidates(const AsOfData& data, int32_t customer, const SourceCounts& n, CandidateList& out) {
  for (auto& [a, w] : data.repurchase(customer, size_t(n.repurchase))) out.add(a, kSourceRepurchase);
  std::vector<int32_t> recent;
  auto rows = data.purchases(customer);
  for (auto it = rows.rbegin(); it != rows.rend() && recent.size() < 5; ++it) {
    int32_t a = data.dataset().tx_article[*it];
    if (std::find(recent.begin(), recent.end(), a) == recent.end()) recent.push_back(a);
  }
  int64_t co = 0;
  for (size_t rank = 0; rank < AsOfData::kCoBought && co < n.co_purchase; ++rank)
    for (int32_t a : recent) {
      auto list = data.co_bought(a);
      if (rank < list.size() && co < n.co_purchase) out.add(list[rank], kSourceCoPurchase), ++co;
    }
  const auto& pop = data.age_popular(customer);
  for (size_t j = 0; j < std::min(pop.size(), size_t(n.popular)); ++j) out.add(pop[j], kSourcePopular);
}

}  // namespace fr
