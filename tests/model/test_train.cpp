// `fashionrec train` end to end on the tiny synthetic preset: determinism, checkpoint and
// resume, the exported model, bad checkpoints; and the quality bar on the small preset.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <numeric>
#include <set>

#include "core/artifact.h"
#include "core/error.h"
#include "model/train_data.h"
#include "model/trained_model.h"
#include "model/trainer.h"
#include "test_util.h"

using namespace fr;

namespace {

/// A workspace with the tiny preset through the whole pipeline (made once per binary).
const std::string& tiny_workspace() { return test::tiny_pipeline().ws; }

TrainConfig quick_config() {
  TrainConfig c;
  c.mode = "joint";
  c.epochs = 2;
  c.rank_epochs = 1;
  c.batch_size = 128;
  c.rank_batch_size = 64;
  c.dim = 16;
  c.hidden = 32;
  c.id_buckets = 1024;
  c.max_examples = 2048;
  c.eval_customers = 200;
  c.hard_pool = 20;
  c.warmup_steps = 5;
  c.ranker = "neural";  // the trainer's own ranking stage (the GBDT's fit is recommend's: test_recommend)
  return c;
}

/// Copies the tiny workspace so tests do not share train outputs.
std::string fresh_copy(const test::TempDir& to) {
  std::filesystem::copy(tiny_workspace(), to / "ws", std::filesystem::copy_options::recursive);
  return to / "ws";
}

std::vector<float> embeddings(const std::string& ws) {
  auto m = TrainedModel::load(Workspace(ws).path(kModelFile));
  auto e = m.article_embeddings();
  return {e.begin(), e.end()};
}

std::vector<double> losses(const std::string& ws) {
  auto j = nlohmann::json::parse(test::read_file(Workspace(ws).path(kCurvesFile)));
  std::vector<double> out;
  for (auto& e : j["epochs"]) out.push_back(e.value("loss", e.value("rank_loss", 0.0)));
  return out;
}

}  // namespace

TEST(TrainData, BatchesAreReproducibleAndFindEveryAccidentalHit) {
  auto c = quick_config();
  c.extra_negatives = 50;
  c.extra_negative_sampling = "popularity";
  TrainData a(Workspace(tiny_workspace()), c, 2), b(Workspace(tiny_workspace()), c, 1);
  for (int64_t batch : {0, 3}) {
    auto x = a.make_batch(1, batch, 0, false).retrieval, y = b.make_batch(1, batch, 0, false).retrieval;
    EXPECT_EQ(x.articles.id, y.articles.id);
    EXPECT_EQ(x.customers.hist, y.customers.hist);
    EXPECT_EQ(x.articles.x, y.articles.x);
    // The hit lists are exactly the cells a full comparison finds (tiny has 400 articles: many).
    std::set<std::pair<int64_t, int64_t>> want, got;
    for (int64_t i = 0; i < x.customers.n; ++i)
      for (int64_t j = 0; j < x.articles.n; ++j)
        if (i != j && x.articles.id[size_t(i)] == x.articles.id[size_t(j)]) want.insert({i, j});
    for (size_t k = 0; k < x.hit_rows.size(); ++k) got.insert({x.hit_rows[k], x.hit_cols[k]});
    EXPECT_EQ(got, want);
    EXPECT_FALSE(want.empty());
    // History strictly before the purchase: no history item is weighted 1 (same day).
    for (float w : x.customers.hist_w) EXPECT_LT(w, 1.f);
  }
  EXPECT_NE(a.make_batch(1, 0, 0, false).retrieval.articles.id, a.make_batch(2, 0, 0, false).retrieval.articles.id)
      << "each epoch has its own shuffle";
}

