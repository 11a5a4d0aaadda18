#pragma once
// The candidate sources besides the towers, shared by the recommender (what it scores) and the
// trainer (what the ranker learns on), so the ranker sees the same kind of candidates in both:
//   repurchase:  the customer's past articles, heaviest time-decayed weight first;
//   co-purchase: bought on the same day as the customer's last 5 distinct articles,
//                round-robin over them, most frequent first;
//   popular:     last week's best sellers in the customer's age bucket.
// Each candidate keeps the sources that found it (a bit mask).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "model/as_of_data.h"

namespace fr {

enum Source : uint8_t { kSourceTower = 1, kSourceRepurchase = 2, kSourceCoPurchase = 4, kSourcePopular = 8 };
inline constexpr std::array<const char*, 4> kSourceNames = {"tower", "repurchase", "co-purchase", "popular"};
/// "tower+repurchase" for a mask.
std::string source_names(uint8_t mask);

struct SourceCounts {
  int64_t repurchase = 20, co_purchase = 20, popular = 20;
};

/// Distinct candidate articles in the order first found, each with its Source bits.
class CandidateList {
 public:
  void add(int32_t article, uint8_t source);
  const std::vector<int32_t>& articles() const { return articles_; }
  const std::vector<uint8_t>& sources() const { return sources_; }
  size_t size() const { return articles_.size(); }
  /// Keeps the candidates for which keep(article) is true.
  template <class F>
  void filter(F keep) {
    size_t w = 0;
    for (size_t i = 0; i < articles_.size(); ++i)
      if (keep(articles_[i])) articles_[w] = articles_[i], sources_[w] = sources_[i], ++w;
    articles_.resize(w), sources_.resize(w);
  }

 private:
  std::vector<int32_t> articles_;
  std::vector<uint8_t> sources_;
};

/// Adds the repurchase, co-purchase and popular candidates of a known customer.
void add_source_candidates(const AsOfData& data, int32_t customer, const SourceCounts& n, CandidateList& out);

}  // namespace fr
