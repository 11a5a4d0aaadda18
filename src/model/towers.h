#pragma once
// The two towers and the ranker (libtorch modules).
//
// Contracts (B = batch):
//   CustomerTower::forward(x [B, dc] f32, idx [B, kc] i64, id [B] i64, hist [B, H] i64, hist_w [B, H] f32)
//     x: the customer's feature row; idx: its embedding-index columns (0 = unknown);
//     id: dense customer id (hashed into id_buckets rows); hist: recent article ids (-1 = none),
//     hist_w: their time weights. Returns [B, dim], L2-normalised. The history is pooled as a
//     mean weighted by hist_w of the rows of a fixed table (history_table: each article's static
//     feature columns, then its article-tower embedding as of the last epoch start), or of
//     learned history embeddings when there is no table (see CustomerTower).
//   ArticleTower::forward(x [B, da] f32, idx [B, ka] i64) -> [B, dim], L2-normalised. The article
//     id and its high-cardinality categories are among idx; the image PCA is among x.
//   ArticleTower::popularity(dyn [..., kArticleDynamic] f32) -> [...]: the popularity term of the
//     retrieval score, a linear function of an article's day-dependent inputs (inputs.h).
//     Retrieval score = customer . article / temperature + popularity(article's inputs as of the
//     day). The towers then learn taste, and the term follows popularity as it drifts week to
//     week, which an article-id embedding cannot (it learns the average over the whole window).
//   Ranker::forward(c [B, dim], a [B, dim], pair [B, p] f32, score [B] f32) -> [B] logits
//     (sigmoid = P(buy)); score is the pair's retrieval score (customer . article / temperature
//     + the article's popularity term), so the ranker refines the retrieval order instead of
//     having to learn it again from less data (its label window is a week).
#include <torch/torch.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "model/inputs.h"

