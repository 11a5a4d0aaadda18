// Same product: other colours of products the customer bought (the same product_code), for the
// last 10 distinct articles, round-robin, each product's best sellers of the last 28 days first.
// The score is the article's 28-day sales.
#include <algorithm>

#include "model/candidates.h"

namespace fr {
namespace {

struct SameProduct : CandidateSource {
  void propose(const AsOfData& data, const CustomerView& c, size_t n, std::vector<Proposal>& out) const override {
    const std::vector<int32_t> recent = c.recent(10);
    std::vector<std::span<const int32_t>> lists;
    for (int32_t a : recent) lists.push_back(data.same_product(a));
    round_robin(
        lists, n, [&](int32_t b) { return std::find(recent.begin(), recent.end(), b) != recent.end(); },
        [&](size_t, size_t, int32_t b) { return data.sales_28d(b); }, out);
  }
};

}  // namespace

const CandidateSource& same_product_source() {
  static const SameProduct s;
  return s;
}

}  // namespace fr
