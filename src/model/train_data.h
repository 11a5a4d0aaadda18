#pragma once
// What `fashionrec train` learns from, and how a batch is put together (no torch here: the
// loader's threads fill plain arrays, see inputs.h).
//
// Retrieval examples: every training purchase (day < the first validation day), or those of
// the last retrieval_days. The customer tower sees the customer's feature row as of the first
// validation day (features.frc) and the last `history` purchases strictly before the
// purchase's own day, so a purchase is never among its own inputs.
//
// Ranking examples: a label window of the last rank_days training days. Customer, article
// and pair features for it are recomputed as of the window's first day with the transforms
// fitted by `features`, so the window's purchases are never among their own inputs either.
// Before a retrieval model exists, the pairs are the window's purchases against
// popularity-sampled negatives. Once it exists (set_mined_pairs), they are what the ranker sees
// at serving time: the retrieval model's top candidates, a bought one a positive and the
// others hard negatives, plus popularity-sampled negatives. Positives the retrieval model did
// not find are left out: keeping them would teach the ranker that a low retrieval score
// means "bought".
//
// Evaluation: the validation week's buyers (a deterministic subsample of eval_customers),
// with features and history as of the first validation day.
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <span>
#include <tuple>
#include <vector>

#include "core/artifact.h"
#include "core/workspace.h"
#include "data/dataset.h"
#include "features/pair_features.h"
#include "features/raw_features.h"
#include "features/split.h"
#include "features/transform.h"
#include "model/inputs.h"
#include "model/train_config.h"

namespace fr {

/// Pair features as the ranker sees them: for each of PairFeaturizer's kDim raw values,
/// sign(v) * log1p(|v|) (0 when missing) and a missing flag.
inline constexpr size_t kPairInputDim = 2 * PairFeaturizer::kDim;
void pair_input(const float* raw, float* out);

/// Feature rows of every customer or article: x [rows, dim] f32, idx [rows, n_index] i32.
struct FeatureRows {
  std::span<const float> x;
  std::span<const int32_t> idx;
  size_t dim = 0, n_index = 0;
  std::vector<float> own_x;  ///< storage when the rows were computed here, not mapped
  std::vector<int32_t> own_idx;
};
/// Rows stored in an artifact's sections PREFIX.x and PREFIX.idx (features.frc: "cust", "art").
FeatureRows mapped_rows(const Artifact& a, const std::string& prefix, size_t rows);
/// Rows computed now from raw features with fitted transforms.
FeatureRows computed_rows(const RawTable& t, const FeatureTransform& tr, int threads);

/// A customer's history slots (CustomerInputs' hist, hist_w contract): the last H purchases
/// strictly before before_day, newest first, weighted 0.5 ^ (days before / half_life); rows
/// are the customer's purchase rows in day order.
void fill_history(const Dataset& d, std::span<const uint32_t> rows, int32_t before_day, int64_t H, double half_life,
                  int64_t* ids, float* w);

class TrainData {
 public:
  TrainData(const Workspace& ws, const TrainConfig& c, int threads);

  const Dataset& dataset() const { return d_; }
  const Split& split() const { return split_; }
  const Split& rank_split() const { return rank_split_; }
  const ValidationTruth& truth() const { return truth_; }
  const TrainConfig& config() const { return c_; }
  const nlohmann::json& features_meta() const { return features_.meta(); }
  std::vector<int64_t> customer_cardinality() const;
  std::vector<int64_t> article_cardinality() const;
  const FeatureRows& customer_rows() const { return cust_; }
  const FeatureRows& article_rows() const { return art_; }
  const FeatureRows& rank_customer_rows() const { return rank_cust_; }
  const FeatureRows& rank_article_rows() const { return rank_art_; }

  // --- retrieval ---
  size_t n_examples() const { return ex_pos_.size(); }
  /// Examples per epoch (max_examples applied) and batches per epoch.
  size_t epoch_examples() const;
  size_t batches_per_epoch() const;
  /// Batch b of epoch e (a deterministic function of the seed, e and b), with the rank batch
  /// of global step `step` when with_rank. Thread-safe.
  TrainBatch make_batch(int64_t epoch, int64_t b, int64_t step, bool with_rank) const;

