#pragma once
// The [train] config section: `fashionrec train`'s model, optimiser, data and evaluation
// settings, declared once (core/setting.h): each row gives a flag (--key-with-dashes), a TOML
// key of the same name, a check, whether it is part of the model's identity, and the range
// `fashionrec tune` may search.
//
// mask_history_columns: feature columns that sum up purchases up to the split
// (is_history_column) are as of the split, so for a purchase months before it they tell what
// happened after it, the purchase itself included: a model that learns from them leans on a
// leak that the validation week does not have. The day-aware article inputs and the pooled
// history carry the same information as of each purchase's day (docs/architecture.md).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "core/setting.h"

namespace fr {

// clang-format off
#define FR_TRAIN_SETTINGS(X)                                                                                        \
  /* How the two stages train. */                                                                                    \
  X(std::string, mode, "staged", "staged: retrieval, then ranking on its candidates; joint: retrieval + rank_weight x BCE each step", \
    choices({"staged", "joint"}), kModel, no_tune())                                                                 \
  X(int64_t, epochs, 6, "Retrieval (or joint) epochs, at most (early stopping may end sooner)", range(1, 1000),     \
    kModel, tune_int(2, 12))                                                                                         \
  X(int64_t, rank_epochs, 2, "Staged mode: ranking epochs after retrieval", range(0, 1000), kModel, tune_int(1, 4)) \
  X(int64_t, patience, 2, "Epochs without a better validation figure before stopping early", range(1, 1000),       \
    kModel, no_tune())                                                                                               \
  X(int64_t, max_examples, 0, "> 0: each epoch trains on the first N purchases of its shuffle", at_least(0),       \
    kModel, no_tune())                                                                                               \
  /* Model shape. */                                                                                                 \
  X(int64_t, dim, 64, "Embedding size of both towers", range(1, 4096), kModel, tune_choice({32, 64, 128}))          \
  X(int64_t, hidden, 64, "Hidden layer width of the towers and the ranker", range(1, 4096), kModel,                 \
    tune_choice({32, 64, 128}))                                                                                      \
  X(int64_t, index_dim, 16, "Size of each categorical / id embedding", range(1, 1024), kModel, no_tune())           \
  X(int64_t, id_buckets, 262144, "Hashed customer-id embedding rows (0 = none)", at_least(0), kModel, no_tune())    \
  X(int64_t, history, 32, "Recent purchases pooled by the customer tower", range(0, 512), kModel,                   \
    tune_choice({8, 16, 32, 64}))                                                                                    \
  X(std::string, mask_history_columns, "all",                                                                        \
    "Feature columns summed up to the split that the towers leave out: none, articles or all (a leak otherwise)",   \
    choices({"none", "articles", "all"}), kModel, no_tune())                                                         \
  X(double, history_half_life, 365, "Days over which a history slot's weight halves", range(0.1, 100000), kModel,  \
    tune_log_float(30, 730))                                                                                         \
  X(bool, history_features, true,                                                                                    \
    "The customer tower also pools its history's article features and tower embeddings, not only id embeddings",   \
    any(), kModel, tune_choice({true, false}))                                                                       \
  /* Optimisation. */                                                                                                \
  X(int64_t, batch_size, 1024, "Purchases per step (also the in-batch negatives)", range(2, 1 << 20), kModel,       \
    tune_choice({256, 512, 1024, 2048}))                                                                             \
  X(std::string, optimizer, "adamw", "adam | adamw for the dense weights (embeddings use a sparse Adam)",           \
    choices({"adam", "adamw"}), kModel, no_tune())                                                                   \
  X(double, lr, 0.002, "Peak learning rate", range(1e-7, 1), kModel, tune_log_float(0.0005, 0.01))                  \
  X(double, weight_decay, 0.0001, "Weight decay of the dense weights", range(0, 1), kModel, no_tune())              \
  X(std::string, schedule, "cosine", "cosine (after warmup) or constant", choices({"cosine", "constant"}), kModel,  \
    no_tune())                                                                                                       \
  X(int64_t, warmup_steps, 100, "Learning-rate warmup steps (at most a tenth of the run)", at_least(0), kModel,     \
    no_tune())                                                                                                       \
  X(double, clip_norm, 1.0, "Gradient norm clipping of the dense weights (0 = off)", at_least(0), kModel, no_tune()) \
  /* Retrieval loss. */                                                                                              \
  X(double, temperature, 0.05, "Softmax temperature of the retrieval loss", range(1e-4, 10), kModel,               \
    tune_log_float(0.02, 0.2))                                                                                       \
  X(bool, logq, true, "Correct the in-batch softmax by each article's sampling probability", any(), kModel,         \
    no_tune())                                                                                                       \
  X(bool, popularity_bias, true,                                                                                     \
    "Retrieval score = towers' dot / temperature + a learned term of the article's sales in the purchase's week",   \
    any(), kModel, tune_choice({true, false}))                                                                       \
  X(int64_t, extra_negatives, 0, "Extra negatives per batch", at_least(0), kModel, no_tune())                       \
  X(std::string, extra_negative_sampling, "uniform", "uniform | popularity", choices({"uniform", "popularity"}),    \
    kModel, no_tune())                                                                                               \
  X(int64_t, retrieval_days, 90, "Train retrieval on the last N training days (0 = all)", at_least(0), kModel,      \
    tune_choice({0, 28, 90, 180, 365}))                                                                              \
  /* Ranking. */                                                                                                     \
  X(double, rank_weight, 1.0, "Joint mode: loss = retrieval + rank_weight x BCE", at_least(0), kModel, no_tune())   \
  X(int64_t, rank_batch_size, 256, "Ranking pairs per step (joint) or per batch (staged)", range(1, 1 << 20),       \
    kModel, no_tune())                                                                                               \
  X(int64_t, rank_days, 7, "The ranker's label window: the last N training days", range(1, 3650), kModel,           \
    tune_choice({7, 14, 28}))                                                                                        \
  X(int64_t, rank_negatives, 4, "Popularity-sampled negatives per ranking positive", at_least(0), kModel,           \
    no_tune())                                                                                                       \
  X(int64_t, hard_negatives, 4, "Negatives per ranking positive from the retrieval model's top candidates",         \
    at_least(0), kModel, tune_choice({0, 4, 8}))                                                                     \
  X(int64_t, hard_pool, 50, "Top retrieval candidates the ranker's pairs come from", range(1, 100000), kModel,      \
    no_tune())                                                                                                       \
  X(bool, mine_sources, true, "The ranker's pairs also come from the repurchase, co-purchase and popular sources",  \
    any(), kModel, no_tune())                                                                                        \
  X(int64_t, candidates, 100, "Retrieval candidates per customer given to the ranker (and recall@N)",               \
    range(12, 100000), kModel, no_tune())                                                                            \
  /* The gradient-boosted ranker (train.ranker = gbdt). */                                                          \
  X(std::string, ranker, "gbdt",                                                                                     \
    "neural: the BCE ranker on the towers' outputs; gbdt: XGBoost LambdaMART over the candidates' features",         \
    choices({"neural", "gbdt"}), kModel, tune_choice({"neural", "gbdt"}))                                            \
  X(int64_t, rank_weeks, 4, "GBDT: weeks of labels before the validation window (the last one stops it early)",    \
    range(1, 52), kModel, tune_choice({2, 4, 6}))                                                                    \
  X(int64_t, rank_customers, 20000, "GBDT: buyers per label week whose candidates it learns on (0 = all)",         \
    at_least(0), kModel, no_tune())                                                                                  \
  X(int64_t, gbdt_rounds, 300, "GBDT: boosting rounds, at most (early stopping on the last label week)",            \
    range(1, 100000), kModel, no_tune())                                                                             \
  X(std::string, gbdt_objective, "rank:ndcg", "GBDT: XGBoost objective (LambdaMART, pairwise, or pointwise)",       \
    choices({"rank:ndcg", "rank:pairwise", "binary:logistic"}), kModel, tune_choice({"rank:ndcg", "binary:logistic"})) \
  X(int64_t, gbdt_depth, 6, "GBDT: tree depth", range(1, 20), kModel, tune_choice({4, 6, 8}))                       \
  X(double, gbdt_eta, 0.1, "GBDT: learning rate", range(1e-4, 1), kModel, tune_log_float(0.03, 0.3))               \
  X(int64_t, seed, 42, "Seed: the same seed gives the same losses", any(), kModel, no_tune())                       \
  X(std::string, policy, "model",                                                                                    \
    "What recommend and serve ship: model, repurchase_then_model or a baseline (tune picks it on the inner window)", \
    choices({"model", "repurchase_then_model", "last_week_top12", "decayed_popularity", "repurchase_then_popular",  \
             "age_bucket_popularity"}),                                                                              \
    kModel, no_tune())                       \
  /* Run-time knobs: not part of the model's identity. */                                                            \
  X(int64_t, eval_customers, 20000, "Validation customers scored each epoch (0 = all)", at_least(0), kRun,          \
    no_tune())                                                                                                       \
  X(int64_t, loader_threads, 1, "Threads that prepare batches", range(1, 256), kRun, no_tune())                     \
  X(int64_t, checkpoint_every, 0, "Also checkpoint every N steps (0 = at epoch ends only)", at_least(0), kRun,       \
    no_tune())
// clang-format on

FR_SETTINGS_SECTION(TrainConfig, "train", FR_TRAIN_SETTINGS)

/// The checks of every row, and those across fields. Throws UsageError naming the field.
void validate(const TrainConfig& c);

}  // namespace fr
