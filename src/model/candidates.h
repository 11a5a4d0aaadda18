#pragma once
// Candidate sources: where the articles the ranker scores come from. The recommender (for a
// known customer, for a session POSTed to the server, for a customer with no history), the
// neural trainer's pair miner and the gradient-boosted ranker's fit all go through
// gather_candidates, so every path proposes the same way.
//
// Source 0 is the towers (the article index: it needs the model, so the recommender adds it).
// Sources 1.. are registered in candidates.cpp; each is a struct with the same two overrides in
// its own file under model/sources/ (adding one: a new file, one line in the registry, its
// count in [recommend] and its name below). Each candidate keeps, per source, whether the
// source found it, at which rank (0 = its best) and with which score: the GBDT ranker's
// features (candidate_features.h).
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/as_of_data.h"

namespace fr {

/// Display names (reports, the API's "sources"), bit b = 1 << index.
inline constexpr std::array<const char*, 8> kSourceNames = {
    "tower", "repurchase", "co-purchase", "popular", "same-product", "trending", "similar-pictures", "department"};
inline constexpr size_t kSourceCount = kSourceNames.size();
/// The [recommend] key of each source's count.
inline constexpr std::array<const char*, kSourceCount> kSourceSettings = {
    "tower", "repurchase", "co_purchase", "popular", "same_product", "trending", "similar_pictures", "department"};
enum Source : uint8_t {
  kSourceTower = 1,
  kSourceRepurchase = 2,
  kSourceCoPurchase = 4,
  kSourcePopular = 8,
  kSourceSameProduct = 16,
  kSourceTrending = 32,
  kSourcePictures = 64,
  kSourceDepartment = 128
};
/// "tower+repurchase" for a mask.
std::string source_names(uint8_t mask);
/// How many candidates each source proposes, by source index.
using SourceCounts = std::array<int64_t, kSourceCount>;

/// A customer as the sources and features see them, as of the AsOfData's day: the purchases
/// before the day (data rows), then session purchases that are in no data set yet, bought on
/// the as-of day itself.
struct CustomerView {
  struct Purchase {
    int32_t article = 0;
    int32_t day = 0;
    float price = 0;
  };
  int32_t customer = -1;             ///< dense id, -1 = not in the data
  float age = std::nanf("");         ///< NaN = unknown
  std::vector<Purchase> purchases;   ///< oldest first
  std::span<const int32_t> session;  ///< the session's articles, oldest first
  /// Distinct articles, newest first, at most n.
  std::vector<int32_t> recent(size_t n) const;
};
/// The view of a known customer (-1: none) plus a session (oldest first) and an age.
CustomerView customer_view(const AsOfData& data, int32_t customer, std::span<const int32_t> session, float age);

struct Proposal {
  int32_t article = 0;
  float score = 0;  ///< the source's own strength (higher = better); its order is the rank
};

class CandidateSource {
 public:
  virtual ~CandidateSource() = default;
  /// At most n proposals, best first, no duplicates.
  virtual void propose(const AsOfData& data, const CustomerView& c, size_t n, std::vector<Proposal>& out) const = 0;
};
/// The registered sources, by index (index 0, the towers, is nullptr).
const std::array<const CandidateSource*, kSourceCount>& candidate_sources();

/// Distinct candidate articles in the order first found, each with its Source bits and, per
/// source, its rank (-1 = not found) and score (NaN = not found).
class CandidateList {
 public:
  void add(int32_t article, size_t source, int32_t rank, float score);
  const std::vector<int32_t>& articles() const { return articles_; }
  const std::vector<uint8_t>& sources() const { return sources_; }
  int32_t rank(size_t i, size_t source) const { return ranks_[i][source]; }
  float score(size_t i, size_t source) const { return scores_[i][source]; }
  size_t size() const { return articles_.size(); }
  /// Keeps the candidates for which keep(article) is true.
  template <class F>
  void filter(F keep) {
    size_t w = 0;
    for (size_t i = 0; i < articles_.size(); ++i)
      if (keep(articles_[i])) {
        articles_[w] = articles_[i], sources_[w] = sources_[i], ranks_[w] = ranks_[i], scores_[w] = scores_[i];
        ++w;
      }
    articles_.resize(w), sources_.resize(w), ranks_.resize(w), scores_.resize(w);
  }

 private:
  std::vector<int32_t> articles_;
  std::vector<uint8_t> sources_;
  std::vector<std::array<int32_t, kSourceCount>> ranks_;
  std::vector<std::array<float, kSourceCount>> scores_;
};

/// Round-robin over ranked lists (rank 0 of each, then rank 1, ...) until n proposals: an
/// article already proposed, or one for which skip(article) is true, is passed over;
/// score(list, rank, article) is its Proposal score. The shape of several sources.
template <class Skip, class Score>
void round_robin(const std::vector<std::span<const int32_t>>& lists, size_t n, Skip skip, Score score,
                 std::vector<Proposal>& out) {
  for (size_t rank = 0; out.size() < n; ++rank) {
    bool any = false;
    for (size_t i = 0; i < lists.size() && out.size() < n; ++i) {
      if (rank >= lists[i].size()) continue;
      any = true;
      const int32_t a = lists[i][rank];
      if (skip(a)) continue;
      bool seen = false;
      for (auto& p : out) seen = seen || p.article == a;
      if (!seen) out.push_back({a, score(i, rank, a)});
    }
    if (!any) break;
  }
}

/// Adds every registered source's proposals (sources 1..) for a customer.
void gather_candidates(const AsOfData& data, const CustomerView& c, const SourceCounts& n, CandidateList& out);

/// Sources registered in candidates.cpp, each defined in model/sources/<name>.cpp.
const CandidateSource& repurchase_source();
const CandidateSource& co_purchase_source();
const CandidateSource& popular_source();
const CandidateSource& same_product_source();
const CandidateSource& trending_source();
const CandidateSource& pictures_source();
const CandidateSource& department_source();

}  // namespace fr
