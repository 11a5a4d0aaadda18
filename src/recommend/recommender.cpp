#include "recommend/recommender.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"

namespace fr {

void validate(const RecommendConfig& c) {
  auto fail = [](const std::string& field, const std::string& why) {
    throw UsageError("recommend." + field + ": " + why);
  };
  if (c.k < 1 || c.k > 1000) fail("k", "must be in 1..1000");
  if (c.tower < 0 || c.repurchase < 0 || c.co_purchase < 0 || c.popular < 0)
    fail("tower", "candidate counts cannot be negative");
  if (c.popular > int64_t(AsOfData::kListLength)) fail("popular", "at most 200");
  if (c.tower + c.repurchase + c.co_purchase + c.popular < c.k)
    fail("tower", "the candidate sources together must give at least k articles");
}

Recommender::Recommender(const TrainedModel& model, const ItemIndex& index, const AsOfData& data, RecommendConfig c)
    : model_(model), index_(index), data_(data), c_(std::move(c)) {
  validate(c_);
  history_ = model.meta().at("history").get<int64_t>();
  half_life_ = model.meta().at("history_half_life").get<double>();
  if (index.size() != model.n_articles() || index.dim() != model.dim())
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
  const int64_t dim = model_.dim();
  auto art = model_.article_embeddings();
  std::vector<float> ce(articles.size() * size_t(dim)), ae(articles.size() * size_t(dim)),
      pair(articles.size() * kPairInputDim);
  float raw[PairFeaturizer::kDim];
  for (size_t i = 0; i < articles.size(); ++i) {
    std::memcpy(&ce[i * size_t(dim)], emb.data(), size_t(dim) * sizeof(float));
    std::memcpy(&ae[i * size_t(dim)], &art[size_t(articles[i]) * size_t(dim)], size_t(dim) * sizeof(float));
    data_.pairs().compute(customer, articles[i], raw);
    pair_input(raw, &pair[i * kPairInputDim]);
  }
  return model_.rank(ce, ae, pair);
}

std::vector<Recommendation> Recommender::recommend(std::span<const int32_t> customers) const {
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
  SearchResult found = index_.search(emb, c_.tower);

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
    if (c_.exclude_bought) {
      std::vector<int32_t> bought;
      for (uint32_t row : data_.purchases(cu)) bought.push_back(data_.dataset().tx_article[row]);
      std::sort(bought.begin(), bought.end());
      auto keep = [&](int32_t a) { return !std::binary_search(bought.begin(), bought.end(), a); };
      cand.filter(keep);
      std::erase_if(r.retrieval, [&](int32_t a) { return !keep(a); });
    }
    std::vector<float> p =
        score(cu, std::span<const float>(emb).subspan(q * size_t(dim), size_t(dim)), cand.articles());
    for (size_t j = 0; j < cand.size(); ++j) r.candidates.push_back({cand.articles()[j], p[j], cand.sources()[j]});
    std::stable_sort(r.candidates.begin(), r.candidates.end(),
                     [](const ScoredArticle& x, const ScoredArticle& y) { return x.score > y.score; });
  }
  return out;
}

}  // namespace fr
