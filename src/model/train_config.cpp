#include "model/train_config.h"

#include "core/error.h"

namespace fr {

void validate(const TrainConfig& c) {
  check_settings(settings_table(&c), nlohmann::json(c));
  if (c.hard_negatives > 0 && c.hard_pool < 1) throw UsageError("train.hard_pool: must be positive");
}

}  // namespace fr
