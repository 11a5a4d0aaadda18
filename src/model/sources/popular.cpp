// Popular: last week's best sellers in the customer's age bucket (overall when the age is
// unknown); the score is the article's sales in the last 7 days.
#include "model/candidates.h"

namespace fr {
namespace {

struct Popular : CandidateSource {
  void propose(const AsOfData& data, const CustomerView& c, size_t n, std::vector<Proposal>& out) const override {
    const auto& pop = data.age_popular_for(c.age);
    for (size_t j = 0; j < pop.size() && out.size() < n; ++j) out.push_back({pop[j], data.sales_7d(pop[j])});
  }
};

}  // namespace

const CandidateSource& popular_source() {
  static const Popular s;
  return s;
}

}  // namespace fr
