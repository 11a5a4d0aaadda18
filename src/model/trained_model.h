#pragma once
// TrainedModel: the exported model (model.frc), loaded without retraining by evaluate,
// recommend and serve. No torch in this header.
//
// model.frc sections: "article_embeddings" [n_articles, dim] f32 (L2-normalised, from the
// article features as of the first validation day), "weights" u8 (libtorch archive of the
// customer tower, article tower and ranker). meta: "shape" (ModelShape), "train" (its
// TrainConfig), "as_of_day", "history", "history_half_life", the feature transforms and
// column names, and the training curves.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "model/inputs.h"

namespace fr {

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
  /// [n_articles, dim]
  std::span<const float> article_embeddings() const;
  /// [in.n, dim] customer embeddings. Thread-safe.
  std::vector<float> embed_customers(const CustomerInputs& in) const;
  /// Ranker probabilities [n] for n (customer embedding, article embedding, pair input) rows:
  /// customer [n, dim], article [n, dim], pair [n, kPairInputDim]. Thread-safe.
  std::vector<float> rank(std::span<const float> customer, std::span<const float> article,
                          const std::vector<float>& pair) const;

 private:
  struct Impl;
  explicit TrainedModel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fr
