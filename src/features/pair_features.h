#pragma once
// Pair features for ranking a customer against an article, from training days only.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "features/raw_features.h"
#include "features/split.h"

namespace fr {

class PairFeaturizer {
 public:
  /// The features, in output order.
  static const std::vector<std::string>& names();
  static constexpr size_t kDim = 9;

  PairFeaturizer(const Dataset& d, const Split& s);

  /// out: [kDim]. NaN where a value does not exist (never bought: no "days since").
  ///  0 times_bought        how often c bought a
  ///  1 days_since_bought   days from c's last purchase of a to the first validation day
  ///  2 same_product_bought purchases by c of other articles with a's product_code
  ///  3 share_product_type  share of c's purchases in a's product type
  ///  4 share_colour        ... in a's colour group
  ///  5 share_department    ... in a's department
  ///  6 price_vs_customer   a's mean price / c's mean price
  ///  7 age_bucket_popularity  share of a in the purchases of c's age bucket, last 30 days (x1000)
  ///  8 customer_purchases  c's purchase count (context for the shares)
  void compute(int32_t customer, int32_t article, float* out) const;

  /// A purchase that is in no data set yet (a session's, for serving), on the as-of day.
  struct SessionItem {
    int32_t article = 0;
    float price = 0;
  };
  /// The same features for a customer's training purchases (customer -1: none) plus session
  /// purchases, with the age given (NaN = unknown) rather than the Dataset's.
  void compute(int32_t customer, std::span<const SessionItem> session, float age, int32_t article, float* out) const;
  /// An article's mean training price (NaN when never sold): a session item's price.
  float mean_price(int32_t article) const { return article_mean_price_[size_t(article)]; }

 private:
  const Dataset& d_;
  Split s_;
  GroupedRows by_customer_;
  std::vector<float> article_mean_price_;
  std::vector<int32_t> product_code_, type_, colour_, dept_;
  std::vector<std::vector<float>> bucket_share_;  // [bucket][article]
  /// The loop of both compute()s: `history` rows of the Dataset, then the session.
  void compute_rows(std::span<const uint32_t> rows, std::span<const SessionItem> session, float age, int32_t article,
                    float* out) const;
};

/// Negatives for ranking and the sampled evaluation protocol.
struct NegativeConfig {
  int64_t per_positive = 4;
  std::string mode = "popularity";  ///< uniform | popularity (by training sales)
  uint64_t seed = 42;
};

struct LabelledPairs {
  std::vector<int32_t> customer, article;
  std::vector<uint8_t> label;  ///< 1 = positive
};

/// For every (customer, article) in positives (sorted by customer, one customer's articles
/// ascending: ValidationTruth's layout), the positive and per_positive negatives that are
/// never one of that customer's positives. Deterministic for a seed.
LabelledPairs sample_negatives(const ValidationTruth& positives, const Dataset& d, const Split& s,
                               const NegativeConfig& c);

}  // namespace fr
