#include "model/towers.h"

namespace fr {

MlpImpl::MlpImpl(int64_t in, int64_t hidden, int64_t out) {
  net = register_module("net", torch::nn::Sequential(torch::nn::Linear(in, hidden),
                                                     torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden})),
                                                     torch::nn::ReLU(), torch::nn::Linear(hidden, hidden),
                                                     torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden})),
                                                     torch::nn::ReLU(), torch::nn::Linear(hidden, out)));
}

torch::Tensor MlpImpl::forward(torch::Tensor x) { return net->forward(x); }

namespace {
torch::nn::Embedding embedding(int64_t rows, const TowerConfig& c) {
  return torch::nn::Embedding(torch::nn::EmbeddingOptions(rows, c.index_dim).sparse(c.sparse));
}

}  // namespace

FusedEmbeddingImpl::FusedEmbeddingImpl(const std::vector<int64_t>& card, const TowerConfig& c)
    : columns(int64_t(card.size())), dim(c.index_dim) {
  std::vector<int64_t> off;
  int64_t rows = 0;
  for (int64_t k : card) off.push_back(rows), rows += k;
  table = register_module("table", embedding(std::max<int64_t>(rows, 1), c));
  offsets = register_buffer("offsets", torch::tensor(off, torch::kLong));
}

torch::Tensor FusedEmbeddingImpl::forward(torch::Tensor idx) {
  return table->forward(idx + offsets.unsqueeze(0)).view({idx.size(0), columns * dim});
}

CustomerTowerImpl::CustomerTowerImpl(int64_t dense_dim, const std::vector<int64_t>& card, const TowerConfig& c)
    : history_static(c.history_static), id_buckets(c.id_buckets) {
  std::vector<int64_t> columns = card;
  if (id_buckets > 0) columns.push_back(id_buckets);
  index_emb = register_module("index", FusedEmbedding(columns, c));
  x_mask = register_buffer("x_mask", torch::ones({dense_dim}));
  int64_t in = dense_dim + int64_t(columns.size()) * c.index_dim;
  if (c.n_articles > 0) {
    // The history is pooled over the fixed table when there is one (a learned id embedding on
    // top of it adds nothing measurable and costs a sparse update of B x H rows per step),
    // else over learned history embeddings.
    const int64_t width = c.history_static + (c.history_embeddings ? c.dim : 0);
    if (width > 0) {
      history_table = register_buffer("history_table", torch::zeros({c.n_articles + 1, width}));
      in += width;
    } else {
      hist_emb = register_module("history", embedding(c.n_articles + 1, c));  // row 0 = none
      in += c.index_dim;
    }
  }
  mlp = register_module("mlp", Mlp(in, c.hidden, c.dim));
}

void CustomerTowerImpl::set_history_static(torch::Tensor rows) {
  torch::NoGradGuard g;
  history_table.narrow(0, 1, rows.size(0)).narrow(1, 0, history_static).copy_(rows);
}

void CustomerTowerImpl::set_history_embeddings(torch::Tensor emb) {
  torch::NoGradGuard g;
  history_table.narrow(0, 1, emb.size(0)).narrow(1, history_static, emb.size(1)).copy_(emb);
}

torch::Tensor CustomerTowerImpl::pool_history(torch::Tensor hist, torch::Tensor hist_w) {
  namespace F = torch::nn::functional;
  // Time-weighted means of the recent purchases (-1 = empty slot, weight 0): one weighted-sum
  // bag per row, with weights that sum to 1.
  auto w = hist_w * hist.ge(0).to(hist_w.dtype());  // [B, H]
  w = w / w.sum(1, true).clamp_min(1e-6);
  auto bag = F::EmbeddingBagFuncOptions().mode(torch::kSum).per_sample_weights(w);
  if (history_table.defined()) return F::embedding_bag(hist + 1, history_table, bag);
  return F::embedding_bag(hist + 1, hist_emb->weight, bag.sparse(hist_emb->options.sparse()));
}

torch::Tensor CustomerTowerImpl::forward(torch::Tensor x, torch::Tensor idx, torch::Tensor id, torch::Tensor hist,
                                         torch::Tensor hist_w) {
  namespace F = torch::nn::functional;
  std::vector<torch::Tensor> parts = {x * x_mask};
  if (id_buckets > 0) idx = torch::cat({idx, id.remainder(id_buckets).unsqueeze(1)}, 1);
  if (index_emb->columns > 0) parts.push_back(index_emb->forward(idx));
  if (hist_emb || history_table.defined()) parts.push_back(pool_history(hist, hist_w));
  return F::normalize(mlp->forward(torch::cat(parts, 1)), F::NormalizeFuncOptions().dim(1));
}