namespace fr {

struct TowerConfig {
  int64_t dim = 64;  ///< output embedding size
  int64_t hidden = 256;
  int64_t index_dim = 16;        ///< size of each categorical embedding
  int64_t id_buckets = 1 << 18;  ///< hashed customer-id embedding rows (0 = no id embedding)
  int64_t n_articles = 0;        ///< articles (rows of the history embedding or table)
  bool sparse = true;            ///< embeddings give sparse gradients (see SparseAdam)
  bool popularity_bias = false;  ///< the article tower's popularity term (see popularity())
  /// Columns of each history_table row that are the article's static features (0 = none).
  int64_t history_static = 0;
  /// true: history_table rows end with the article's tower embedding (dim columns).
  bool history_embeddings = false;
};

/// Linear -> LayerNorm -> ReLU, twice, then Linear to dim.
struct MlpImpl : torch::nn::Module {
  MlpImpl(int64_t in, int64_t hidden, int64_t out);
  torch::Tensor forward(torch::Tensor x);
  torch::nn::Sequential net{nullptr};
};
TORCH_MODULE(Mlp);

/// Several categorical columns in one embedding table (column j's rows start at offsets[j]):
/// one lookup and one sparse gradient per step instead of one per column, which is most of
/// the per-step cost of small batches on a CPU. forward(idx [B, k]) -> [B, k * dim].
struct FusedEmbeddingImpl : torch::nn::Module {
  FusedEmbeddingImpl(const std::vector<int64_t>& cardinalities, const TowerConfig& c);
  torch::Tensor forward(torch::Tensor idx);
  torch::nn::Embedding table{nullptr};
  torch::Tensor offsets;  ///< [k] i64 buffer
  int64_t columns = 0, dim = 0;
};
TORCH_MODULE(FusedEmbedding);

/// The customer tower. Its history inputs are what lets it learn a taste that holds as of each
/// purchase's own day: the feature columns that sum up purchases are as of the split (for a
/// purchase months before it they include the purchase itself and what came after), so the
/// trainer masks them by default and the pooled history carries that information instead.
/// Pooling a fixed table is one embedding_bag (no [B, H, width] copy).
struct CustomerTowerImpl : torch::nn::Module {
  CustomerTowerImpl(int64_t dense_dim, const std::vector<int64_t>& cardinalities, const TowerConfig& c);
  torch::Tensor forward(torch::Tensor x, torch::Tensor idx, torch::Tensor id, torch::Tensor hist, torch::Tensor hist_w);
  /// The weighted mean (weights hist_w over the slots that hold an article; 0 when none) of the
  /// history_table rows [B, width] when there is a table, else of the history embeddings
  /// [B, index_dim].
  torch::Tensor pool_history(torch::Tensor hist, torch::Tensor hist_w);
  /// Sets history_table's static columns: rows [n_articles, history_static].
  void set_history_static(torch::Tensor rows);
  /// Sets history_table's embedding columns: [n_articles, dim] article-tower embeddings.
  void set_history_embeddings(torch::Tensor emb);
  FusedEmbedding index_emb{nullptr};       ///< the index columns, then the hashed id (when id_buckets > 0)
  torch::Tensor x_mask;                    ///< [dense] buffer: x is multiplied by it (0 = a column left out)
  torch::nn::Embedding hist_emb{nullptr};  ///< null when there is a history_table
  /// [n_articles + 1, history_static (+ dim)] buffer: row a + 1 describes article a, row 0 = none.
  torch::Tensor history_table;
  int64_t history_static = 0;
  Mlp mlp{nullptr};
  int64_t id_buckets;
};
TORCH_MODULE(CustomerTower);

struct ArticleTowerImpl : torch::nn::Module {
  ArticleTowerImpl(int64_t dense_dim, const std::vector<int64_t>& cardinalities, const TowerConfig& c);
  torch::Tensor forward(torch::Tensor x, torch::Tensor idx);
  /// Undefined when the tower has no popularity term.
  torch::Tensor popularity(torch::Tensor dyn);
  FusedEmbedding index_emb{nullptr};
  torch::Tensor x_mask;  ///< [dense] buffer: x is multiplied by it (0 = a column left out)
  Mlp mlp{nullptr};
  torch::nn::Linear pop{nullptr};  ///< kArticleDynamic -> 1, no bias (a constant cancels in a softmax)
};
TORCH_MODULE(ArticleTower);

struct RankerImpl : torch::nn::Module {
  RankerImpl(int64_t dim, int64_t pair_dim, int64_t hidden);
  torch::Tensor forward(torch::Tensor c, torch::Tensor a, torch::Tensor pair, torch::Tensor score);
  Mlp mlp{nullptr};
};
TORCH_MODULE(Ranker);

/// Everything needed to rebuild the modules before loading their weights.
struct ModelShape {
  int64_t customer_dense = 0, article_dense = 0, pair_dim = 0;
  std::vector<int64_t> customer_cardinality, article_cardinality;
  TowerConfig tower;
  nlohmann::json to_json() const;
  static ModelShape from_json(const nlohmann::json& j);
};

/// The customer tower, the article tower and the ranker, as one module (one state dict).
struct TwoStageModelImpl : torch::nn::Module {
  explicit TwoStageModelImpl(const ModelShape& s);
  /// [n, dim] L2-normalised embeddings. The inputs' arrays are wrapped, not copied.
  torch::Tensor embed_customers(const CustomerInputs& in);
  torch::Tensor embed_articles(const ArticleInputs& in);
  /// Ranker logits [n] for row-aligned customer and article embeddings, pair inputs and
  /// retrieval scores [n].
  torch::Tensor rank(torch::Tensor c, torch::Tensor a, const std::vector<float>& pair, torch::Tensor score);
  ModelShape shape;
  CustomerTower customer{nullptr};
  ArticleTower article{nullptr};
  Ranker ranker{nullptr};
};
TORCH_MODULE(TwoStageModel);

/// Wraps a plain array as a tensor (no copy; the array must outlive the tensor's use).
torch::Tensor wrap(const std::vector<float>& v, std::vector<int64_t> shape);
torch::Tensor wrap(const std::vector<int64_t>& v, std::vector<int64_t> shape);

}  // namespace fr
