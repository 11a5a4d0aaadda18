#include "recommend/evaluate_stage.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <unordered_map>

#include "core/artifact.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "data/dataset.h"
#include "data/ingest.h"
#include "data/parse.h"
#include "eval/metric_table.h"
#include "eval/metrics.h"
#include "features/split.h"
#include "model/trainer.h"
#include "recommend/index_stage.h"
#include "recommend/policy.h"
#include "recommend/recommender.h"
#include "recommend/report.h"

namespace fr {

namespace {

std::string now_run_name() {
  std::time_t t = std::time(nullptr);
  char b[32];
  std::strftime(b, sizeof b, "%Y%m%d-%H%M%S", std::gmtime(&t));
  return b;
}

/// The oracle's ranking per dense customer id, from the generator's truth file.
std::unordered_map<int32_t, std::vector<int32_t>> load_oracle(const std::string& path, const Dataset& d, size_t keep) {
  Artifact t = Artifact::open(path, "synth-truth", 1);
  auto ids = t.strings("customer_id");
  auto off = t.column<uint64_t>("offsets");
  auto art = t.column<int64_t>("article_id");
  std::unordered_map<int32_t, std::vector<int32_t>> out;
  for (size_t i = 0; i < ids.size(); ++i) {
    auto c = d.find_customer(ids[i]);
    if (!c) continue;
    auto& r = out[*c];
    for (uint64_t k = off[i]; k < off[i + 1] && r.size() < keep; ++k)
      if (auto a = d.find_article(art[k])) r.push_back(*a);
  }
  return out;
}

struct Tables {
  MetricTable model, blend, retrieval, oracle, sampled;
  std::vector<MetricTable> baselines;
  std::vector<double> source_recall;  // [all, tower, repurchase, co-purchase, popular]
  double candidates = 0;
  Tables(const std::vector<int64_t>& ks, size_t na)
      : model(ks, na),
        blend(ks, na),
        retrieval(ks, na),
        oracle(ks, na),
        sampled({10}, na),
        source_recall(1 + kSourceNames.size()) {
    for (size_t i = 0; i < kBaselineNames.size(); ++i) baselines.emplace_back(ks, na);
  }
  void merge(const Tables& o) {
    model.merge(o.model), blend.merge(o.blend), retrieval.merge(o.retrieval), oracle.merge(o.oracle),
        sampled.merge(o.sampled);
    for (size_t i = 0; i < baselines.size(); ++i) baselines[i].merge(o.baselines[i]);
    for (size_t i = 0; i < source_recall.size(); ++i) source_recall[i] += o.source_recall[i];
    candidates += o.candidates;
  }
};

}  // namespace

std::string find_truth_file(const Workspace& ws) {
  std::string dir = ingested_folder(ws);
  if (dir.empty()) return "";
  std::string truth = dir + "/truth/truth.frc";
  return std::filesystem::exists(truth) ? truth : "";
}

nlohmann::json run_evaluate(const Workspace& ws, const EvaluateConfig& c, const RecommendConfig& rc, int threads) {
  if (c.ks.empty()) throw UsageError("evaluate.ks: give at least one K");
  for (int64_t k : c.ks)
    if (k < 1 || k > 1000) throw UsageError("evaluate.ks: each K must be in 1..1000");
  if (c.sampled_negatives < 1) throw UsageError("evaluate.sampled_negatives: must be at least 1");
  threads = resolve_threads(threads);
  Dataset d = Dataset::load(ws.path(kDatasetFile));
  ValidationTruth vt;
  Split split = load_split(ws, &vt);
  TrainedModel model = TrainedModel::load(ws.path(kModelFile));
  if (model.meta().value("as_of_day", -1) != split.val_start)
    throw ArtifactError(ws.path(kModelFile), "trained for another split: run fashionrec train");
  ItemIndex index = load_or_build_index(ws, model, rc.index_params);
  AsOfData data(ws, d, split, AsOfData::When::kValidation, threads);
  Recommender rec(model, index, data, rc);
  rec.set_policy(kModelPolicy);  // the ranker's own order; the shipped policy is scored beside it

  std::string truth_path = c.truth.empty() ? find_truth_file(ws) : c.truth;
  // Every ranking is at least 12 long: MAP@12 is always reported.
  const size_t max_k = std::max<size_t>(12, size_t(*std::max_element(c.ks.begin(), c.ks.end())));
  std::unordered_map<int32_t, std::vector<int32_t>> oracle;
  // Extra entries so that the oracle keeps max_k after --exclude-bought drops some.
  if (!truth_path.empty()) oracle = load_oracle(truth_path, d, max_k + 100);

  std::vector<uint32_t> picked;
  const size_t nv = vt.customers.size();
  if (nv == 0) throw DataError("the validation window has no purchases to evaluate");
  size_t want = c.customers > 0 ? std::min(nv, size_t(c.customers)) : nv;
  for (size_t k = 0; k < want; ++k) picked.push_back(uint32_t(k * nv / want));

  const size_t na = size_t(d.n_articles()), batch = 256;
  const size_t n_batches = (picked.size() + batch - 1) / batch;
  std::vector<Tables> per(n_batches, Tables(c.ks, na));
  TrainedModel::set_compute_threads(1);  // batches run on every core instead
  Progress progress("evaluate", picked.size(), "customers");
  parallel_for(n_batches, threads, [&](size_t b) {
    Tables& t = per[b];
    std::vector<int32_t> cust;
    for (size_t i = b * batch; i < std::min(picked.size(), (b + 1) * batch); ++i)
      cust.push_back(vt.customers[picked[i]]);
    std::vector<float> emb;  // every evaluated customer is known: one row each, in order
    auto recs = rec.recommend(cust, &emb);
    const size_t dim = size_t(model.dim());
    for (size_t q = 0; q < cust.size(); ++q) {
      const int32_t cu = cust[q];
      auto truth = vt.of(picked[b * batch + q]);
      std::vector<int32_t> bought;
      if (rc.exclude_bought) {
        for (uint32_t row : data.purchases(cu)) bought.push_back(d.tx_article[row]);
        std::sort(bought.begin(), bought.end());
      }
      const Recommendation& r = recs[q];
      std::vector<int32_t> ranked;
      for (auto& s : r.candidates) ranked.push_back(s.article);
      t.model.add(ranked, truth);
      t.blend.add(repurchase_then(data, cu, ranked, max_k, bought), truth);
      t.retrieval.add(r.retrieval, truth);
      // Candidate recall, overall and by source.
      std::vector<int32_t> by_source[1 + kSourceNames.size()];
      for (auto& s : r.candidates) {
        by_source[0].push_back(s.article);
        for (size_t k = 0; k < kSourceNames.size(); ++k)
          if (s.sources & (1u << k)) by_source[1 + k].push_back(s.article);
      }
      for (size_t k = 0; k < std::size(by_source); ++k)
        t.source_recall[k] += recall_at_k(by_source[k], truth, by_source[k].size());
      t.candidates += double(r.candidates.size());
      for (size_t k = 0; k < kBaselineNames.size(); ++k)
        t.baselines[k].add(baseline_ranking(data, kBaselineNames[k], cu, max_k, bought), truth);
      if (!oracle.empty()) {
        auto it = oracle.find(cu);
        if (it != oracle.end()) {
          std::vector<int32_t> o;
          append_ranking(o, it->second, max_k, bought);
          t.oracle.add(o, truth);
        }
      }
      // The sampled protocol: the purchases against random negatives.
      std::mt19937_64 rng(uint64_t(c.seed) * 1000003u + uint64_t(cu));
      std::vector<int32_t> arts(truth.begin(), truth.end());
      for (size_t n = 0; n < truth.size() * size_t(c.sampled_negatives); ++n) {
        int32_t a = int32_t(rng() % na);
        if (!std::binary_search(truth.begin(), truth.end(), a)) arts.push_back(a);
      }
      auto p = rec.score(cu, std::span<const float>(emb).subspan(q * dim, dim), arts);
      std::vector<size_t> order(arts.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return p[x] > p[y]; });
      std::vector<int32_t> sampled;
      for (size_t i : order) sampled.push_back(arts[i]);
      t.sampled.add(sampled, truth);
    }
    progress.add(cust.size());
  });
  progress.finish();
  Tables all(c.ks, na);
  for (auto& t : per) all.merge(t);