ArticleTowerImpl::ArticleTowerImpl(int64_t dense_dim, const std::vector<int64_t>& card, const TowerConfig& c) {
  index_emb = register_module("index", FusedEmbedding(card, c));
  x_mask = register_buffer("x_mask", torch::ones({dense_dim}));
  mlp = register_module("mlp", Mlp(dense_dim + int64_t(card.size()) * c.index_dim, c.hidden, c.dim));
  if (c.popularity_bias) {
    pop = register_module("pop", torch::nn::Linear(torch::nn::LinearOptions(kArticleDynamic, 1).bias(false)));
    torch::NoGradGuard g;
    pop->weight.zero_();  // starts as no term at all; the first steps learn its weights
  }
}

torch::Tensor ArticleTowerImpl::popularity(torch::Tensor dyn) {
  if (!pop) return {};
  return pop->forward(dyn).squeeze(-1);
}

torch::Tensor ArticleTowerImpl::forward(torch::Tensor x, torch::Tensor idx) {
  std::vector<torch::Tensor> parts = {x * x_mask};
  if (index_emb->columns > 0) parts.push_back(index_emb->forward(idx));
  return torch::nn::functional::normalize(mlp->forward(torch::cat(parts, 1)),
                                          torch::nn::functional::NormalizeFuncOptions().dim(1));
}

RankerImpl::RankerImpl(int64_t dim, int64_t pair_dim, int64_t hidden) {
  mlp = register_module("mlp", Mlp(3 * dim + pair_dim + 1, hidden, 1));
}

torch::Tensor RankerImpl::forward(torch::Tensor c, torch::Tensor a, torch::Tensor pair, torch::Tensor score) {
  return mlp->forward(torch::cat({c, a, c * a, pair, score.unsqueeze(1)}, 1)).squeeze(1);
}

nlohmann::json ModelShape::to_json() const {
  return {{"customer_dense", customer_dense},
          {"article_dense", article_dense},
          {"pair_dim", pair_dim},
          {"customer_cardinality", customer_cardinality},
          {"article_cardinality", article_cardinality},
          {"dim", tower.dim},
          {"hidden", tower.hidden},
          {"index_dim", tower.index_dim},
          {"id_buckets", tower.id_buckets},
          {"n_articles", tower.n_articles},
          {"popularity_bias", tower.popularity_bias},
          {"history_static", tower.history_static},
          {"history_embeddings", tower.history_embeddings}};
}

ModelShape ModelShape::from_json(const nlohmann::json& j) {
  ModelShape s;
  s.customer_dense = j.at("customer_dense");
  s.article_dense = j.at("article_dense");
  s.pair_dim = j.at("pair_dim");
  s.customer_cardinality = j.at("customer_cardinality").get<std::vector<int64_t>>();
  s.article_cardinality = j.at("article_cardinality").get<std::vector<int64_t>>();
  s.tower.dim = j.at("dim");
  s.tower.hidden = j.at("hidden");
  s.tower.index_dim = j.at("index_dim");
  s.tower.id_buckets = j.at("id_buckets");
  s.tower.n_articles = j.at("n_articles");
  s.tower.popularity_bias = j.value("popularity_bias", false);
  s.tower.history_static = j.value("history_static", int64_t(0));
  s.tower.history_embeddings = j.value("history_embeddings", false);
  return s;
}

torch::Tensor wrap(const std::vector<float>& v, std::vector<int64_t> shape) {
  return torch::from_blob(const_cast<float*>(v.data()), shape, torch::kFloat);
}
torch::Tensor wrap(const std::vector<int64_t>& v, std::vector<int64_t> shape) {
  return torch::from_blob(const_cast<int64_t*>(v.data()), shape, torch::kLong);
}

TwoStageModelImpl::TwoStageModelImpl(const ModelShape& s) : shape(s) {
  customer = register_module("customer", CustomerTower(s.customer_dense, s.customer_cardinality, s.tower));
  article = register_module("article", ArticleTower(s.article_dense, s.article_cardinality, s.tower));
  ranker = register_module("ranker", Ranker(s.tower.dim, s.pair_dim, s.tower.hidden));
}

torch::Tensor TwoStageModelImpl::embed_customers(const CustomerInputs& in) {
  return customer->forward(wrap(in.x, {in.n, in.dense}), wrap(in.idx, {in.n, in.n_index}), wrap(in.id, {in.n}),
                           wrap(in.hist, {in.n, in.history}), wrap(in.hist_w, {in.n, in.history}));
}

torch::Tensor TwoStageModelImpl::embed_articles(const ArticleInputs& in) {
  return article->forward(wrap(in.x, {in.n, in.dense}), wrap(in.idx, {in.n, in.n_index}));
}

torch::Tensor TwoStageModelImpl::rank(torch::Tensor c, torch::Tensor a, const std::vector<float>& pair,
                                      torch::Tensor score) {
  return ranker->forward(c, a, wrap(pair, {c.size(0), shape.pair_dim}), score);
}

}  // namespace fr
