#pragma once
// Recommender: two-stage recommendations for customers as of an AsOfData's day.
//   1. Candidates (model/candidates.h): the towers (the customer embedding's top `tower`
//      articles in the index), then every registered source with its [recommend] count, each
//      remembered per candidate (bit mask, rank, score). Known customers, sessions POSTed to the
//      server and customers with no history all go through the same sources.
//   2. The ranker scores them: the gradient-boosted one over CandidateFeatures rows
//      (train.ranker = gbdt), or the neural one (customer embedding, article embedding, pair
//      features, retrieval score).
//   3. Candidates are returned best first; the first k are the recommendation.
// An unknown customer (-1) gets last week's best sellers, unranked.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "model/as_of_data.h"
#include "model/candidates.h"
#include "model/trained_model.h"
#include "recommend/item_index.h"
#include "recommend/recommend_config.h"

namespace fr {

struct ScoredArticle {
  int32_t article = 0;  ///< dense article id
  float score = 0;      ///< ranker probability (0 for the unknown-customer fallback)
  uint8_t sources = 0;  ///< Source bits
};

struct Recommendation {
  int32_t customer = -1;                  ///< dense id, -1 = unknown
  std::vector<ScoredArticle> candidates;  ///< every candidate, best first
  std::vector<int32_t> retrieval;         ///< the tower's candidates in index order
  bool fallback = false;                  ///< unknown customer: popularity only
};

/// One customer's candidates before ranking.
struct CandidateSet {
  CustomerView view;
  CandidateList list;
  std::vector<float> tower_score;  ///< [list.size()] the towers' score of each candidate
  std::vector<int32_t> retrieval;  ///< the towers' candidates in index order
};

/// The candidate count of each source (by source index) from [recommend].
SourceCounts source_counts(const RecommendConfig& c);

/// A customer described by a request rather than (only) by the data (POST /v1/recommendations).
struct CustomerProfile {
  int32_t customer = -1;         ///< dense id when known (their purchases count too), else -1
  float age = 0;                 ///< NaN = unknown
  std::vector<float> x;          ///< the customer's feature row [dense]
  std::vector<int32_t> idx;      ///< its embedding indexes [n_index]
  std::vector<int32_t> session;  ///< purchases in no data set yet, oldest first, on the as-of day
};

class Recommender {
 public:
  /// The references must outlive the Recommender. towers_only: a model whose GBDT ranker is
  /// not fitted yet is accepted, for candidates() only (the fit itself).
  Recommender(const TrainedModel& model, const ItemIndex& index, const AsOfData& data, RecommendConfig c,
              bool towers_only = false);
  const RecommendConfig& config() const { return c_; }
  const AsOfData& data() const { return data_; }
  const TrainedModel& model() const { return model_; }
  /// The policy shipped (recommend/policy.h); model.frc's by default. evaluate sets "model" to
  /// score the ranker's own order and scores the other policies itself.
  const std::string& policy() const { return policy_; }
  void set_policy(std::string p);

  /// One Recommendation per customer, in order. Thread-safe; a call embeds its customers in
  /// one batch, so callers pass a few hundred at a time.
  /// embeddings, when given, receives the known customers' embeddings [n_known, dim] in order.
  std::vector<Recommendation> recommend(std::span<const int32_t> customers,
                                        std::vector<float>* embeddings = nullptr) const;
  /// One described customer: the tower on the given row and the session (newest first) then the
  /// customer's purchases; session articles join the repurchase and co-purchase sources and the
  /// pair features.
  Recommendation recommend(const CustomerProfile& p) const;
  /// Known customers' candidates, unranked; emb receives their embeddings [n, dim].
  std::vector<CandidateSet> candidates(std::span<const int32_t> customers, std::vector<float>& emb) const;
  /// Customer embeddings [n, dim] as of the data's day (known customers only).
  std::vector<float> embed(std::span<const int32_t> customers) const;
  /// Ranker probabilities of articles for one known customer with embedding emb [dim] (the
  /// GBDT's when the model has one: the articles' rows then carry no source ranks).
  std::vector<float> score(int32_t customer, std::span<const float> emb, std::span<const int32_t> articles) const;
  /// The same with session purchases and an age (customer -1: no purchases in the data).
  std::vector<float> score(int32_t customer, std::span<const PairFeaturizer::SessionItem> session, float age,
                           std::span<const float> emb, std::span<const int32_t> articles) const;

 private:
  void add_tower(const SearchResult& found, size_t q, CandidateSet& out) const;
  /// The registered sources, exclude_bought, and the tower score of every candidate.
  void complete(CandidateSet& s, std::span<const float> emb) const;
  /// Scores s's candidates into r, best first.
  void rank(Recommendation& r, CandidateSet& s, std::span<const float> emb) const;
  /// Reorders r by the model's policy (recommend/policy.h); "model" leaves it as ranked.
  void apply_policy(Recommendation& r, int32_t customer) const;
  const TrainedModel& model_;
  const ItemIndex& index_;
  const AsOfData& data_;
  RecommendConfig c_;
  SourceCounts counts_;
  const GbdtBooster* gbdt_ = nullptr;
  int64_t history_ = 0;
  double half_life_ = 30;
  std::string policy_ = "model";
};

}  // namespace fr
