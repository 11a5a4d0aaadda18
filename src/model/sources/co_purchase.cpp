// Co-purchase: articles bought on the same day as the customer's last 5 distinct articles (by the
// same customers, 90 days back), round-robin over those articles, most frequent first. The score
// is 1 / (1 + the rank in the list that found it first).
#include "model/candidates.h"

namespace fr {
namespace {

struct CoPurchase : CandidateSource {
  void propose(const AsOfData& data, const CustomerView& c, size_t n, std::vector<Proposal>& out) const override {
    std::vector<std::span<const int32_t>> lists;
    for (int32_t a : c.recent(5)) lists.push_back(data.co_bought(a));
    round_robin(
        lists, n, [](int32_t) { return false; }, [](size_t, size_t rank, int32_t) { return 1.f / float(1 + rank); },
        out);
  }
};

}  // namespace

const CandidateSource& co_purchase_source() {
  static const CoPurchase s;
  return s;
}

}  // namespace fr
