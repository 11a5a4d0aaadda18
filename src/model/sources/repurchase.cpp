// Repurchase: the customer's past articles, heaviest time-decayed weight first (each purchase
// weighs 0.5 ^ (days before the as-of day / 30); a session's purchases weigh 1).
#include <algorithm>
#include <cmath>

#include "model/candidates.h"

namespace fr {
namespace {

struct Repurchase : CandidateSource {
  void propose(const AsOfData& data, const CustomerView& c, size_t n, std::vector<Proposal>& out) const override {
    std::vector<Proposal> all;
    for (auto& p : c.purchases) all.push_back({p.article, float(std::exp2(-double(data.day() - p.day) / 30.0))});
    std::sort(all.begin(), all.end(), [](auto& x, auto& y) { return x.article < y.article; });
    for (auto& p : all)
      if (!out.empty() && out.back().article == p.article)
        out.back().score += p.score;
      else
        out.push_back(p);
    std::stable_sort(out.begin(), out.end(), [](auto& x, auto& y) { return x.score > y.score; });
    if (out.size() > n) out.resize(n);
  }
};

}  // namespace

const CandidateSource& repurchase_source() {
  static const Repurchase s;
  return s;
}

}  // namespace fr
