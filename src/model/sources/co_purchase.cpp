// Co-purchase: articles bought on the same day as the customer's last 5 distinct articles (by the
// same customers, 90 days back), round-robin over those articles, most frequent first. The score
// is 1 / (1 + the rank in the list that found it first).
#include "model/candidates.h"

namespace fr {
namespace {

struct CoPurchase : CandidateSource {
  void propose(const AsOfData& data, const CustomerView& c, size_t n, std::vector<Proposal>& out) const override {
    const std::vector<int32_t> recent = c.recent(5);
    for (size_t rank = 0; rank < AsOfData::kCoBought && out.size() < n; ++rank)
      for (int32_t a : recent) {
        auto list = data.co_bought(a);
        if (rank >= list.size() || out.size() >= n) continue;
        bool seen = false;
        for (auto& p : out) seen = seen || p.article == list[rank];
        if (!seen) out.push_back({list[rank], 1.f / float(1 + rank)});
      }
  }
};

}  // namespace

const CandidateSource& co_purchase_source() {
  static const CoPurchase s;
  return s;
}

}  // namespace fr