  const double n = double(all.model.customers());
  nlohmann::json report;
  report["run"] = c.run.empty() ? now_run_name() : c.run;
  report["window"] = {{"first_day", format_date(split.val_start)}, {"last_day", format_date(split.val_end)}};
  report["customers"] = all.model.customers();
  report["validation_buyers"] = nv;
  report["articles"] = na;
  report["exclude_bought"] = rc.exclude_bought;
  report["config"] = {{"evaluate", c}, {"recommend", rc}};
  nlohmann::json& m = report["metrics"];
  m["model"] = all.model.result();
  m["retrieval"] = all.retrieval.result();
  m["repurchase_then_model"] = all.blend.result();
  for (size_t k = 0; k < kBaselineNames.size(); ++k) m["baselines"][kBaselineNames[k]] = all.baselines[k].result();
  if (!oracle.empty()) {
    m["oracle"] = all.oracle.result();
    report["truth_file"] = truth_path;
  }
  report["candidates"]["mean_count"] = all.candidates / n;
  report["candidates"]["recall"]["all"] = all.source_recall[0] / n;
  for (size_t k = 0; k < kSourceNames.size(); ++k)
    report["candidates"]["recall"][kSourceNames[k]] = all.source_recall[1 + k] / n;
  report["ranker"] = {{"kind", model.ranker()}};
  if (model.meta().contains("gbdt")) {
    const auto& g = model.meta()["gbdt"];
    report["ranker"]["gbdt"] = {{"rounds", g["rounds"]},
                                {"rows", g["rows"]},
                                {"weeks", g["weeks"]},
                                {"importance", g["importance"]},
                                {"seconds", g["seconds"]}};
  }
  report["sampled"] = {{"negatives_per_positive", c.sampled_negatives},
                       {"note", "each purchase against random negatives; not comparable with full-catalogue figures"},
                       {"model", all.sampled.result()}};
  report["sampled"]["model"].erase("coverage@10");

