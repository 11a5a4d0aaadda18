// The towers and the ranker can learn: on one tiny batch the losses go near zero.
#include <gtest/gtest.h>

#include "model/optimizer.h"
#include "model/retrieval_loss.h"
#include "model/towers.h"

using namespace fr;

namespace {
struct TinyBatch {
  torch::Tensor cx, cidx, cid, hist, hist_w, ax, aidx, aid;
};

TowerConfig config(int64_t dim, int64_t hidden, int64_t n_articles) {
  TowerConfig c;
  c.dim = dim;
  c.hidden = hidden;
  c.id_buckets = 64;
  c.n_articles = n_articles;
  return c;
}

TinyBatch make_batch(int64_t B) {
  torch::manual_seed(1);
  TinyBatch t;
  t.cx = torch::randn({B, 12});
  t.cidx = torch::randint(0, 5, {B, 1}, torch::kLong);
  t.cid = torch::arange(B, torch::kLong);
  t.hist = torch::randint(-1, 30, {B, 4}, torch::kLong);
  t.hist_w = torch::rand({B, 4});
  t.ax = torch::randn({B, 10});
  t.aid = torch::arange(B, torch::kLong);
  t.aidx = torch::stack({t.aid + 1, torch::randint(0, 3, {B}, torch::kLong)}, 1);
  return t;
}
}  // namespace

TEST(Towers, ShapesAndUnitNorm) {
  TowerConfig c = config(8, 32, 30);
  CustomerTower ct(12, std::vector<int64_t>{5}, c);
  ArticleTower at(10, std::vector<int64_t>{17, 3}, c);
  auto t = make_batch(16);
  auto q = ct->forward(t.cx, t.cidx, t.cid, t.hist, t.hist_w);
  auto a = at->forward(t.ax, t.aidx);
  ASSERT_EQ(q.sizes(), (std::vector<int64_t>{16, 8}));
  ASSERT_EQ(a.sizes(), (std::vector<int64_t>{16, 8}));
  EXPECT_NEAR(q.norm(2, 1).mean().item<float>(), 1.0, 1e-5);
  EXPECT_NEAR(a.norm(2, 1).mean().item<float>(), 1.0, 1e-5);
}

TEST(Towers, OverfitATinyBatchInBatchSoftmaxAndBce) {
  torch::manual_seed(2);
  TowerConfig c = config(16, 64, 30);
  const int64_t B = 16;
  CustomerTower ct(12, std::vector<int64_t>{5}, c);
  ArticleTower at(10, std::vector<int64_t>{17, 3}, c);
  Ranker rk(c.dim, 3, 32);
  auto t = make_batch(B);
  // The training optimiser: Adam for the dense weights, SparseAdam for the embedding tables.
  torch::nn::Module all;
  all.register_module("customer", ct);
  all.register_module("article", at);
  all.register_module("ranker", rk);
  TrainOptimizer opt(all, OptimizerConfig{"adam", 3e-3, 0.0, 0.0});
  // Ranking labels: the diagonal pairs are positives, a shifted pairing gives negatives.
  auto neg = torch::roll(torch::arange(B), 1);
  auto pair = torch::randn({2 * B, 3});
  auto labels = torch::cat({torch::ones({B}), torch::zeros({B})});
  float first = 0, retrieval = 0, ranking = 0;
  for (int step = 0; step < 300; ++step) {
    opt.zero_grad();
    auto q = ct->forward(t.cx, t.cidx, t.cid, t.hist, t.hist_w);
    auto a = at->forward(t.ax, t.aidx);
    RetrievalBatch rb{q, a, t.aid, torch::Tensor()};
    auto l_ret = in_batch_softmax_loss(rb, 0.05);
    auto logits = rk->forward(torch::cat({q, q}), torch::cat({a, a.index_select(0, neg)}), pair, torch::zeros({2 * B}));
    auto l_rank = torch::binary_cross_entropy_with_logits(logits, labels);
    auto loss = l_ret + l_rank;  // the joint mode's weighted sum, weights 1
    if (step == 0) first = loss.item<float>();
    loss.backward();
    opt.step();
    retrieval = l_ret.item<float>();
    ranking = l_rank.item<float>();
  }
  EXPECT_GT(first, 2.0);
  EXPECT_LT(retrieval, 0.05) << "in-batch softmax on 16 pairs";
  EXPECT_LT(ranking, 0.05) << "BCE on 32 pairs";
}