TEST(TrainData, PopularityWeeksEndOnTheSplitAndHoldTheDayInputs) {
  TrainData d(Workspace(tiny_workspace()), quick_config(), 2);
  const int32_t v = d.split().val_start;
  const int64_t W = d.pop_weeks(), na = d.dataset().n_articles();
  ASSERT_GT(W, 3);
  EXPECT_EQ(d.pop_week(v), W - 1);  // the validation week
  EXPECT_EQ(d.pop_week(v + 6), W - 1);
  EXPECT_EQ(d.pop_week(v - 1), W - 2);
  EXPECT_EQ(d.pop_week(v - 7), W - 2);
  EXPECT_EQ(d.pop_week(v - 8), W - 3);
  EXPECT_EQ(d.pop_week(v - 100000), 0);
  ASSERT_EQ(d.pop_table().size(), size_t(W * na * kArticleDynamic));
  // Week w's rows are the articles' day inputs as of its first day (sales strictly before it).
  std::vector<int32_t> ids(static_cast<size_t>(na));
  std::iota(ids.begin(), ids.end(), 0);
  ArticleInputs in = d.article_inputs_template();
  const size_t dense = d.article_rows().dim;
  for (int64_t w : {W - 1, W - 3}) {
    const int32_t start = v - 7 * int32_t(W - 1 - w);
    d.fill_articles(ids, std::span(&start, 1), d.article_rows(), in);
    double sold = 0;
    for (size_t a = 0; a < size_t(na); ++a)
      for (size_t k = 0; k < size_t(kArticleDynamic); ++k) {
        ASSERT_EQ(d.pop_table()[(size_t(w) * size_t(na) + a) * kArticleDynamic + k],
                  in.x[a * size_t(in.dense) + dense + k])
            << "week " << w << " article " << a << " input " << k;
        if (k == 0) sold += d.pop_table()[(size_t(w) * size_t(na) + a) * kArticleDynamic];
      }
    EXPECT_GT(sold, 0) << "week " << w << " has sales before it";
  }
  // Each retrieval row knows its purchase's week.
  auto b = d.make_batch(0, 0, 0, false).retrieval;
  ASSERT_EQ(b.row_week.size(), size_t(b.customers.n));
  for (int64_t w : b.row_week) EXPECT_TRUE(w >= 0 && w < W - 1) << "training purchases are before the split";
}

TEST(Train, SameSeedSameLossesAndWeights) {
  test::TempDir a, b;
  auto wa = fresh_copy(a), wb = fresh_copy(b);
  auto c = quick_config();
  run_train(Workspace(wa), c, 2, {});
  run_train(Workspace(wb), c, 2, {});
  ASSERT_EQ(losses(wa).size(), 2u);
  EXPECT_EQ(losses(wa), losses(wb));
  EXPECT_EQ(embeddings(wa), embeddings(wb));
  // A different seed trains a different model.
  test::TempDir d;
  auto wd = fresh_copy(d);
  c.seed = 7;
  run_train(Workspace(wd), c, 2, {});
  EXPECT_NE(losses(wa), losses(wd));
}

TEST(Train, ResumeFromACheckpointGivesTheSameWeights) {
  for (std::string mode : {"joint", "staged"}) {
    SCOPED_TRACE(mode);
    test::TempDir a, b;
    auto wa = fresh_copy(a), wb = fresh_copy(b);
    auto c = quick_config();
    c.mode = mode;
    run_train(Workspace(wa), c, 2, {});
    // Stop mid-epoch (step 5 of 16), then again in the second epoch, resuming each time.
    TrainOptions stop{};
    stop.stop_after_steps = 5;
    auto s = run_train(Workspace(wb), c, 2, stop);
    ASSERT_EQ(s.value("stopped_at_step", -1), 5);
    EXPECT_TRUE(std::filesystem::exists(Workspace(wb).path(kCheckpointFile)));
    stop.resume = true;
    stop.stop_after_steps = 14;
    s = run_train(Workspace(wb), c, 2, stop);
    ASSERT_EQ(s.value("stopped_at_step", -1), 19);
    TrainOptions finish{};
    finish.resume = true;
    run_train(Workspace(wb), c, 2, finish);
    EXPECT_FALSE(std::filesystem::exists(Workspace(wb).path(kCheckpointFile)));
    EXPECT_EQ(losses(wa), losses(wb));
    EXPECT_EQ(embeddings(wa), embeddings(wb));
  }
}