  // The headline comparisons.
  double best = 0;
  std::string best_name;
  for (auto& [name, v] : m["baselines"].items())
    if (v["map@12"].get<double>() > best) best = v["map@12"], best_name = name;
  double model_map = m["model"]["map@12"];
  // What recommend and serve ship (train.policy, chosen by tune on the inner window).
  const std::string policy = model.policy();
  const nlohmann::json& shipped = policy == kModelPolicy   ? m["model"]
                                  : policy == kBlendPolicy ? m["repurchase_then_model"]
                                                           : m["baselines"][policy];
  const double shipped_map = shipped["map@12"];
  report["policy"] = policy;
  m["shipped"] = shipped;
  nlohmann::json summary = nlohmann::json::array();
  char line[512];
  if (policy != kModelPolicy) {
    std::snprintf(line, sizeof line,
                  "Shipped: %s, not the model's own ranking: it beat the model on the inner window before this one "
                  "(tune.json). Here it scores MAP@12 %.4f, the model alone %.4f.",
                  policy.c_str(), shipped_map, model_map);
    summary.push_back(line);
  }
  std::snprintf(line, sizeof line, "MAP@12: shipped (%s) %.4f, best baseline (%s) %.4f: %+.1f %%", policy.c_str(),
                shipped_map, best_name.c_str(), best, best > 0 ? 100.0 * (shipped_map / best - 1) : 0.0);
  summary.push_back(line);
  if (shipped_map < best) {
    std::snprintf(line, sizeof line, "Warning: on this window the shipped ranking is below %s.", best_name.c_str());
    summary.push_back(line);
  }
  report["best_baseline"] = best_name;
  report["model_vs_best_baseline_map@12"] = best > 0 ? model_map / best : 0.0;
  report["shipped_vs_best_baseline_map@12"] = best > 0 ? shipped_map / best : 0.0;
  if (!oracle.empty()) {
    double om = m["oracle"]["map@12"];
    report["share_of_oracle_map@12"] = om > 0 ? shipped_map / om : 0.0;
    std::snprintf(
        line, sizeof line,
        "The shipped ranking reaches %.1f %% of the oracle's MAP@12 (%.4f); the oracle covers %lld customers.",
        om > 0 ? 100.0 * shipped_map / om : 0.0, om, (long long)all.oracle.customers());
    summary.push_back(line);
  }
  report["summary"] = summary;

