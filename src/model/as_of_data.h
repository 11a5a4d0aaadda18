#pragma once
// AsOfData: what the candidate sources and the ranker know about the shop on one day (the
// "as-of" day): purchases strictly before it, customer feature rows, pair features and the
// popularity lists. Two days are used:
//   validation: the split's first validation day, training purchases only, the customer rows
//     of features.frc (evaluate);
//   latest: the day after the data's last day, every purchase, customer rows recomputed with
//     the transforms fitted by `features` (recommend, serve).
// Article embeddings come from model.frc (as of the first validation day) in both cases.
// The trainer builds one as of the ranker's label window, so that the ranker learns on the
// candidates it will score (candidates.h).
#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "core/workspace.h"
#include "data/dataset.h"
#include "features/pair_features.h"
#include "features/split.h"
#include "model/train_data.h"

namespace fr {

class AsOfData {
 public:
  enum class When { kValidation, kLatest };
  /// Lists kept per popularity source (the longest list a caller may ask for).
  static constexpr size_t kListLength = 200;
  /// Co-purchases kept per article.
  static constexpr size_t kCoBought = 12;

  AsOfData(const Workspace& ws, const Dataset& d, const Split& validation, When when, int threads);
  /// As of as_of.val_start with the given customer rows (a view: their storage must outlive this).
  AsOfData(const Dataset& d, const Split& as_of, const FeatureRows& rows, int threads);

  const Dataset& dataset() const { return d_; }
  int32_t day() const { return split_.val_start; }
  /// val_start = the as-of day: "training" rows are the purchases before it.
  const Split& split() const { return split_; }
  const FeatureRows& customer_rows() const { return rows_; }
  const PairFeaturizer& pairs() const { return *pairs_; }
  /// The customer's purchase rows before the as-of day, in day order.
  std::span<const uint32_t> purchases(int32_t customer) const;

  /// Best sellers of the last 7 days, best first.
  const std::vector<int32_t>& last_week() const { return last_week_; }
  /// Best sellers by sales weighted 0.5 ^ (days before the as-of day / 7).
  const std::vector<int32_t>& decayed() const { return decayed_; }
  /// Last 7 days' best sellers in the customer's age bucket (last_week() when unknown or -1).
  const std::vector<int32_t>& age_popular(int32_t customer) const;
  /// The same for an age (NaN = unknown).
  const std::vector<int32_t>& age_popular_for(float age) const;
  /// Articles bought most often on the same day by the same customers as `article`, in the
  /// 90 days before the as-of day.
  std::span<const int32_t> co_bought(int32_t article) const;
  /// The customer's distinct past articles with weight sum 0.5 ^ (days before / 30), heaviest first.
  std::vector<std::pair<int32_t, float>> repurchase(int32_t customer, size_t max) const;

 private:
  const Dataset& d_;
  Split split_;
  FeatureRows rows_;
  void build(int threads);
  std::unique_ptr<Artifact> features_;
  std::unique_ptr<PairFeaturizer> pairs_;
  GroupedRows by_customer_;
  std::vector<int32_t> last_week_, decayed_;
  std::vector<std::vector<int32_t>> age_popular_;  // [bucket]
  std::vector<uint32_t> co_offsets_;               // [n_articles + 1]
  std::vector<int32_t> co_articles_;
};

}  // namespace fr
