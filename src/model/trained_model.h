#pragma once
// TrainedModel: the exported model (model.frc), loaded without retraining by evaluate,
// recommend and serve. No torch in this header.
//
// model.frc sections: "article_embeddings" [n_articles, dim] f32 (L2-normalised, from the
// article features as of the first validation day), "retrieval_articles" [n_articles, dim + 1]
// f32 (each embedding, then temperature * its popularity term as of that day, 0 without one:
// towers.h), "weights" u8 (libtorch archive of the customer tower with its history table,
// the article tower and the ranker).
// The retrieval score of a customer embedding q is [q, 1] . retrieval_articles[a], which is
// temperature * (q . a / temperature + popularity(a)): an inner-product index over
// retrieval_articles finds the retrieval model's own top candidates, and [a, 0] queries give
// the plain similarity of articles. meta: "shape" (ModelShape), "train" (its
// TrainConfig), "as_of_day", "history", "history_half_life", the feature transforms and
// column names, and the training curves.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "model/gbdt_booster.h"
#include "model/inputs.h"

namespace fr {

/// model.frc's section with the gradient-boosted ranker (train.ranker = gbdt): XGBoost model
/// bytes (gbdt_booster.h) over CandidateFeatures rows; meta "gbdt" holds its fit's figures.
inline constexpr const char* kGbdtSection = "ranker.gbdt";

class TrainedModel {
 public:
  /// Throws ArtifactError for a missing, damaged or incompatible file.
  static TrainedModel load(const std::string& path, int threads = 0);
  TrainedModel(TrainedModel&&) noexcept;
  TrainedModel& operator=(TrainedModel&&) noexcept;
  ~TrainedModel();

  /// Threads for the model's own math (torch's intra-op pool, process-wide). Callers that
  /// run batches on several threads of their own set 1.
  static void set_compute_threads(int threads);

  int64_t dim() const;
  int64_t n_articles() const;
  const nlohmann::json& meta() const;
  /// What recommend and serve ship (train.policy; recommend/policy.h): "model" unless tune
  /// found a ranking that beat the model on the inner window.
  std::string policy() const { return meta().value("train", nlohmann::json::object()).value("policy", "model"); }
  /// train.ranker: "neural" or "gbdt".
  std::string ranker() const;
  /// The gradient-boosted ranker; nullptr when model.frc has none (yet).
  const GbdtBooster* gbdt() const;
  /// [n_articles, dim]
  std::span<const float> article_embeddings() const;
  /// dim + 1, and [n_articles, dim + 1]: see the top of this file.
  int64_t retrieval_dim() const { return dim() + 1; }
  std::span<const float> retrieval_articles() const;
  /// [n, dim] embeddings -> [n, dim + 1] queries for an index over retrieval_articles():
  /// with_popularity for customers, without it for article-to-article similarity.
  std::vector<float> retrieval_queries(std::span<const float> embeddings, bool with_popularity) const;
  /// [in.n, dim] customer embeddings. Thread-safe.
  std::vector<float> embed_customers(const CustomerInputs& in) const;
  /// The retrieval score of customer embedding q [dim] for an article: [q, 1] .
  /// retrieval_articles[article] / temperature (the ranker's score input).
  float retrieval_score(std::span<const float> q, int32_t article) const;
  /// Ranker probabilities [n] for n (customer embedding, article embedding, pair input,
  /// retrieval score) rows: customer [n, dim], article [n, dim], pair [n, kPairInputDim],
  /// score [n]. Thread-safe.
  std::vector<float> rank(std::span<const float> customer, std::span<const float> article,
                          const std::vector<float>& pair, std::span<const float> score) const;

 private:
  struct Impl;
  explicit TrainedModel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fr
