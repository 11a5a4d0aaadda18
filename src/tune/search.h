#pragma once
// The search space of `fashionrec tune`, read from the settings tables: every row whose
// TuneSpace says it may be searched and that the user did not set (a TOML file or a flag
// pins a value). A trial is a set of overrides {"section.key": value}.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "core/config.h"

namespace fr {

class SearchSpace {
 public:
  /// The tunable rows of the given sections, less the pinned keys.
  SearchSpace(const Config& config, const std::vector<std::string>& sections);
  const std::vector<const Setting*>& rows() const { return rows_; }

  /// A trial: each row redrawn with probability share (at least one row), the others left at
  /// the base config's values. Draws only from rng: the same seed gives the same trials.
  nlohmann::json sample(std::mt19937_64& rng, double share) const;

  /// One value from a row's space.
  static nlohmann::json draw(const Setting& row, std::mt19937_64& rng);

 private:
  std::vector<const Setting*> rows_;
};

/// base ({"section": {...}}) with overrides applied.
nlohmann::json apply_overrides(nlohmann::json base, const nlohmann::json& overrides);

}  // namespace fr
