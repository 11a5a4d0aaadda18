#include "model/train_config.h"

#include "core/error.h"

namespace fr {

void validate(const TrainConfig& c) {
  auto fail = [](const std::string& field, const std::string& why) { throw UsageError("train." + field + ": " + why); };
  if (c.mode != "joint" && c.mode != "staged") fail("mode", "must be joint or staged, not '" + c.mode + "'");
  if (c.optimizer != "adam" && c.optimizer != "adamw") fail("optimizer", "must be adam or adamw");
  if (c.schedule != "cosine" && c.schedule != "constant") fail("schedule", "must be cosine or constant");
  if (c.extra_negative_sampling != "uniform" && c.extra_negative_sampling != "popularity")
    fail("extra_negative_sampling", "must be uniform or popularity");
  if (c.mask_history_columns != "none" && c.mask_history_columns != "articles" && c.mask_history_columns != "all")
    fail("mask_history_columns", "must be none, articles or all");
  if (c.epochs < 1) fail("epochs", "must be at least 1");
  if (c.rank_batch_size < 1) fail("rank_batch_size", "must be at least 1");
  if (c.batch_size < 2) fail("batch_size", "must be at least 2 (in-batch negatives)");
  if (c.dim < 1 || c.hidden < 1 || c.index_dim < 1) fail("dim", "dim, hidden and index_dim must be positive");
  if (c.temperature <= 0) fail("temperature", "must be positive");
  if (c.lr <= 0) fail("lr", "must be positive");
  if (c.history < 0 || c.history_half_life <= 0) fail("history", "history >= 0 and history_half_life > 0");
  if (c.rank_days < 1) fail("rank_days", "must be at least 1");
  if (c.candidates < 12) fail("candidates", "must be at least 12");
  if (c.hard_negatives > 0 && c.hard_pool < 1) fail("hard_pool", "must be positive");
  if (c.loader_threads < 1) fail("loader_threads", "must be at least 1");
  if (c.rank_negatives < 0 || c.hard_negatives < 0 || c.extra_negatives < 0 || c.id_buckets < 0)
    fail("rank_negatives", "counts cannot be negative");
}

}  // namespace fr
