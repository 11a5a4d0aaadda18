// index, evaluate and recommend end to end on the tiny synthetic preset (through the CLI,
// as a user runs them), the Kaggle submission's shape, bad inputs; the quality bar on the
// small preset; and a run on the real hm-sample when ../shared is there.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>

#include "core/artifact.h"
#include "core/workspace.h"
#include "data/dataset.h"
#include "features/split.h"
#include "model/as_of_data.h"
#include "model/candidate_features.h"
#include "model/trained_model.h"
#include "model/trainer.h"
#include "recommend/index_stage.h"
#include "recommend/recommender.h"
#include "test_util.h"

using namespace fr;

namespace {

using Tiny = test::TinyPipeline;
const Tiny& tiny() { return test::tiny_pipeline(); }

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream f(path);
  std::vector<std::string> out;
  for (std::string l; std::getline(f, l);) out.push_back(l);
  return out;
}

}  // namespace

TEST(Pipeline, RunEndsWithTheMetricsTableAndAReport) {
  const Tiny& t = tiny();
  EXPECT_NE(t.run_out.find("index: ran"), std::string::npos) << t.run_out;
  EXPECT_NE(t.run_out.find("evaluate: ran"), std::string::npos) << t.run_out;
  EXPECT_NE(t.run_out.find("embed-images: ran"), std::string::npos) << "pictures from DATA/images\n" << t.run_out;
  for (const char* row : {"oracle", "model", "retrieval only", "last_week_top12", "decayed_popularity",
                          "repurchase_then_popular", "age_bucket_popularity", "of the oracle's MAP@12"})
    EXPECT_NE(t.run_out.find(row), std::string::npos) << row << "\n" << t.run_out;
  std::string dir = t.ws + "/reports/first";
  auto r = nlohmann::json::parse(test::read_file(dir + "/report.json"));
  const auto& m = r["metrics"];
  for (const auto* part : {&m["model"], &m["oracle"], &m["retrieval"], &m["baselines"]["last_week_top12"],
                           &m["baselines"]["decayed_popularity"], &m["baselines"]["repurchase_then_popular"],
                           &m["baselines"]["age_bucket_popularity"]}) {
    for (const char* k : {"map@12", "ndcg@12", "precision@10", "recall@20", "hitrate@12", "coverage@12"}) {
      ASSERT_TRUE(part->contains(k)) << k << " in " << part->dump();
      double v = (*part)[k];
      EXPECT_GE(v, 0.0);
      EXPECT_LE(v, 1.0);
    }
  }
  EXPECT_GT(m["model"]["ndcg@12"].get<double>(), 0.0);
  EXPECT_GE(m["oracle"]["customers"], 1);
  EXPECT_FALSE(r["exclude_bought"].get<bool>());
  // Candidates: the union finds at least what the tower alone finds.
  EXPECT_GE(r["candidates"]["recall"]["all"].get<double>(), r["candidates"]["recall"]["tower"].get<double>());
  EXPECT_GT(r["sampled"]["model"]["ndcg@10"].get<double>(), m["model"]["ndcg@10"].get<double>())
      << "random negatives are easier than the full catalogue";
  for (const char* svg : {"ndcg_by_k.svg", "recall_by_k.svg", "training_curves.svg", "candidates.svg"}) {
    std::string s = test::read_file(dir + "/" + svg);
    EXPECT_EQ(s.rfind("<svg", 0), 0u) << svg;
    EXPECT_NE(s.find("</svg>"), std::string::npos) << svg;
  }
  std::string md = test::read_file(dir + "/report.md");
  EXPECT_NE(md.find("Already-bought articles excluded: no"), std::string::npos);
  EXPECT_NE(md.find("sampled protocol"), std::string::npos);
}

