// Trending: the articles whose sales grew most in the last 7 days against the 7 before; the
// same for every customer. The score is the growth in sales.
#include "model/candidates.h"

namespace fr {
namespace {

struct Trending : CandidateSource {
  void propose(const AsOfData& data, const CustomerView&, size_t n, std::vector<Proposal>& out) const override {
    for (int32_t a : data.trending()) {
      if (out.size() >= n) break;
      out.push_back({a, data.sales_7d(a) - data.sales_prev_7d(a)});
    }
  }
};

}  // namespace

const CandidateSource& trending_source() {
  static const Trending s;
  return s;
}

}  // namespace fr
