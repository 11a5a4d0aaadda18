#pragma once
// The [train] config section: `fashionrec train`'s model, optimiser, data and evaluation
// settings. Every field has a flag (tools/cmd_train.cpp) and a TOML key of the same name.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace fr {

struct TrainConfig {
  // How the two stages train.
  /// staged: retrieval, then ranking on its candidates; joint: retrieval + rank_weight * BCE each step
  std::string mode = "staged";
  int64_t epochs = 6;        ///< retrieval (or joint) epochs, at most (early stopping may end sooner)
  int64_t rank_epochs = 2;   ///< staged mode: ranking epochs after retrieval
  int64_t patience = 2;      ///< epochs without a better validation figure before stopping
  int64_t max_examples = 0;  ///< >0: each epoch trains on the first N purchases of its shuffle
  // Model shape.
  int64_t dim = 64;  ///< embedding size of both towers
  int64_t hidden = 64;
  int64_t index_dim = 16;       ///< size of each categorical / id embedding
  int64_t id_buckets = 262144;  ///< hashed customer-id embedding rows (0 = none)
  int64_t history = 32;         ///< recent purchases pooled by the customer tower
  /// Feature columns the towers leave out: those that sum up purchases up to the split
  /// (is_history_column) of none, the articles (sales, trend) or all (customers' behaviour and
  /// shares too). They are as of the split, so for a purchase months before it they tell what
  /// happened after it, the purchase itself included: a model that learns from them leans on a
  /// leak that the validation week does not have. The day-aware article inputs and the pooled
  /// history carry the same information as of each purchase's day (docs/architecture.md has
  /// the figures).
  std::string mask_history_columns = "all";
  double history_half_life = 365;  ///< days
  /// The customer tower also pools its history's article features (static columns) and
  /// article-tower embeddings (refreshed at each epoch start), not only learned id embeddings.
  bool history_features = true;
  // Optimisation.
  int64_t batch_size = 1024;
  std::string optimizer = "adamw";  ///< adam | adamw (dense weights; embeddings use a sparse Adam)
  double lr = 0.002;
  double weight_decay = 0.0001;
  std::string schedule = "cosine";  ///< cosine (after warmup) | constant
  int64_t warmup_steps = 100;
  double clip_norm = 1.0;  ///< gradient norm clipping of the dense weights (0 = off)
  // Retrieval loss.
  double temperature = 0.05;
  bool logq = true;
  /// A learned popularity term in the retrieval score: a linear function of the article's
  /// kArticleDynamic inputs (recent sales, trend, age) as of the week the purchase falls in,
  /// added to the logits, so the towers learn taste and popularity may drift (see towers.h).
  bool popularity_bias = true;
  int64_t extra_negatives = 0;                      ///< extra negatives per batch
  std::string extra_negative_sampling = "uniform";  ///< uniform | popularity
  int64_t retrieval_days = 90;                      ///< >0: train retrieval on the last N training days only
  // Ranking.
  double rank_weight = 1.0;       ///< joint loss = retrieval + rank_weight * BCE
  int64_t rank_batch_size = 256;  ///< ranking pairs per step (joint) or per batch (staged)
  int64_t rank_days = 7;          ///< the ranker's label window: the last N training days
  int64_t rank_negatives = 4;     ///< popularity-sampled negatives per positive
  int64_t hard_negatives = 4;     ///< negatives per positive from the retrieval model's top candidates
  int64_t hard_pool = 50;         ///< top retrieval candidates the ranker's pairs come from
  bool mine_sources = true;       ///< ...and the repurchase, co-purchase and popular candidates (candidates.h)
  // Evaluation, run time.
  int64_t eval_customers = 20000;  ///< validation customers scored each epoch (0 = all)
  int64_t candidates = 100;        ///< retrieval candidates per customer (recall@N) given to the ranker
  int64_t seed = 42;
  int64_t loader_threads = 1;
  int64_t checkpoint_every = 0;  ///< also checkpoint every N steps (0 = at epoch ends only)
};
// JSON with every field; a missing key keeps its default.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TrainConfig, mode, epochs, rank_epochs, patience, max_examples, dim,
                                                hidden, index_dim, id_buckets, history, mask_history_columns,
                                                history_half_life, history_features, batch_size, optimizer, lr,
                                                weight_decay, schedule, warmup_steps, clip_norm, temperature, logq,
                                                popularity_bias, extra_negatives, extra_negative_sampling,
                                                retrieval_days, rank_weight, rank_batch_size, rank_days, rank_negatives,
                                                hard_negatives, hard_pool, mine_sources, eval_customers, candidates,
                                                seed, loader_threads, checkpoint_every)

/// Throws UsageError naming the first bad field.
void validate(const TrainConfig& c);

}  // namespace fr