TEST(Pipeline, SecondRunSkipsTheTrainedStages) {
  const Tiny& t = tiny();
  auto r = test::run_cli("-w " + t.ws + " run --no-tune --data " + t.data + " --no-evaluate");
  ASSERT_EQ(r.code, 0) << r.out;
  for (const char* s : {"train: up to date", "index: up to date", "features: up to date"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
}

TEST(Recommend, SubmissionHasEveryCustomerOnceWithTwelveValidIds) {
  const Tiny& t = tiny();
  test::TempDir out;
  auto r = test::run_cli("-w " + t.ws + " recommend --all --out " + out / "sub.csv");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_FALSE(std::filesystem::exists(out / "sub.csv.tmp"));
  std::set<std::string> articles, customers;
  auto al = lines_of(t.data + "/articles.csv"), cl = lines_of(t.data + "/customers.csv");
  for (size_t i = 1; i < al.size(); ++i) articles.insert(al[i].substr(0, al[i].find(',')));
  for (size_t i = 1; i < cl.size(); ++i) customers.insert(cl[i].substr(0, cl[i].find(',')));
  auto sub = lines_of(out / "sub.csv");
  ASSERT_FALSE(sub.empty());
  EXPECT_EQ(sub[0], "customer_id,prediction");
  std::set<std::string> seen;
  const std::regex id(R"(0\d{9})");
  for (size_t i = 1; i < sub.size(); ++i) {
    auto comma = sub[i].find(',');
    ASSERT_NE(comma, std::string::npos) << sub[i];
    std::string c = sub[i].substr(0, comma);
    EXPECT_TRUE(customers.count(c)) << "unknown customer " << c;
    EXPECT_TRUE(seen.insert(c).second) << "customer twice: " << c;
    std::istringstream ids(sub[i].substr(comma + 1));
    std::set<std::string> row;
    for (std::string a; ids >> a;) {
      EXPECT_TRUE(std::regex_match(a, id)) << a;
      EXPECT_TRUE(articles.count(a)) << "not in articles.csv: " << a;
      row.insert(a);
    }
    EXPECT_EQ(row.size(), 12u) << sub[i];
  }
  EXPECT_EQ(seen.size(), customers.size()) << "every customer in customers.csv appears";
}

TEST(Recommend, OneCustomerShowsSourcesAndUnknownGetsBestSellers) {
  const Tiny& t = tiny();
  auto cl = lines_of(t.data + "/customers.csv");
  std::string id = cl[1].substr(0, cl[1].find(','));
  auto r = test::run_cli("-w " + t.ws + " recommend --customer " + id + " --k 5");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("customer " + id), std::string::npos) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2 + 5) << r.out;
  EXPECT_TRUE(r.out.find("tower") != std::string::npos || r.out.find("popular") != std::string::npos) << r.out;
  r = test::run_cli("-w " + t.ws + " recommend --customer 00ff --k 3");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("unknown customer 00ff"), std::string::npos) << r.out;
  r = test::run_cli("-w " + t.ws + " recommend --all");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("--out"), std::string::npos) << r.out;
}

TEST(Recommend, CandidatesKeepTheirSourcesAndExcludeBoughtWorks) {
  const Tiny& t = tiny();
  Workspace ws(t.ws, false);
  Dataset d = Dataset::load(ws.path(kDatasetFile));
  ValidationTruth vt;
  Split split = load_split(ws, &vt);
  TrainedModel model = TrainedModel::load(ws.path(kModelFile));
  ItemIndex index = load_or_build_index(ws, model, "");
  AsOfData data(ws, d, split, AsOfData::When::kValidation, 2);
  RecommendConfig c;
  Recommender rec(model, index, data, c);
  std::vector<int32_t> cust(vt.customers.begin(), vt.customers.begin() + std::min<size_t>(50, vt.customers.size()));
  auto recs = rec.recommend(cust);
  size_t with_repurchase = 0;
  for (size_t i = 0; i < cust.size(); ++i) {
    const auto& r = recs[i];
    ASSERT_EQ(r.customer, cust[i]);
    EXPECT_EQ(r.retrieval.size(), size_t(c.tower));
    std::set<int32_t> past;
    for (uint32_t row : data.purchases(cust[i])) past.insert(d.tx_article[row]);
    std::set<int32_t> tower(r.retrieval.begin(), r.retrieval.end()), unique;
    for (size_t j = 0; j < r.candidates.size(); ++j) {
      const auto& a = r.candidates[j];
      EXPECT_TRUE(unique.insert(a.article).second) << "a candidate twice";
      EXPECT_NE(a.sources, 0);
      EXPECT_EQ(bool(a.sources & kSourceTower), tower.count(a.article) == 1);
      if (a.sources & kSourceRepurchase) {
        EXPECT_TRUE(past.count(a.article));
        ++with_repurchase;
      }
      if (j) {
        EXPECT_GE(r.candidates[j - 1].score, a.score) << "best first";
      }
    }
  }
  EXPECT_GT(with_repurchase, 0u);
  c.exclude_bought = true;
  Recommender ex(model, index, data, c);
  auto recs2 = ex.recommend(cust);
  for (size_t i = 0; i < cust.size(); ++i)
    for (uint32_t row : data.purchases(cust[i]))
      for (auto& a : recs2[i].candidates) EXPECT_NE(a.article, d.tx_article[row]);
}