TEST(Towers, MaskedColumnsAreIgnoredAndThePopularityTermIsLinear) {
  TowerConfig c = config(8, 32, 0);
  c.popularity_bias = true;
  ArticleTower at(10, std::vector<int64_t>{17, 3}, c);
  auto t = make_batch(16);
  {
    torch::NoGradGuard g;
    at->x_mask[2] = 0.f;
    auto before = at->forward(t.ax, t.aidx);
    auto x = t.ax.clone();
    x.select(1, 2).add_(5.f);  // only the masked column changes
    EXPECT_TRUE(torch::allclose(before, at->forward(x, t.aidx)));
    x.select(1, 3).add_(5.f);  // an unmasked one does
    EXPECT_FALSE(torch::allclose(before, at->forward(x, t.aidx)));
    // The popularity term starts at zero and is w . dyn once it has weights.
    auto dyn = torch::rand({4, 6, kArticleDynamic});
    EXPECT_EQ(at->popularity(dyn).sizes(), (std::vector<int64_t>{4, 6}));
    EXPECT_TRUE(at->popularity(dyn).eq(0).all().item<bool>());
    at->pop->weight.copy_(torch::arange(kArticleDynamic, torch::kFloat).view({1, kArticleDynamic}));
    auto want = (dyn * torch::arange(kArticleDynamic, torch::kFloat)).sum(-1);
    EXPECT_TRUE(torch::allclose(at->popularity(dyn), want, 1e-5, 1e-6));
  }
  // Without the term there is none.
  c.popularity_bias = false;
  ArticleTower plain(10, std::vector<int64_t>{17, 3}, c);
  EXPECT_FALSE(plain->popularity(torch::rand({2, kArticleDynamic})).defined());
}

TEST(Towers, HistoryIsTheWeightedMeanOfTheTableRows) {
  TowerConfig c = config(3, 8, 4);
  c.history_static = 2;
  c.history_embeddings = true;
  CustomerTower ct(2, std::vector<int64_t>{}, c);
  EXPECT_FALSE(ct->hist_emb) << "the table replaces the learned history embeddings";
  auto rows = torch::arange(8, torch::kFloat).view({4, 2});       // static columns of articles 0..3
  auto emb = torch::arange(12, torch::kFloat).view({4, 3}) * 10;  // their tower embeddings
  ct->set_history_static(rows);
  ct->set_history_embeddings(emb);
  auto table = torch::cat({rows, emb}, 1);
  ASSERT_TRUE(torch::equal(ct->history_table.narrow(0, 1, 4), table));
  EXPECT_TRUE(ct->history_table[0].eq(0).all().item<bool>()) << "row 0 is the empty slot";
  auto hist = torch::tensor({1, 3, -1, 2, -1, -1, -1, -1, -1}, torch::kLong).view({3, 3});
  auto w = torch::tensor({1.f, 3.f, 7.f, 0.5f, 1.f, 1.f, 1.f, 1.f, 1.f}).view({3, 3});
  auto pooled = ct->pool_history(hist, w);
  ASSERT_EQ(pooled.sizes(), (std::vector<int64_t>{3, 5}));
  EXPECT_TRUE(torch::allclose(pooled[0], (table[1] * 1 + table[3] * 3) / 4)) << "the empty slot's weight is ignored";
  EXPECT_TRUE(torch::allclose(pooled[1], table[2]));
  EXPECT_TRUE(pooled[2].eq(0).all().item<bool>()) << "no history, zeros";
  // Without a table, the learned history embeddings are pooled the same way.
  c.history_static = 0;
  c.history_embeddings = false;
  CustomerTower plain(2, std::vector<int64_t>{}, c);
  ASSERT_TRUE(plain->hist_emb);
  auto e = plain->hist_emb->weight.detach();
  auto p = plain->pool_history(hist, w).detach();
  EXPECT_TRUE(torch::allclose(p[0], (e[2] * 1 + e[4] * 3) / 4, 1e-5, 1e-6));
}
