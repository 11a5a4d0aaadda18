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
std::vector<torch::nn::Embedding> make_index_embeddings(torch::nn::Module& m, const std::vector<int64_t>& card,
                                                        int64_t dim) {
  std::vector<torch::nn::Embedding> out;
  for (size_t i = 0; i < card.size(); ++i)
    out.push_back(m.register_module("index" + std::to_string(i), torch::nn::Embedding(card[i], dim)));
  return out;
}

torch::Tensor embed_indexes(std::vector<torch::nn::Embedding>& emb, const torch::Tensor& idx) {
  std::vector<torch::Tensor> parts;
  for (size_t i = 0; i < emb.size(); ++i) parts.push_back(emb[i]->forward(idx.select(1, int64_t(i))));
  return parts.empty() ? torch::Tensor() : torch::cat(parts, 1);
}
}  // namespace

CustomerTowerImpl::CustomerTowerImpl(int64_t dense_dim, const std::vector<int64_t>& card, const TowerConfig& c)
    : id_buckets(c.id_buckets) {
  index_emb = make_index_embeddings(*this, card, c.index_dim);
  int64_t in = dense_dim + int64_t(card.size()) * c.index_dim;
  if (id_buckets > 0) {
    id_emb = register_module("id", torch::nn::Embedding(id_buckets, c.index_dim));
    in += c.index_dim;
  }
  if (c.n_articles > 0) {
    hist_emb = register_module("history", torch::nn::Embedding(c.n_articles + 1, c.index_dim));  // row 0 = none
    in += c.index_dim;
  }
  mlp = register_module("mlp", Mlp(in, c.hidden, c.dim));
}

torch::Tensor CustomerTowerImpl::forward(torch::Tensor x, torch::Tensor idx, torch::Tensor id, torch::Tensor hist,
                                         torch::Tensor hist_w) {
  std::vector<torch::Tensor> parts = {x};
  if (!index_emb.empty()) parts.push_back(embed_indexes(index_emb, idx));
  if (id_emb) parts.push_back(id_emb->forward(id.remainder(id_buckets)));
  if (hist_emb) {
    // Time-weighted mean of the recent purchases' embeddings (-1 = empty slot, weight 0).
    auto e = hist_emb->forward(hist + 1);             // [B, H, k]
    auto w = hist_w * hist.ge(0).to(hist_w.dtype());  // [B, H]
    auto pooled = (e * w.unsqueeze(2)).sum(1) / w.sum(1, true).clamp_min(1e-6);
    parts.push_back(pooled);
  }
  return torch::nn::functional::normalize(mlp->forward(torch::cat(parts, 1)),
                                          torch::nn::functional::NormalizeFuncOptions().dim(1));
}

ArticleTowerImpl::ArticleTowerImpl(int64_t dense_dim, const std::vector<int64_t>& card, const TowerConfig& c) {
  index_emb = make_index_embeddings(*this, card, c.index_dim);
  mlp = register_module("mlp", Mlp(dense_dim + int64_t(card.size()) * c.index_dim, c.hidden, c.dim));
}

torch::Tensor ArticleTowerImpl::forward(torch::Tensor x, torch::Tensor idx) {
  std::vector<torch::Tensor> parts = {x};
  if (!index_emb.empty()) parts.push_back(embed_indexes(index_emb, idx));
  return torch::nn::functional::normalize(mlp->forward(torch::cat(parts, 1)),
                                          torch::nn::functional::NormalizeFuncOptions().dim(1));
}

RankerImpl::RankerImpl(int64_t dim, int64_t pair_dim, int64_t hidden) {
  mlp = register_module("mlp", Mlp(3 * dim + pair_dim, hidden, 1));
}

torch::Tensor RankerImpl::forward(torch::Tensor c, torch::Tensor a, torch::Tensor pair) {
  return mlp->forward(torch::cat({c, a, c * a, pair}, 1)).squeeze(1);
}

}  // namespace fr
