#pragma once
// Recommender: two-stage recommendations for customers as of an AsOfData's day.
//   1. Candidates from four sources, each remembered per candidate (a bit mask):
//      the towers (the customer embedding's top `tower` articles in the index), repurchase
//      (the customer's past articles, time-decayed), co-purchase (bought on the same day as
//      the customer's last 5 distinct articles) and popular (last week's best sellers in the
//      customer's age bucket).
//   2. The ranker scores the union (customer embedding, article embedding, pair features).
//   3. Candidates are returned best first; the first k are the recommendation.
// A customer with no purchases gets the tower from their metadata and age-bucket popularity; an
// unknown customer (-1) gets last week's best sellers, unranked.
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
  /// The references must outlive the Recommender.
  Recommender(const TrainedModel& model, const ItemIndex& index, const AsOfData& data, RecommendConfig c);
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
  /// Customer embeddings [n, dim] as of the data's day (known customers only).
  std::vector<float> embed(std::span<const int32_t> customers) const;
  /// Ranker probabilities of articles for one known customer with embedding emb [dim].
  std::vector<float> score(int32_t customer, std::span<const float> emb, std::span<const int32_t> articles) const;
  /// The same with session purchases and an age (customer -1: no purchases in the data).
  std::vector<float> score(int32_t customer, std::span<const PairFeaturizer::SessionItem> session, float age,
                           std::span<const float> emb, std::span<const int32_t> articles) const;

 private:
  /// Drops bought articles (with exclude_bought), scores the candidates, sorts them into r.
  void finish(Recommendation& r, CandidateList& cand, int32_t customer, std::span<const int32_t> session, float age,
              std::span<const float> emb) const;
  /// Reorders r by the model's policy (recommend/policy.h); "model" leaves it as ranked.
  void apply_policy(Recommendation& r, int32_t customer) const;
  const TrainedModel& model_;
  const ItemIndex& index_;
  const AsOfData& data_;
  RecommendConfig c_;
  int64_t history_ = 0;
  double half_life_ = 30;
  std::string policy_ = "model";
};

}  // namespace fr