  // The search that chose the settings and the policy, when there was one (tune.json).
  if (std::filesystem::exists(ws.path("tune.json"))) {
    try {
      std::ifstream f(ws.path("tune.json"));
      auto t = nlohmann::json::parse(f);
      report["tune"] = {{"summary", t["summary"]}, {"inner_window", t["inner_window"]},
                        {"trials", t["trials"]},   {"baselines", t["baselines"]},
                        {"choice", t["choice"]},   {"elapsed_s", t["elapsed_s"]}};
    } catch (const nlohmann::json::exception& e) {
      spdlog::warn("evaluate: {} is unreadable ({}): the report has no tuning section", ws.path("tune.json"), e.what());
    }
  }
  std::string dir = ws.path("reports/" + report["run"].get<std::string>());
  nlohmann::json curves = model.meta().value("curves", nlohmann::json::array());
  if (curves.is_object()) curves = curves.value("epochs", nlohmann::json::array());
  if (curves.empty() && std::filesystem::exists(ws.path(kCurvesFile))) {
    std::ifstream f(ws.path(kCurvesFile));
    curves = nlohmann::json::parse(f).value("epochs", nlohmann::json::array());
  }
  report["report"] = write_report(dir, report, curves);
  return report;
}

std::string metrics_table(const nlohmann::json& r) {
  std::ostringstream o;
  const auto& m = r["metrics"];
  // The columns at K = 12 when it was asked for, else at the first K.
  auto ks = r["config"]["evaluate"]["ks"].get<std::vector<int64_t>>();
  std::string k = "@";
  k += std::to_string(std::find(ks.begin(), ks.end(), 12) != ks.end() ? 12 : ks.at(0));
  char b[256];
  std::snprintf(b, sizeof b, "%-28s %8s %8s %8s %8s %8s\n", "ranking", "MAP@12", ("P" + k).c_str(), ("R" + k).c_str(),
                ("NDCG" + k).c_str(), ("HR" + k).c_str());
  o << b;
  auto row = [&](const std::string& name, const nlohmann::json& v) {
    std::snprintf(b, sizeof b, "%-28s %8.4f %8.4f %8.4f %8.4f %8.4f\n", name.c_str(), v.value("map@12", 0.0),
                  v.value("precision" + k, 0.0), v.value("recall" + k, 0.0), v.value("ndcg" + k, 0.0),
                  v.value("hitrate" + k, 0.0));
    o << b;
  };
  if (m.contains("oracle")) row("oracle", m["oracle"]);
  row("model", m["model"]);
  if (m.contains("repurchase_then_model")) row("repurchase_then_model", m["repurchase_then_model"]);
  row("retrieval only", m["retrieval"]);
  for (auto& [name, v] : m["baselines"].items()) row(name, v);
  for (auto& s : r["summary"]) o << s.get<std::string>() << "\n";
  return o.str();
}

}  // namespace fr
