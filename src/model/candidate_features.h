#pragma once
// The gradient-boosted ranker's input: one row per (customer, candidate), computed as of the
// AsOfData's day from the data before it (and a session's purchases, bought on the day itself),
// so a label window's purchases are never among their own features.
//
// Row layout, [dim()] f32, NaN = missing (XGBoost's "missing"), in names() order:
//   per source (kSourceNames order): "<source>.rank" (0 = its best; NaN = not found) and
//     "<source>.score" (the source's strength; for the towers, the retrieval score
//     [q, 1] . retrieval_articles[a] / temperature of every candidate, found or not);
//   PairFeaturizer's 9 values (times bought, days since, same product bought, shares of the
//     customer's purchases in the article's type, colour and department, price against the
//     customer's mean, age-bucket popularity, the customer's purchase count);
//   repurchase_weight       sum of 0.5 ^ (days before / 30) over the customer's purchases of it
//   co_purchase_strength    sum over the customer's last 5 articles of 1 / (1 + rank) in their
//                           co-purchase lists
//   sales_1d, sales_7d, sales_28d   the article's sales in the last 1, 7, 28 days
//   trend_7d                (sales_7d + 1) / (sales in the 7 days before + 1)
//   days_since_first_sale   NaN when never sold
//   price                   the article's mean training price
//   customer_purchases_7d, _30d, _90d, days_since_last_purchase (NaN without purchases)
//   age_bucket_rank         the article's rank among last week's best sellers of the
//                           customer's age bucket (NaN past the list's 200)
//   picture_cosine          cosine of its picture with the mean of the customer's last 5
//                           articles' pictures (NaN without pictures)
#include <span>
#include <string>
#include <vector>

#include "model/as_of_data.h"
#include "model/candidates.h"

namespace fr {

class CandidateFeatures {
 public:
  static const std::vector<std::string>& names();
  static size_t dim() { return names().size(); }
  /// Appends cand.size() rows to out. tower_score[i]: the towers' score of candidate i.
  static void compute(const AsOfData& data, const CustomerView& c, const CandidateList& cand,
                      std::span<const float> tower_score, std::vector<float>& out);
};

}  // namespace fr