  // --- ranking ---
  size_t n_rank_pairs() const { return rank_label_.size(); }
  size_t n_rank_positives() const;
  /// Customers of the rank window who bought in it (for hard-negative mining), ascending.
  const ValidationTruth& rank_truth() const { return rank_truth_; }
  /// Replaces the ranking pairs with mined ones (label 1 = bought) and featurises them.
  void set_mined_pairs(std::vector<int32_t> customer, std::vector<int32_t> article, std::vector<float> label);
  bool mined() const { return mined_; }
  const std::vector<int32_t>& rank_customers() const { return rank_cust_id_; }
  const std::vector<int32_t>& rank_articles() const { return rank_art_id_; }
  const std::vector<float>& rank_labels() const { return rank_label_; }
  /// The popularity term's inputs by week. Weeks end on the first validation day: week w
  /// (0 <= w <= pop_weeks() - 1) starts on val_start - 7 * (pop_weeks() - 1 - w), so the last
  /// week is the validation week and a 7-day rank window is the week before it. pop_table() is
  /// [pop_weeks(), n_articles, kArticleDynamic]: each article's day-dependent inputs as of its
  /// week's first day. pop_week(day) is the week a day falls in (days before week 0: week 0).
  const std::vector<float>& pop_table() const { return pop_table_; }
  int64_t pop_weeks() const { return pop_weeks_; }
  int64_t pop_week(int32_t day) const;
  /// An article drawn by training sales.
  int32_t draw_popular(std::mt19937_64& rng) const;
  size_t rank_batches() const;
  /// Ranking batch r of pass `pass` over the pairs (shuffled by seed and pass).
  RankBatchData make_rank_batch(int64_t pass, int64_t r) const;

  // --- inputs for any (customer, as-of day) / article, e.g. evaluation or mining ---
  void fill_customers(std::span<const int32_t> customers, int32_t as_of_day, const FeatureRows& rows,
                      CustomerInputs& out) const;
  /// Articles' rows plus their kArticleDynamic inputs as of days[i] (days.size() == 1: one
  /// day for all).
  void fill_articles(std::span<const int32_t> articles, std::span<const int32_t> days, const FeatureRows& rows,
                     ArticleInputs& out) const;
  CustomerInputs customer_inputs_template() const;
  ArticleInputs article_inputs_template() const;

  // --- evaluation ---
  /// Indexes into truth().customers of the customers scored each epoch.
  const std::vector<uint32_t>& eval_customers() const { return eval_; }
  /// The popularity baseline's ranking: the last 7 training days' best sellers.
  const std::vector<int32_t>& popular_articles() const { return popular_; }
  /// The all-time popularity baseline's ranking: the best sellers of every training day.
  const std::vector<int32_t>& popular_all_time() const { return popular_all_; }
  /// Pair features as of the first validation day (for ranking the evaluation's candidates).
  const PairFeaturizer& eval_pair_featurizer() const { return *eval_pairs_; }
  const PairFeaturizer& rank_pair_featurizer() const { return *rank_pairs_; }
  int threads() const { return threads_; }

 private:
  void fill_dynamic(int32_t article, int32_t day, float* out) const;
  void fill_history(int32_t customer, int32_t before_day, int64_t* ids, float* w) const;
  void featurize_pairs(size_t from);
  void fill_customer_row(size_t i, int32_t customer, int32_t as_of_day, const FeatureRows& rows,
                         CustomerInputs& out) const;
  /// A permutation of [0, n) for a salt whose first `need` entries are shuffled, computed once
  /// and shared by the loader's threads.
  std::shared_ptr<const std::vector<uint32_t>> permutation(uint64_t salt, size_t n, size_t need) const;

  TrainConfig c_;
  int threads_;
  Dataset d_;
  Split split_, rank_split_;
  ValidationTruth truth_, rank_truth_;
  Artifact features_;
  FeatureRows cust_, art_, rank_cust_, rank_art_;
  GroupedRows by_customer_;            // training rows, time order
  std::vector<uint64_t> art_offsets_;  // [n_articles + 1] into art_days_
  std::vector<int32_t> art_days_;      // each article's training sale days, ascending
  std::vector<uint32_t> ex_pos_;       // retrieval examples: positions in by_customer_.rows
  std::vector<int32_t> ex_cust_;       // their customers
  std::vector<float> log_q_;           // [n_articles]
  std::vector<float> pop_table_;       // see pop_table()
  int64_t pop_weeks_ = 0;
  std::vector<double> popularity_cum_;               // cumulative training sales, for popular draws
  std::vector<int32_t> rank_cust_id_, rank_art_id_;  // ranking pairs
  std::vector<float> rank_label_, rank_raw_;         // labels, raw pair features [n, kDim]
  bool mined_ = false;
  std::vector<uint32_t> eval_;
  std::vector<int32_t> popular_, popular_all_;
  std::unique_ptr<PairFeaturizer> eval_pairs_, rank_pairs_;
  mutable std::mutex perm_mu_;
  mutable std::vector<std::tuple<uint64_t, size_t, std::shared_ptr<const std::vector<uint32_t>>>> perms_;
};

}  // namespace fr