TEST(Recommend, TheGbdtRankerRoundTripsThroughModelFrc) {
  // run's defaults fit the gradient-boosted ranker: its booster is a section of model.frc, and
  // the booster loaded from it is the one that was written (same bytes, same scores).
  const Tiny& t = tiny();
  Workspace ws(t.ws, false);
  TrainedModel model = TrainedModel::load(ws.path(kModelFile));
  ASSERT_EQ(model.ranker(), "gbdt");
  ASSERT_NE(model.gbdt(), nullptr);
  Artifact a = Artifact::open(ws.path(kModelFile), kModelArtifact, kModelVersion);
  auto stored = a.column<uint8_t>(kGbdtSection);
  EXPECT_EQ(model.gbdt()->save(), std::vector<uint8_t>(stored.begin(), stored.end()));
  GbdtBooster again = GbdtBooster::load(stored, CandidateFeatures::dim(), "model.frc");
  std::vector<float> rows(7 * CandidateFeatures::dim());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = i % 5 == 0 ? std::nanf("") : float(i % 13) * 0.37f;
  EXPECT_EQ(again.predict(rows, 7), model.gbdt()->predict(rows, 7));
  const auto& g = a.meta().at("gbdt");
  EXPECT_GE(g["rounds"].get<int64_t>(), 1);
  EXPECT_EQ(g["weeks"].size(), 4u);
  // The report has its features' importance and the fit's weeks.
  std::string md = test::read_file(t.ws + "/reports/first/report.md");
  EXPECT_NE(md.find("gradient-boosted ranker"), std::string::npos);
  EXPECT_EQ(test::read_file(t.ws + "/reports/first/ranker_importance.svg").rfind("<svg", 0), 0u);
  // The label towers were trained before the first label week, in a workspace of their own.
  TrainedModel towers = TrainedModel::load(t.ws + "/gbdt-towers/model.frc");
  EXPECT_LE(towers.meta().at("as_of_day").get<int32_t>(), model.meta().at("as_of_day").get<int32_t>() - 28);
  // A model whose booster was lost (a run killed between the towers and the fit) is refused
  // by the recommender with a clear message, and `train` fits the booster alone.
  test::TempDir copy;
  std::filesystem::copy(t.ws, copy / "ws", std::filesystem::copy_options::recursive);
  {
    Artifact m = Artifact::open(copy / "ws/model.frc", kModelArtifact, kModelVersion);
    ArtifactWriter w(copy / "ws/model.frc", kModelArtifact, kModelVersion);
    for (auto& name : m.section_names()) {
      if (name == kGbdtSection) continue;
      auto [type, raw] = m.raw_section(name);
      w.add_raw(name, type, std::span(&raw, 1));
    }
    w.set_meta(m.meta());
    Workspace cw(copy / "ws", false);
    auto e = cw.entry(kModelArtifact);
    cw.record(kModelArtifact, kModelFile, kModelArtifact, kModelVersion, w.commit(1), e["config"], e["inputs"]);
  }
  auto r = test::run_cli("-w " + copy / "ws" + " recommend --customer x --as-of validation");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("no booster"), std::string::npos) << r.out;
  r = test::run_cli("-w " + copy / "ws" + " train");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("gbdt"), std::string::npos) << r.out;
  EXPECT_NE(TrainedModel::load(copy / "ws/model.frc").gbdt(), nullptr);
}

