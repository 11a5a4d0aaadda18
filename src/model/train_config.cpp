#include "model/train_config.h"

#include "core/error.h"

namespace fr {

void to_json(nlohmann::json& j, const TrainConfig& c) {
  j = {{"mode", c.mode},
       {"epochs", c.epochs},
       {"rank_epochs", c.rank_epochs},
       {"patience", c.patience},
       {"max_examples", c.max_examples},
       {"dim", c.dim},
       {"hidden", c.hidden},
       {"index_dim", c.index_dim},
       {"id_buckets", c.id_buckets},
       {"history", c.history},
       {"history_half_life", c.history_half_life},
       {"batch_size", c.batch_size},
       {"optimizer", c.optimizer},
       {"lr", c.lr},
       {"weight_decay", c.weight_decay},
       {"schedule", c.schedule},
       {"warmup_steps", c.warmup_steps},
       {"clip_norm", c.clip_norm},
       {"temperature", c.temperature},
       {"logq", c.logq},
       {"extra_negatives", c.extra_negatives},
       {"extra_negative_sampling", c.extra_negative_sampling},
       {"retrieval_days", c.retrieval_days},
       {"rank_weight", c.rank_weight},
       {"rank_batch_size", c.rank_batch_size},
       {"rank_days", c.rank_days},
       {"rank_negatives", c.rank_negatives},
       {"hard_negatives", c.hard_negatives},
       {"hard_pool", c.hard_pool},
       {"eval_customers", c.eval_customers},
       {"candidates", c.candidates},
       {"seed", c.seed},
       {"loader_threads", c.loader_threads},
       {"checkpoint_every", c.checkpoint_every}};
}

void from_json(const nlohmann::json& j, TrainConfig& c) {
  TrainConfig d;
  c.mode = j.value("mode", d.mode);
  c.epochs = j.value("epochs", d.epochs);
  c.rank_epochs = j.value("rank_epochs", d.rank_epochs);
  c.patience = j.value("patience", d.patience);
  c.max_examples = j.value("max_examples", d.max_examples);
  c.dim = j.value("dim", d.dim);
  c.hidden = j.value("hidden", d.hidden);
  c.index_dim = j.value("index_dim", d.index_dim);
  c.id_buckets = j.value("id_buckets", d.id_buckets);
  c.history = j.value("history", d.history);
  c.history_half_life = j.value("history_half_life", d.history_half_life);
  c.batch_size = j.value("batch_size", d.batch_size);
  c.optimizer = j.value("optimizer", d.optimizer);
  c.lr = j.value("lr", d.lr);
  c.weight_decay = j.value("weight_decay", d.weight_decay);
  c.schedule = j.value("schedule", d.schedule);
  c.warmup_steps = j.value("warmup_steps", d.warmup_steps);
  c.clip_norm = j.value("clip_norm", d.clip_norm);
  c.temperature = j.value("temperature", d.temperature);
  c.logq = j.value("logq", d.logq);
  c.extra_negatives = j.value("extra_negatives", d.extra_negatives);
  c.extra_negative_sampling = j.value("extra_negative_sampling", d.extra_negative_sampling);
  c.retrieval_days = j.value("retrieval_days", d.retrieval_days);
  c.rank_weight = j.value("rank_weight", d.rank_weight);
  c.rank_batch_size = j.value("rank_batch_size", d.rank_batch_size);
  c.rank_days = j.value("rank_days", d.rank_days);
  c.rank_negatives = j.value("rank_negatives", d.rank_negatives);
  c.hard_negatives = j.value("hard_negatives", d.hard_negatives);
  c.hard_pool = j.value("hard_pool", d.hard_pool);
  c.eval_customers = j.value("eval_customers", d.eval_customers);
  c.candidates = j.value("candidates", d.candidates);
  c.seed = j.value("seed", d.seed);
  c.loader_threads = j.value("loader_threads", d.loader_threads);
  c.checkpoint_every = j.value("checkpoint_every", d.checkpoint_every);
}

void validate(const TrainConfig& c) {
  auto fail = [](const std::string& field, const std::string& why) { throw UsageError("train." + field + ": " + why); };
  if (c.mode != "joint" && c.mode != "staged") fail("mode", "must be joint or staged, not '" + c.mode + "'");
  if (c.optimizer != "adam" && c.optimizer != "adamw") fail("optimizer", "must be adam or adamw");
  if (c.schedule != "cosine" && c.schedule != "constant") fail("schedule", "must be cosine or constant");
  if (c.extra_negative_sampling != "uniform" && c.extra_negative_sampling != "popularity")
    fail("extra_negative_sampling", "must be uniform or popularity");
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
