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

  // --- article statistics as of the day (the candidate sources and candidate features) ---
  /// Sales in the last 1, 7 and 28 days, and in the 7 days before the last 7 ([day-14, day-7)).
  float sales_1d(int32_t a) const { return sales1_[size_t(a)]; }
  float sales_7d(int32_t a) const { return sales7_[size_t(a)]; }
  float sales_28d(int32_t a) const { return sales28_[size_t(a)]; }
  float sales_prev_7d(int32_t a) const { return prev7_[size_t(a)]; }
  /// The article's first sale day before the as-of day; kMissingInt when never sold.
  int32_t first_sale_day(int32_t a) const { return first_day_[size_t(a)]; }
  /// Articles whose last-7-day sales grew most against the 7 days before (growth > 0), best first.
  const std::vector<int32_t>& trending() const { return trending_; }
  /// The other articles of a's product (same product_code: other colours), best sellers of the
  /// last 28 days first. Empty without product codes.
  std::span<const int32_t> same_product(int32_t a) const;
  /// A dense department index of the article (department_no), -1 when unknown.
  int32_t department(int32_t a) const { return dept_.empty() ? -1 : dept_[size_t(a)]; }
  /// Last 7 days' best sellers of a department (dense index), best first (kDepartmentList long).
  const std::vector<int32_t>& department_popular(int32_t dept) const { return dept_popular_[size_t(dept)]; }
  static constexpr size_t kDepartmentList = 50;

  // --- pictures (optional: without image embeddings the picture source proposes nothing) ---
  /// L2-normalised picture vectors [n_articles, dim] and which articles have one; builds each
  /// recently sold article's nearest pictures among the recently sold articles.
  void set_pictures(std::vector<float> unit_vectors, size_t dim, std::vector<uint8_t> has, int threads);
  /// set_pictures from the workspace's image_embeddings.frc (its PCA vectors), when there is one.
  void load_pictures(const Workspace& ws, int threads);
  bool has_pictures() const { return picture_dim_ > 0; }
  size_t picture_dim() const { return picture_dim_; }
  /// nullptr when the article has no picture.
  const float* picture(int32_t a) const;
  /// The articles with the nearest pictures (cosine), among those sold in the last 28 days.
  std::span<const int32_t> picture_neighbours(int32_t a) const;
  static constexpr size_t kPictureNeighbours = 20;

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
  std::vector<float> sales1_, sales7_, sales28_, prev7_;  // [n_articles]
  std::vector<int32_t> first_day_, trending_;
  std::vector<uint32_t> product_at_;                // [n_articles]: start of a's product in by_product_
  std::vector<int32_t> by_product_;                 // articles grouped by product, best sellers first
  std::vector<uint32_t> product_end_;               // [n_articles]: end of a's product in by_product_
  std::vector<int32_t> dept_;                       // [n_articles] dense department, -1 = unknown
  std::vector<std::vector<int32_t>> dept_popular_;  // [department]
  size_t picture_dim_ = 0;
  std::vector<float> pictures_;
  std::vector<uint8_t> has_picture_;
  std::vector<uint32_t> nb_offsets_;  // [n_articles + 1]
  std::vector<int32_t> nb_articles_;
  void build_article_stats();
};

}  // namespace fr