TEST(Recommend, DamagedIndexIsAClearError) {
  const Tiny& t = tiny();
  test::TempDir copy;
  std::filesystem::copy(t.ws, copy / "ws", std::filesystem::copy_options::recursive);
  test::write_file(copy / "ws/index.frc", "garbage");
  auto r = test::run_cli("-w " + copy / "ws" + " recommend --customer x --as-of validation");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("index.frc"), std::string::npos) << r.out;
  // As of the latest day, recommend reads the refit's index (run refits after evaluation).
  test::write_file(copy / "ws/refit/index.frc", "garbage");
  r = test::run_cli("-w " + copy / "ws" + " recommend --customer x");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("refit/index.frc"), std::string::npos) << r.out;
  r = test::run_cli("-w " + copy / "ws" + " index --index NotAFactory");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("NotAFactory"), std::string::npos) << r.out;
  r = test::run_cli("-w " + copy / "ws" + " index --index HNSW16 --params efSearch=64");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("recall@"), std::string::npos) << r.out;
}

// The quality bar on the small preset (issue 7: +20 % MAP@12 over the best baseline), with run's
// defaults (tuning on; the refit, which evaluate does not score, left out for time). The oracle
// share's threshold is learned from a real run: MAP@12 0.0638, 1.47x the best baseline
// (repurchase then popular, 0.0434), 66.5 % of the oracle's; the tower alone 0.0610; tuning
// kept the model and its default settings (issue 15 asks for 70 %: not reached yet). With the
// GBDT ranker as the default (issue 16): 0.0639, 1.47x, 66.6 % of the oracle (issue 16 asks for
// 75 %: not reached; the threshold stays where the runs put it).
TEST(EvaluateQuality, SmallPresetModelBeatsEveryBaselineBy20PercentInMap12) {
  const auto& small = test::small_pipeline();
  std::cout << small.run_out;
  auto rep = nlohmann::json::parse(test::read_file(small.ws + "/reports/q/report.json"));
  double model = rep["metrics"]["shipped"]["map@12"];
  for (auto& [name, v] : rep["metrics"]["baselines"].items()) EXPECT_GE(model, 1.2 * v["map@12"].get<double>()) << name;
  EXPECT_GE(rep["share_of_oracle_map@12"].get<double>(), 0.6);
  EXPECT_TRUE(rep.contains("tune")) << "run tunes by default and the report says what it chose";
  EXPECT_GE(model, rep["metrics"]["retrieval"]["map@12"].get<double>()) << "the ranker and the other sources help";
}

TEST(EvaluateRealData, HmSampleRunsAndComparesWithTheBaselines) {
  if (!test::have_shared_data()) GTEST_SKIP() << "../shared/data/hm-sample is absent (a user's clone): skipped";
  test::TempDir dir;
  auto r = test::run_cli("-w " + dir / "ws" + " run --log-level warn --val-days 28 --report real --data " +
                         test::shared_data() + "/hm-sample");
  ASSERT_EQ(r.code, 0) << r.out;
  std::cout << r.out;
  auto rep = nlohmann::json::parse(test::read_file(dir / "ws/reports/real/report.json"));
  EXPECT_FALSE(rep["metrics"].contains("oracle")) << "real data has no truth file";
  EXPECT_EQ(rep["metrics"]["baselines"].size(), 4u);
  EXPECT_GT(rep["customers"].get<int>(), 100);
  // Tuned on the 28 days before the window, what is shipped does not lose to the obvious
  // baseline. One hit moves MAP@12 by about 0.004 on these 247 buyers (../shared/data/README.md),
  // so the bar allows one hit: the run that set it shipped "repurchases then the model", 0.0075
  // against 0.0073 for repurchase then popular (the model alone: 0.0031).
  double best = 0;
  for (auto& [name, v] : rep["metrics"]["baselines"].items()) best = std::max(best, v["map@12"].get<double>());
  EXPECT_GE(rep["metrics"]["shipped"]["map@12"].get<double>(), best - 0.004) << rep["policy"];
}
