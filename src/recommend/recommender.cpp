#include "recommend/recommender.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_map>

#include "core/error.h"
#include "model/candidate_features.h"
#include "recommend/policy.h"

namespace fr {

SourceCounts source_counts(const RecommendConfig& c) {
  const nlohmann::json j = c;
  SourceCounts n{};
  for (size_t s = 0; s < kSourceCount; ++s) n[s] = j.at(kSourceSettings[s]).get<int64_t>();
  return n;
}

void validate(const RecommendConfig& c) {
  check_settings(settings_table(&c), nlohmann::json(c));
  static_assert(AsOfData::kListLength == 200, "recommend.popular's and trending's ranges say 200");
  int64_t total = 0;
  for (int64_t n : source_counts(c)) total += n;
  if (total < c.k) throw UsageError("recommend.tower: the candidate sources together must give at least k articles");
}

Recommender::Recommender(const TrainedModel& model, const ItemIndex& index, const AsOfData& data, RecommendConfig c,
                         bool towers_only)
    : model_(model), index_(index), data_(data), c_(std::move(c)), counts_(source_counts(c_)) {
  validate(c_);
  history_ = model.meta().at("history").get<int64_t>();
  policy_ = model.policy();
  if (!is_policy(policy_)) throw ArtifactError("model.frc", "unknown policy '" + policy_ + "'");
  half_life_ = model.meta().at("history_half_life").get<double>();
  if (index.size() != model.n_articles() || index.dim() != model.retrieval_dim())
    throw ArtifactError("index.frc", "made for another model (" + std::to_string(index.size()) +
                                         " articles): run fashionrec index --force");
  if (model.n_articles() != data.dataset().n_articles())
    throw ArtifactError("model.frc", "made for another dataset: run fashionrec train --force");
  gbdt_ = model.ranker() == "gbdt" ? model.gbdt() : nullptr;
  if (model.ranker() == "gbdt" && !gbdt_ && !towers_only)
    throw ArtifactError("model.frc",
                        "train.ranker is gbdt but the file has no booster (train was stopped before "
                        "its fit): run fashionrec train");
}

std::vector<float> Recommender::embed(std::span<const int32_t> customers) const {
  const FeatureRows& rows = data_.customer_rows();
  CustomerInputs in;
  in.dense = int64_t(rows.dim);
  in.n_index = int64_t(rows.n_index);
  in.history = history_;
  in.resize(int64_t(customers.size()));
  for (size_t i = 0; i < customers.size(); ++i) {
    size_t cu = size_t(customers[i]);
    std::memcpy(&in.x[i * rows.dim], &rows.x[cu * rows.dim], rows.dim * sizeof(float));
    for (size_t j = 0; j < rows.n_index; ++j) in.idx[i * rows.n_index + j] = rows.idx[cu * rows.n_index + j];
    in.id[i] = int64_t(cu);
    fill_history(data_.dataset(), data_.purchases(customers[i]), data_.day(), history_, half_life_,
                 &in.hist[i * size_t(history_)], &in.hist_w[i * size_t(history_)]);
  }
  return model_.embed_customers(in);
}

std::vector<float> Recommender::score(int32_t customer, std::span<const float> emb,
                                      std::span<const int32_t> articles) const {
  if (gbdt_) {
    // Given articles, found by no source: the booster scores them from the rest of their row.
    CandidateSet s;
    s.view = customer_view(data_, customer, {}, data_.dataset().age[size_t(customer)]);
    for (int32_t a : articles) s.list.add(a, 0, -1, 0.f);  // rank -1: not found by the index (NaN)
    for (int32_t a : s.list.articles()) s.tower_score.push_back(model_.retrieval_score(emb, a));
    std::vector<float> x;
    CandidateFeatures::compute(data_, s.view, s.list, s.tower_score, x);
    std::vector<float> u = gbdt_->predict(x, s.list.size());
    std::unordered_map<int32_t, float> by;  // an article given twice gets its score twice
    for (size_t i = 0; i < u.size(); ++i) by[s.list.articles()[i]] = 1.f / (1.f + std::exp(-u[i]));
    std::vector<float> p;
    for (int32_t a : articles) p.push_back(by.at(a));
    return p;
  }
  return score(customer, {}, data_.dataset().age[size_t(customer)], emb, articles);
}

std::vector<float> Recommender::score(int32_t customer, std::span<const PairFeaturizer::SessionItem> session, float age,
                                      std::span<const float> emb, std::span<const int32_t> articles) const {
  const size_t dim = size_t(model_.dim()), n = articles.size();
  if (n == 0) return {};
  auto art = model_.article_embeddings();
  std::vector<float> ce(n * dim), ae(n * dim), pair(n * kPairInputDim), score(n);
  float raw[PairFeaturizer::kDim];
  for (size_t i = 0; i < n; ++i) {
    std::memcpy(&ce[i * dim], emb.data(), dim * sizeof(float));
    std::memcpy(&ae[i * dim], &art[size_t(articles[i]) * dim], dim * sizeof(float));
    data_.pairs().compute(customer, session, age, articles[i], raw);
    pair_input(raw, &pair[i * kPairInputDim]);
    score[i] = model_.retrieval_score(emb, articles[i]);
  }
  return model_.rank(ce, ae, pair, score);
}

void Recommender::add_tower(const SearchResult& found, size_t q, CandidateSet& out) const {
  for (int64_t j = 0; j < found.k; ++j) {
    int64_t a = found.labels[q * size_t(found.k) + size_t(j)];
    if (a < 0) continue;
    out.retrieval.push_back(int32_t(a));
    out.list.add(int32_t(a), 0, int32_t(j), 0.f);
  }
}

void Recommender::complete(CandidateSet& s, std::span<const float> emb) const {
  gather_candidates(data_, s.view, counts_, s.list);
  if (c_.exclude_bought) {
    std::vector<int32_t> bought;
    for (auto& p : s.view.purchases) bought.push_back(p.article);
    std::sort(bought.begin(), bought.end());
    auto keep = [&](int32_t a) { return !std::binary_search(bought.begin(), bought.end(), a); };
    s.list.filter(keep);
    std::erase_if(s.retrieval, [&](int32_t a) { return !keep(a); });
  }
  s.tower_score.resize(s.list.size());
  for (size_t i = 0; i < s.list.size(); ++i) s.tower_score[i] = model_.retrieval_score(emb, s.list.articles()[i]);
}

std::vector<CandidateSet> Recommender::candidates(std::span<const int32_t> customers, std::vector<float>& emb) const {
  std::vector<CandidateSet> out(customers.size());
  if (customers.empty()) return out;
  const size_t dim = size_t(model_.dim());
  emb = embed(customers);
  SearchResult found = index_.search(model_.retrieval_queries(emb, true), c_.tower);
  for (size_t q = 0; q < customers.size(); ++q) {
    const int32_t cu = customers[q];
    out[q].view = customer_view(data_, cu, {}, data_.dataset().age[size_t(cu)]);
    add_tower(found, q, out[q]);
    complete(out[q], std::span<const float>(emb).subspan(q * dim, dim));
  }
  return out;
}

void Recommender::rank(Recommendation& r, CandidateSet& s, std::span<const float> emb) const {
  r.retrieval = std::move(s.retrieval);
  std::vector<float> p;
  if (gbdt_) {
    std::vector<float> x;
    CandidateFeatures::compute(data_, s.view, s.list, s.tower_score, x);
    p = gbdt_->predict(x, s.list.size());
    for (float& v : p) v = 1.f / (1.f + std::exp(-v));  // margins to (0, 1), same order
  } else {
    std::vector<PairFeaturizer::SessionItem> items;
    for (int32_t a : s.view.session) items.push_back({a, data_.pairs().mean_price(a)});
    p = score(s.view.customer, items, s.view.age, emb, s.list.articles());
  }
  for (size_t j = 0; j < s.list.size(); ++j) r.candidates.push_back({s.list.articles()[j], p[j], s.list.sources()[j]});
  std::stable_sort(r.candidates.begin(), r.candidates.end(),
                   [](const ScoredArticle& x, const ScoredArticle& y) { return x.score > y.score; });
}

void Recommender::set_policy(std::string p) {
  if (!is_policy(p)) throw UsageError("unknown policy '" + p + "'");
  policy_ = std::move(p);
}

void Recommender::apply_policy(Recommendation& r, int32_t customer) const {
  if (policy_ == kModelPolicy) return;
  std::vector<int32_t> bought;
  if (c_.exclude_bought) {
    for (uint32_t row : data_.purchases(customer)) bought.push_back(data_.dataset().tx_article[row]);
    std::sort(bought.begin(), bought.end());
  }
  const size_t n = std::max(r.candidates.size(), size_t(c_.k));
  std::vector<int32_t> order;
  if (policy_ == kBlendPolicy) {
    std::vector<int32_t> ranked;
    for (auto& s : r.candidates) ranked.push_back(s.article);
    order = repurchase_then(data_, customer, ranked, n, bought);
  } else {
    order = baseline_ranking(data_, policy_, customer, size_t(c_.k), bought);
  }
  // The articles in the policy's order, keeping the ranker's score and sources where the
  // candidates had them.
  std::unordered_map<int32_t, size_t> at;
  for (size_t i = 0; i < r.candidates.size(); ++i) at.emplace(r.candidates[i].article, i);
  std::vector<ScoredArticle> out;
  for (int32_t a : order) {
    auto it = at.find(a);
    out.push_back(it != at.end() ? r.candidates[it->second] : ScoredArticle{a, 0.f, kSourceRepurchase});
  }
  r.candidates = std::move(out);
}

std::vector<Recommendation> Recommender::recommend(std::span<const int32_t> customers,
                                                   std::vector<float>* embeddings) const {
  std::vector<Recommendation> out(customers.size());
  std::vector<int32_t> known;
  std::vector<size_t> known_at;
  for (size_t i = 0; i < customers.size(); ++i) {
    out[i].customer = customers[i];
    if (customers[i] >= 0) {
      known.push_back(customers[i]);
      known_at.push_back(i);
      continue;
    }
    out[i].fallback = true;
    const auto& pop = data_.last_week();
    for (size_t j = 0; j < std::min(pop.size(), size_t(c_.k)); ++j)
      out[i].candidates.push_back({pop[j], 0.f, kSourcePopular});
  }
  if (known.empty()) return out;
  const size_t dim = size_t(model_.dim());
  std::vector<float> emb;
  std::vector<CandidateSet> sets = candidates(known, emb);
  for (size_t q = 0; q < known.size(); ++q) {
    Recommendation& r = out[known_at[q]];
    rank(r, sets[q], std::span<const float>(emb).subspan(q * dim, dim));
    apply_policy(r, known[q]);
  }
  if (embeddings) *embeddings = std::move(emb);
  return out;
}

Recommendation Recommender::recommend(const CustomerProfile& p) const {
  const FeatureRows& rows = data_.customer_rows();
  if (p.x.size() != rows.dim || p.idx.size() != rows.n_index)
    throw InternalError("Recommender: a profile row of the wrong width");
  const Dataset& d = data_.dataset();
  CustomerInputs in;
  in.dense = int64_t(rows.dim);
  in.n_index = int64_t(rows.n_index);
  in.history = history_;
  in.resize(1);
  std::copy(p.x.begin(), p.x.end(), in.x.begin());
  for (size_t j = 0; j < p.idx.size(); ++j) in.idx[j] = p.idx[j];
  in.id[0] = p.customer;  // a new customer (-1) shares one id bucket with every other new one
  // History slots: the session, newest first, bought "today" (weight 1), then the data's.
  std::vector<int64_t> ids(size_t(history_), -1);
  std::vector<float> w(size_t(history_), 0.f);
  size_t k = 0;
  for (auto it = p.session.rbegin(); it != p.session.rend() && k < size_t(history_); ++it, ++k)
    ids[k] = *it, w[k] = 1.f;
  if (p.customer >= 0 && k < size_t(history_)) {
    std::vector<int64_t> more(static_cast<size_t>(history_));
    std::vector<float> mw(static_cast<size_t>(history_));
    fill_history(d, data_.purchases(p.customer), data_.day(), history_, half_life_, more.data(), mw.data());
    for (size_t j = 0; k < size_t(history_); ++j, ++k) ids[k] = more[j], w[k] = mw[j];
  }
  std::copy(ids.begin(), ids.end(), in.hist.begin());
  std::copy(w.begin(), w.end(), in.hist_w.begin());
  std::vector<float> emb = model_.embed_customers(in);

  Recommendation r;
  r.customer = p.customer;
  CandidateSet set;
  set.view = customer_view(data_, p.customer, p.session, p.age);
  add_tower(index_.search(model_.retrieval_queries(emb, true), c_.tower), 0, set);
  complete(set, emb);
  rank(r, set, emb);
  return r;
}

}  // namespace fr
