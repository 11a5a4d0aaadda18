#include "recommend/recommender.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "core/error.h"
#include "recommend/policy.h"

namespace fr {

void validate(const RecommendConfig& c) {
  check_settings(settings_table(&c), nlohmann::json(c));
  static_assert(AsOfData::kListLength == 200, "recommend.popular's range says 200");
  if (c.tower + c.repurchase + c.co_purchase + c.popular < c.k)
    throw UsageError("recommend.tower: the candidate sources together must give at least k articles");
}

Recommender::Recommender(const TrainedModel& model, const ItemIndex& index, const AsOfData& data, RecommendConfig c)
    : model_(model), index_(index), data_(data), c_(std::move(c)) {
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

void Recommender::finish(Recommendation& r, CandidateList& cand, int32_t customer, std::span<const int32_t> session,
                         float age, std::span<const float> emb) const {
  if (c_.exclude_bought) {
    std::vector<int32_t> bought(session.begin(), session.end());
    if (customer >= 0)
      for (uint32_t row : data_.purchases(customer)) bought.push_back(data_.dataset().tx_article[row]);
    std::sort(bought.begin(), bought.end());
    auto keep = [&](int32_t a) { return !std::binary_search(bought.begin(), bought.end(), a); };
    cand.filter(keep);
    std::erase_if(r.retrieval, [&](int32_t a) { return !keep(a); });
  }
  std::vector<PairFeaturizer::SessionItem> items;
  for (int32_t a : session) items.push_back({a, data_.pairs().mean_price(a)});
  std::vector<float> p = score(customer, items, age, emb, cand.articles());
  for (size_t j = 0; j < cand.size(); ++j) r.candidates.push_back({cand.articles()[j], p[j], cand.sources()[j]});
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
  const int64_t dim = model_.dim();
  std::vector<float> emb = embed(known);
  SearchResult found = index_.search(model_.retrieval_queries(emb, true), c_.tower);

  for (size_t q = 0; q < known.size(); ++q) {
    Recommendation& r = out[known_at[q]];
    const int32_t cu = known[q];
    CandidateList cand;
    for (int64_t j = 0; j < found.k; ++j) {
      int64_t a = found.labels[size_t(int64_t(q) * found.k + j)];
      if (a < 0) continue;
      r.retrieval.push_back(int32_t(a));
      cand.add(int32_t(a), kSourceTower);
    }
    add_source_candidates(data_, cu, {c_.repurchase, c_.co_purchase, c_.popular}, cand);
    finish(r, cand, cu, {}, data_.dataset().age[size_t(cu)],
           std::span<const float>(emb).subspan(q * size_t(dim), size_t(dim)));
    apply_policy(r, cu);
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
  CandidateList cand;
  SearchResult found = index_.search(model_.retrieval_queries(emb, true), c_.tower);
  for (int64_t a : found.labels)
    if (a >= 0) r.retrieval.push_back(int32_t(a)), cand.add(int32_t(a), kSourceTower);
  std::vector<int32_t> recent;
  for (auto it = p.session.rbegin(); it != p.session.rend() && recent.size() < 5; ++it)
    if (std::find(recent.begin(), recent.end(), *it) == recent.end()) recent.push_back(*it);
  for (int32_t a : recent) cand.add(a, kSourceRepurchase);
  if (p.customer >= 0) {
    add_source_candidates(data_, p.customer, {c_.repurchase, c_.co_purchase, c_.popular}, cand);
  } else {
    for (size_t rank = 0; rank < 3; ++rank)
      for (int32_t a : recent)
        if (auto list = data_.co_bought(a); rank < list.size()) cand.add(list[rank], kSourceCoPurchase);
    const auto& pop = data_.age_popular_for(p.age);
    for (size_t j = 0; j < std::min(pop.size(), size_t(c_.popular)); ++j) cand.add(pop[j], kSourcePopular);
  }
  finish(r, cand, p.customer, p.session, p.age, emb);
  return r;
}

}  // namespace fr