TEST(Train, ExportedModelLoadsAndIsUpToDate) {
  test::TempDir a;
  auto wa = fresh_copy(a);
  auto c = quick_config();
  auto s = run_train(Workspace(wa), c, 2, {});
  ASSERT_TRUE(s["best"].contains("recall@100"));
  auto m = TrainedModel::load(Workspace(wa).path(kModelFile));
  EXPECT_EQ(m.dim(), 16);
  EXPECT_EQ(int64_t(m.article_embeddings().size()), m.n_articles() * 16);
  // Unit-norm article embeddings, and a customer embedding from hand-made inputs.
  double norm = 0;
  for (int k = 0; k < 16; ++k) norm += double(m.article_embeddings()[size_t(k)]) * m.article_embeddings()[size_t(k)];
  EXPECT_NEAR(norm, 1.0, 1e-4);
  // Retrieval vectors: each embedding, then temperature x its learned popularity term.
  ASSERT_EQ(m.retrieval_dim(), 17);
  ASSERT_EQ(int64_t(m.retrieval_articles().size()), m.n_articles() * 17);
  double spread = 0;
  for (int64_t a = 0; a < m.n_articles(); ++a) {
    for (int k = 0; k < 16; ++k)
      ASSERT_EQ(m.retrieval_articles()[size_t(a * 17 + k)], m.article_embeddings()[size_t(a * 16 + k)]);
    spread += std::abs(m.retrieval_articles()[size_t(a * 17 + 16)] - m.retrieval_articles()[16]);
  }
  EXPECT_GT(spread, 0) << "the popularity term differs between articles";
  auto rq = m.retrieval_queries(std::span(m.article_embeddings().data(), 32), true);
  ASSERT_EQ(rq.size(), 34u);
  EXPECT_EQ(rq[16], 1.f);
  EXPECT_EQ(rq[33], 1.f);
  EXPECT_EQ(rq[17], m.article_embeddings()[16]);
  EXPECT_EQ(m.retrieval_queries(std::span(m.article_embeddings().data(), 16), false)[16], 0.f);
  auto shape = m.meta()["shape"];
  CustomerInputs in;
  in.dense = shape["customer_dense"];
  in.n_index = int64_t(shape["customer_cardinality"].size());
  in.history = c.history;
  in.resize(2);
  std::fill(in.hist.begin(), in.hist.end(), -1);
  auto q = m.embed_customers(in);
  ASSERT_EQ(q.size(), 32u);
  // The ranker's score input is the retrieval score: [q, 1] . retrieval vector / temperature.
  double want = m.retrieval_articles()[17 + 16];
  for (int k = 0; k < 16; ++k) want += double(q[size_t(k)]) * m.retrieval_articles()[size_t(17 + k)];
  EXPECT_NEAR(m.retrieval_score(std::span(q.data(), 16), 1), want / c.temperature, 1e-4);
  std::vector<float> pair(2 * 18, 0.f);
  std::vector<float> score = {m.retrieval_score(std::span(q.data(), 16), 0), 0.f};
  auto p = m.rank(std::span(q), std::span(m.article_embeddings().data(), 32), pair, score);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_GT(p[0], 0.f);
  EXPECT_LT(p[0], 1.f);
  score = {score[0] + 20.f, 0.f};
  EXPECT_NE(m.rank(std::span(q), std::span(m.article_embeddings().data(), 32), pair, score)[0], p[0])
      << "the ranker reads the score";
  // Same config, same inputs: nothing to do.
  EXPECT_TRUE(run_train(Workspace(wa), c, 2, {}).value("up_to_date", false));
}

TEST(Train, RunTimeKnobsLeaveTheModelUpToDateAndMayChangeOnResume) {
  test::TempDir a;
  auto wa = fresh_copy(a);
  auto c = quick_config();
  TrainOptions stop{};
  stop.stop_after_steps = 3;
  ASSERT_EQ(run_train(Workspace(wa), c, 2, stop).value("stopped_at_step", -1), 3);
  // Resume with other run-time knobs: accepted, and the run finishes.
  c.checkpoint_every = 2;
  c.loader_threads = 2;
  c.eval_customers = 100;
  TrainOptions finish{};
  finish.resume = true;
  auto s = run_train(Workspace(wa), c, 2, finish);
  ASSERT_TRUE(s.contains("best")) << s.dump();
  // Back to the defaults of those knobs: the model is still up to date.
  c.checkpoint_every = 0;
  c.loader_threads = 1;
  c.eval_customers = 20000;
  EXPECT_TRUE(run_train(Workspace(wa), c, 2, {}).value("up_to_date", false));
  // Every other row is part of the model's identity: changing one makes the model stale.
  for (const Setting& row : settings_table(&c)) {
    nlohmann::json changed = nlohmann::json(c);
    const auto& v = changed[row.key];
    if (v.is_boolean())
      changed[row.key] = !v.get<bool>();
    else if (v.is_number_integer())
      changed[row.key] = v.get<int64_t>() + 1;
    else if (v.is_number())
      changed[row.key] = v.get<double>() * 2;
    else
      changed[row.key] = v.get<std::string>() + "x";
    bool fresh = Workspace(wa).is_up_to_date(kModelArtifact, identity_json(changed.get<TrainConfig>()), {});
    EXPECT_EQ(fresh, !row.identity) << "train." << row.key;
  }
}

