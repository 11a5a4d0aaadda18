#pragma once
// `fashionrec synth`: H&M-shaped data sets with a known hidden structure (docs/synthetic.md).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace fr::synth {

struct SynthConfig {
  std::string out;               ///< output folder
  std::string preset = "small";  ///< tiny | small | medium | hm-full
  int64_t seed = 42;
  std::string images = "auto";  ///< yes | no | auto (= the preset's default)
  int64_t customers = 0;        ///< 0 = the preset's
  int64_t articles = 0;
  int64_t purchases = 0;
  int64_t days = 0;              ///< days of purchases from 2018-09-20
  int64_t truth_top_k = -1;      ///< articles kept per truth row; 0 = all, -1 = the preset's
  double metadata_noise = 0.05;  ///< share of articles whose colour / pattern columns lie
  int64_t image_width = 160;     ///< pictures are width x 1.5 width, like H&M's 360x540
};
void to_json(nlohmann::json& j, const SynthConfig& c);
void from_json(const nlohmann::json& j, SynthConfig& c);

/// A config with the preset's counts filled in. Throws UsageError for an unknown preset.
SynthConfig resolve_preset(const SynthConfig& c);

/// Writes articles.csv, customers.csv, transactions_train.csv, images/ and truth/ to c.out.
/// Returns a summary (counts, timings, file paths).
nlohmann::json run_synth(const SynthConfig& c, int threads);

/// The first day of every preset: 2018-09-20, as in the H&M data.
inline constexpr int32_t kFirstDay = 17794;

}  // namespace fr::synth
