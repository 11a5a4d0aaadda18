#pragma once
// `fashionrec synth`: H&M-shaped data sets with a known hidden structure (docs/synthetic.md).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include "core/setting.h"

namespace fr::synth {

// The world's knobs (taste, repurchase, article_life, new_customers, new_articles) make worlds
// that differ the way shops do; bench/quality sweeps them. Their defaults give the presets'
// worlds byte for byte.
// clang-format off
#define FR_SYNTH_SETTINGS(X)                                                                                        \
  X(std::string, out, "", "Output folder (CSVs, images/, truth/)", any(), kModel, no_tune())                       \
  X(std::string, preset, "small", "tiny, small, medium or hm-full", choices({"tiny", "small", "medium", "hm-full"}), \
    kModel, no_tune())                                                                                               \
  X(int64_t, seed, 42, "Random seed: the same seed gives the same bytes", any(), kModel, no_tune())                 \
  X(std::string, images, "auto", "Pictures: yes, no or auto (the preset's default)", choices({"yes", "no", "auto"}), \
    kModel, no_tune())                                                                                               \
  X(int64_t, customers, 0, "Number of customers (0 = the preset's)", at_least(0), kModel, no_tune())                \
  X(int64_t, articles, 0, "Number of articles (0 = the preset's)", at_least(0), kModel, no_tune())                  \
  X(int64_t, purchases, 0, "Number of purchase rows (0 = the preset's)", at_least(0), kModel, no_tune())            \
  X(int64_t, days, 0, "Days of purchases from 2018-09-20 (0 = the preset's)", range(0, 20000), kModel, no_tune())   \
  X(int64_t, truth_top_k, -1, "Articles kept per truth row (0 = all, -1 = the preset's)", at_least(-1), kModel,     \
    no_tune())                                                                                                       \
  X(double, metadata_noise, 0.05, "Share of articles whose colour / pattern columns lie", range(0, 1), kModel,      \
    no_tune())                                                                                                       \
  X(int64_t, image_width, 160, "Picture width in pixels (height = 1.5 x width)", range(16, 2048), kModel,           \
    no_tune())                                                                                                       \
  X(double, taste, 1.0, "Strength of the customers' taste against popularity (x the choice score's taste term)",    \
    range(0, 10), kModel, no_tune())                                                                                 \
  X(double, repurchase, 1.0, "The repurchase and same-product habits (x each customer's probabilities)",            \
    range(0, 10), kModel, no_tune())                                                                                 \
  X(double, article_life, 1.0, "Article life cycles (x each article's popularity half-life; < 1: faster trends)",   \
    range(0.05, 20), kModel, no_tune())                                                                              \
  X(double, new_customers, 0, "Share of customers whose first purchase falls in the last 28 days", range(0, 1),     \
    kModel, no_tune())                                                                                               \
  X(double, new_articles, 0, "Share of articles launched in the last 28 days", range(0, 1), kModel, no_tune())
// clang-format on
FR_SETTINGS_SECTION(SynthConfig, "synth", FR_SYNTH_SETTINGS)

/// A config with the preset's counts filled in. Throws UsageError for an unknown preset.
SynthConfig resolve_preset(const SynthConfig& c);

/// Writes articles.csv, customers.csv, transactions_train.csv, images/ and truth/ to c.out.
/// Returns a summary (counts, timings, file paths).
nlohmann::json run_synth(const SynthConfig& c, int threads);

/// The first day of every preset: 2018-09-20, as in the H&M data.
inline constexpr int32_t kFirstDay = 17794;

}  // namespace fr::synth