TEST(Train, BadCheckpointsAndConfigsAreClearErrors) {
  test::TempDir a;
  auto wa = fresh_copy(a);
  auto c = quick_config();
  test::write_file(Workspace(wa).path(kCheckpointFile), "not a checkpoint");
  TrainOptions resume{};
  resume.resume = true;
  EXPECT_THROW(run_train(Workspace(wa), c, 2, resume), ArtifactError);
  // A checkpoint made with another config is refused, naming the field.
  TrainOptions stop{};
  stop.stop_after_steps = 2;
  run_train(Workspace(wa), c, 2, stop);
  c.lr = 0.5;
  try {
    run_train(Workspace(wa), c, 2, resume);
    FAIL() << "expected a UsageError";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("train.lr"), std::string::npos) << e.what();
  }
  c.mode = "both";
  EXPECT_THROW(run_train(Workspace(wa), c, 2, {}), UsageError);
  // A damaged model file is refused on load.
  test::write_file(Workspace(wa).path(kModelFile), "garbage");
  EXPECT_THROW(TrainedModel::load(Workspace(wa).path(kModelFile)), ArtifactError);
}

// The quality bar, on the small preset (no pictures) through run's defaults (tuning kept the
// default settings there). Figures of the run that set the thresholds (2 cores, seed 42):
// recall@100 0.4589 against 0.3092 for last week's best sellers (1.48x) and 0.2163 for all-time
// best sellers (2.12x); with pictures it was 0.4612. The oracle (the generator's own
// probabilities) reaches 0.610. NDCG@12: ranked 0.1138, retrieval order 0.1120, last week's best
// sellers 0.0542, oracle 0.168. (Before the pooled history table and the `all`
// column mask: recall@100 0.400, 1.85x all-time best sellers; before the popularity term 0.355.)
// The ranking stage: with train.ranker = gbdt (the default) the trainer trains no neural ranker
// (the booster is fitted after it, and EvaluateQuality holds the shipped ranking to the
// retrieval order); with neural, the ranker, given the retrieval score, adds little over the
// retrieval order here (its label window is one week) and the test holds it to no loss.
TEST(TrainQuality, SmallPresetRecallIsTwicePopularityAndTheRankerKeepsTheOrder) {
  const auto& small = test::small_pipeline();  // run's defaults, tuning included (no pictures)
  auto curves = nlohmann::json::parse(test::read_file(small.ws + "/train_curves.json"));
  nlohmann::json best, best_retrieval;
  for (auto& e : curves["epochs"]) {
    if (e.value("best", false)) (e["phase"] == "rank" ? best : best_retrieval) = e;
  }
  ASSERT_FALSE(best_retrieval.is_null()) << curves.dump();
  auto model = Artifact::open(small.ws + "/model.frc", kModelArtifact, kModelVersion, false);
  const bool gbdt = model.meta()["train"]["ranker"] == "gbdt";
  EXPECT_EQ(best.is_null(), gbdt) << "no neural ranking epochs with the GBDT ranker\n" << curves.dump();
  std::cout << "best retrieval epoch: " << best_retrieval.dump() << "\nbest rank epoch: " << best.dump() << "\n";
  double recall = best_retrieval["recall@100"], all_time = best_retrieval["all_time_popularity_recall@100"];
  double last_week = best_retrieval["popularity_recall@100"];
  EXPECT_GE(recall, 2.0 * all_time) << "all-time best sellers";
  EXPECT_GE(recall, 1.4 * last_week) << "last week's best sellers";
  if (gbdt) return;
  double ranked = best["ndcg@12"], retrieval_order = best["ndcg@12_retrieval"], pop = best["popularity_ndcg@12"];
  EXPECT_GE(ranked, retrieval_order) << "the ranker does not undo the retrieval order";
  EXPECT_GE(ranked, 1.9 * pop) << "last week's best sellers";
}
