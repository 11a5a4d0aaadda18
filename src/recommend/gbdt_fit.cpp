#include "recommend/gbdt_fit.h"

#include <algorithm>
#include <chrono>
#include <random>

#include "core/artifact.h"
#include "core/error.h"
#include "core/log.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "data/dataset.h"
#include "data/parse.h"
#include "features/features_stage.h"
#include "features/raw_features.h"
#include "features/split.h"
#include "features/transform.h"
#include "model/candidate_features.h"
#include "model/gbdt_booster.h"
#include "model/trained_model.h"
#include "model/trainer.h"
#include "recommend/index_stage.h"
#include "recommend/item_index.h"
#include "recommend/recommender.h"

namespace fr {

namespace {

struct WeekRows {
  GbdtData data;
  int64_t buyers = 0, purchases = 0, found = 0, customers = 0;
};

/// The labelled candidates of one week's buyers (a sample of at most c.rank_customers).
WeekRows week_rows(const Workspace& ws, const Dataset& d, const TrainedModel& model, const ItemIndex& index,
                   const FeatureTransform& ct, const TrainConfig& c, const RecommendConfig& rc, int32_t day,
                   int threads) {
  const Split week{day, day + 6};
  const FeatureRows rows = computed_rows(customer_features(d, week, threads), ct, threads);  // outlives data
  AsOfData data(d, week, rows, threads);
  data.load_pictures(ws, threads);
  Recommender rec(model, index, data, rc, true);
  ValidationTruth truth = validation_truth(d, week);
  std::vector<size_t> pick(truth.customers.size());
  for (size_t i = 0; i < pick.size(); ++i) pick[i] = i;
  if (c.rank_customers > 0 && pick.size() > size_t(c.rank_customers)) {
    std::mt19937_64 rng(uint64_t(c.seed) * 31 + uint64_t(day));
    std::shuffle(pick.begin(), pick.end(), rng);
    pick.resize(size_t(c.rank_customers));
    std::sort(pick.begin(), pick.end());
  }
  WeekRows out;
  out.data.dim = CandidateFeatures::dim();
  out.buyers = int64_t(truth.customers.size());
  Progress prog("gbdt labels as of " + format_date(day), pick.size(), "customers");
  std::vector<float> emb;
  for (size_t from = 0; from < pick.size(); from += 512) {
    const size_t to = std::min(pick.size(), from + 512);
    std::vector<int32_t> cs;
    for (size_t i = from; i < to; ++i) cs.push_back(truth.customers[pick[i]]);
    std::vector<CandidateSet> sets = rec.candidates(cs, emb);
    for (size_t i = from; i < to; ++i) {
      CandidateSet& s = sets[i - from];
      auto bought = truth.of(pick[i]);
      size_t hits = 0;
      std::vector<float> label(s.list.size());
      for (size_t j = 0; j < s.list.size(); ++j)
        if (std::binary_search(bought.begin(), bought.end(), s.list.articles()[j])) label[j] = 1, ++hits;
      out.purchases += int64_t(bought.size());
      out.found += int64_t(hits);
      if (hits == 0) continue;
      CandidateFeatures::compute(data, s.view, s.list, s.tower_score, out.data.x);
      out.data.label.insert(out.data.label.end(), label.begin(), label.end());
      out.data.groups.push_back(uint32_t(s.list.size()));
      ++out.customers;
    }
    prog.add(to - from);
  }
  prog.finish();
  return out;
}

void append(GbdtData& to, const GbdtData& from) {
  to.dim = from.dim;
  to.x.insert(to.x.end(), from.x.begin(), from.x.end());
  to.label.insert(to.label.end(), from.label.begin(), from.label.end());
  to.groups.insert(to.groups.end(), from.groups.begin(), from.groups.end());
}

}  // namespace

int32_t gbdt_first_label_day(int32_t val_start, const TrainConfig& c) { return val_start - int32_t(7 * c.rank_weeks); }

bool needs_gbdt_fit(const Workspace& ws, const TrainConfig& c) {
  if (c.ranker != "gbdt" || ws.entry(kModelArtifact).is_null()) return false;
  return !Artifact::open(ws.path(kModelFile), kModelArtifact, kModelVersion, false).has(kGbdtSection);
}

nlohmann::json fit_gbdt_ranker(const Workspace& ws, const Workspace& towers, const TrainConfig& c,
                               const RecommendConfig& rc, int threads, bool force) {
  if (c.ranker != "gbdt") return {{"skipped", "train.ranker is " + c.ranker}};
  threads = resolve_threads(threads);
  const std::string path = ws.path(kModelFile);
  nlohmann::json entry = ws.entry(kModelArtifact);
  if (entry.is_null()) throw ArtifactError(path, "not recorded in the manifest: run fashionrec train");
  {
    auto a = Artifact::open(path, kModelArtifact, kModelVersion, true, threads);
    if (a.has(kGbdtSection) && !force) return {{"skipped", "model.frc has its GBDT ranker"}};
  }
  auto t0 = std::chrono::steady_clock::now();
  Dataset d = Dataset::load(ws.path(kDatasetFile));
  Split split = load_split(ws);
  TrainedModel model = TrainedModel::load(towers.path(kModelFile), threads);
  if (model.meta().value("as_of_day", INT32_MAX) > gbdt_first_label_day(split.val_start, c))
    throw InternalError("the GBDT's label towers were trained on its label weeks");
  if (model.n_articles() != d.n_articles())
    throw ArtifactError(towers.path(kModelFile), "made for another dataset: run fashionrec train --force");
  ItemIndex index = ItemIndex::build("Flat", model.retrieval_articles(), model.retrieval_dim());
  Artifact features = Artifact::open(towers.path(kFeaturesFile), kFeaturesArtifact, kFeaturesVersion, false);
  auto ct = FeatureTransform::from_json(features.meta().at("customer_transform"));

  // Week 1 (the last before the validation window) stops the boosting; the others train.
  GbdtData train, valid;
  nlohmann::json weeks = nlohmann::json::array();
  for (int64_t w = 1; w <= c.rank_weeks; ++w) {
    const int32_t day = split.val_start - int32_t(7 * w);
    WeekRows r = week_rows(ws, d, model, index, ct, c, rc, day, threads);
    weeks.push_back({{"from", format_date(day)},
                     {"buyers", r.buyers},
                     {"customers", r.customers},
                     {"rows", r.data.rows()},
                     {"candidate_recall", r.purchases ? double(r.found) / double(r.purchases) : 0.0}});
    spdlog::info("gbdt: week of {}: {} groups, {} rows, the candidates hold {:.1f} % of the purchases",
                 format_date(day), r.customers, r.data.rows(),
                 r.purchases ? 100.0 * double(r.found) / double(r.purchases) : 0.0);
    append(w == 1 && c.rank_weeks > 1 ? valid : train, r.data);
  }
  if (train.groups.empty())
    throw DataError(SourceLocation{path}, "the GBDT ranker found no buyer whose candidates hold a purchase in the " +
                                              std::to_string(c.rank_weeks) + " weeks before the validation window");
  GbdtParams p;
  p.rounds = c.gbdt_rounds;
  p.max_depth = c.gbdt_depth;
  p.objective = c.gbdt_objective;
  p.eta = c.gbdt_eta;
  p.seed = uint64_t(c.seed);
  p.threads = threads;
  const auto& names = CandidateFeatures::names();
  Progress prog("gbdt boosting", uint64_t(p.rounds), "rounds");
  auto tick = [&](int64_t r, double ndcg) {
    prog.set(uint64_t(r + 1));
    if (!std::isnan(ndcg)) prog.set_note(fmt::format("valid NDCG@12 {:.4f}", ndcg));
  };
  GbdtBooster booster = GbdtBooster::train(train, valid, names, p, tick);
  prog.finish();
  std::vector<double> curve = booster.curve();
  if (!valid.groups.empty()) {
    // Refit on every week with the best round count.
    append(train, valid);
    p.rounds = booster.rounds();
    booster = GbdtBooster::train(train, GbdtData{}, names, p);
  }
  auto importance = booster.importance();
  std::sort(importance.begin(), importance.end(), [](auto& x, auto& y) { return x.second > y.second; });
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  nlohmann::json summary = {
      {"rounds", booster.rounds()}, {"weeks", weeks},           {"rows", train.rows()}, {"features", names},
      {"valid_ndcg@12", curve},     {"importance", importance}, {"seconds", secs}};

  // model.frc again, with the booster: every section copied, the booster added.
  std::vector<uint8_t> bytes = booster.save();
  {
    Artifact old = Artifact::open(path, kModelArtifact, kModelVersion, false);
    nlohmann::json meta = old.meta();
    meta["gbdt"] = summary;
    ArtifactWriter wr(path, kModelArtifact, kModelVersion);
    for (const std::string& name : old.section_names()) {
      if (name == kGbdtSection) continue;
      auto [type, raw] = old.raw_section(name);
      wr.add_raw(name, type, std::span(&raw, 1));
    }
    wr.add(kGbdtSection, bytes);
    wr.set_meta(meta);
    uint64_t sum = wr.commit(threads);
    ws.record(kModelArtifact, kModelFile, kModelArtifact, kModelVersion, sum, entry.at("config"), entry.at("inputs"));
  }
  spdlog::info("gbdt: {} rounds on {} rows in {:.1f} s", booster.rounds(), train.rows(), secs);
  return summary;
}

}  // namespace fr
