// Similar pictures: the nearest pictures (image embeddings) of the customer's last 5 distinct
// articles, among the articles sold in the last 28 days, ordered by the cosine with the mean of
// those articles' pictures (the score). Nothing without image embeddings.
#include <algorithm>
#include <cmath>

#include "model/candidates.h"

namespace fr {
namespace {

struct Pictures : CandidateSource {
  void propose(const AsOfData& data, const CustomerView& c, size_t n, std::vector<Proposal>& out) const override {
    if (!data.has_pictures()) return;
    const size_t dim = data.picture_dim();
    std::vector<float> mean(dim, 0.f);
    std::vector<int32_t> recent;
    for (int32_t a : c.recent(5))
      if (const float* v = data.picture(a)) {
        recent.push_back(a);
        for (size_t k = 0; k < dim; ++k) mean[k] += v[k];
      }
    if (recent.empty()) return;
    std::vector<Proposal> all;
    for (int32_t a : recent)
      for (int32_t b : data.picture_neighbours(a)) {
        if (std::find(recent.begin(), recent.end(), b) != recent.end()) continue;
        bool seen = false;
        for (auto& p : all) seen = seen || p.article == b;
        if (seen) continue;
        const float* v = data.picture(b);
        float s = 0;
        for (size_t k = 0; k < dim; ++k) s += mean[k] * v[k];
        all.push_back({b, s / float(recent.size())});
      }
    std::stable_sort(all.begin(), all.end(), [](auto& x, auto& y) { return x.score > y.score; });
    for (size_t i = 0; i < all.size() && out.size() < n; ++i) out.push_back(all[i]);
  }
};

}  // namespace

const CandidateSource& pictures_source() {
  static const Pictures s;
  return s;
}

}  // namespace fr
