#pragma once
// Model inputs as plain row-major arrays, filled by the data loader's threads (no torch here),
// wrapped as tensors without copying by the towers (towers.h).
//
// Contracts (n = rows):
//   CustomerInputs: x [n, dense] f32 (the FeatureTransform's dense row), idx [n, n_index] i64
//     (embedding indexes, 0 = unknown), id [n] i64 (dense customer id), hist [n, H] i64 (the
//     customer's last H purchases before the as-of day, newest first, -1 = empty), hist_w [n, H]
//     f32 (time weights: 0.5 ^ (days before the as-of day / half-life), 0 for empty slots).
//   ArticleInputs: x [n, dense] f32 (the FeatureTransform's dense row, then kArticleDynamic
//     values as of the example's day, see TrainData::fill_articles), idx [n, n_index] i64,
//     id [n] i64 (dense article id).
//   Pair inputs: [n, kPairInputDim] f32, see pair_input().
#include <cstdint>
#include <vector>

namespace fr {

/// Article inputs that depend on the day: log1p of its sales in the 7 and 28 days before,
/// the 7-day trend, log1p of the days since its first sale (all / 5), and "never sold".
inline constexpr int64_t kArticleDynamic = 5;

struct CustomerInputs {
  int64_t n = 0, dense = 0, n_index = 0, history = 0;
  std::vector<float> x, hist_w;
  std::vector<int64_t> idx, id, hist;
  void resize(int64_t rows) {
    n = rows;
    x.resize(size_t(rows * dense));
    idx.resize(size_t(rows * n_index));
    id.resize(size_t(rows));
    hist.resize(size_t(rows * history));
    hist_w.resize(size_t(rows * history));
  }
};

struct ArticleInputs {
  int64_t n = 0, dense = 0, n_index = 0;
  std::vector<float> x;
  std::vector<int64_t> idx, id;
  void resize(int64_t rows) {
    n = rows;
    x.resize(size_t(rows * dense));
    idx.resize(size_t(rows * n_index));
    id.resize(size_t(rows));
  }
};

/// One retrieval step: B customers and their B purchased articles, then N extra negatives.
struct RetrievalBatchData {
  CustomerInputs customers;  ///< [B]
  ArticleInputs articles;    ///< [B + N]
  std::vector<float> log_q;  ///< [B + N] log sampling probability of each article
  /// [B] the popularity week (TrainData::pop_week) of each row's purchase day.
  std::vector<int64_t> row_week;
  /// Accidental hits: (row i, column j != i) where candidate j is row i's positive article.
  std::vector<int64_t> hit_rows, hit_cols;
};

/// One ranking step: labelled (customer, article) pairs with their pair features.
struct RankBatchData {
  CustomerInputs customers;  ///< [R]
  ArticleInputs articles;    ///< [R]
  std::vector<float> pair;   ///< [R, kPairInputDim]
  std::vector<float> label;  ///< [R] 1 = bought
};

struct TrainBatch {
  int64_t index = 0;  ///< batch number within the epoch
  RetrievalBatchData retrieval;
  RankBatchData rank;  ///< empty (n = 0) when the step trains retrieval only
};

}  // namespace fr
