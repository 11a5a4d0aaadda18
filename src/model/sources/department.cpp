// Department best sellers: last week's best sellers of the customer's 3 favourite departments
// (purchases weighted 0.5 ^ (days before / 90)), round-robin, the favourite first. The score is
// the department's share of the customer's weighted purchases.
#include <algorithm>
#include <cmath>
#include <map>

#include "model/candidates.h"

namespace fr {
namespace {

struct Department : CandidateSource {
  void propose(const AsOfData& data, const CustomerView& c, size_t n, std::vector<Proposal>& out) const override {
    std::map<int32_t, double> weight;
    double total = 0;
    for (auto& p : c.purchases) {
      const int32_t dept = data.department(p.article);
      if (dept < 0) continue;
      const double w = std::exp2(-double(data.day() - p.day) / 90.0);
      weight[dept] += w;
      total += w;
    }
    std::vector<std::pair<double, int32_t>> fav;
    for (auto& [dept, w] : weight) fav.emplace_back(-w, dept);
    std::sort(fav.begin(), fav.end());
    if (fav.size() > 3) fav.resize(3);
    std::vector<std::span<const int32_t>> lists;
    for (auto& f : fav) lists.push_back(data.department_popular(f.second));
    round_robin(
        lists, n, [](int32_t) { return false; },
        [&](size_t i, size_t, int32_t) { return float(-fav[i].first / total); }, out);
  }
};

}  // namespace

const CandidateSource& department_source() {
  static const Department s;
  return s;
}

}  // namespace fr
