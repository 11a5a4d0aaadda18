#pragma once
// The [tune] config section: how `fashionrec tune` (and `run`, which tunes by default)
// searches the settings whose rows say `tune` may (core/setting.h).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "core/setting.h"

namespace fr {

// clang-format off
#define FR_TUNE_SETTINGS(X)                                                                                         \
  X(bool, enabled, true, "run tunes before training (run --no-tune: false)", any(), kRun, no_tune())               \
  X(std::string, budget, "auto",                                                                                     \
    "Time for the search: 90s, 10m, 1h, or auto (3 x the default trial on the inner window, at least 20 s)", any(), kRun,           \
    no_tune())                                                                                                       \
  X(int64_t, trials, 0, "Settings tried on short runs, at most (0 = as many as the budget allows, up to 24)",       \
    range(0, 10000), kRun, no_tune())                                                                                \
  X(int64_t, finalists, 3, "Settings of the short runs that run again in full", range(1, 100), kRun, no_tune())     \
  X(int64_t, short_epochs, 2, "Retrieval epochs of a short run", range(1, 100), kRun, no_tune())                    \
  X(int64_t, sample_customers, 50000,                                                                                \
    "Trials train and score on at most this many customers (a seeded sample of the buyers; 0 = all)", at_least(0),  \
    kRun, no_tune())                                                                                                 \
  X(int64_t, seed, 42, "Seed of the search: the same seed tries the same settings", any(), kRun, no_tune())
// clang-format on
FR_SETTINGS_SECTION(TuneConfig, "tune", FR_TUNE_SETTINGS)

}  // namespace fr
