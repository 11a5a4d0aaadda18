#pragma once
// A Dataset cut to the purchases before a day, optionally of a sample of the customers: the
// data `fashionrec tune` searches on (the inner window), so that nothing on or after the day
// can reach it. The customer and article tables are kept whole (dense ids stay the same); only
// the transactions are filtered.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "data/dataset.h"

namespace fr {

struct SubsetSpec {
  int32_t before_day = 0;        ///< keep purchases with day < before_day
  int64_t sample_customers = 0;  ///< > 0: keep the purchases of this many customers (seeded sample of the buyers)
  uint64_t seed = 42;
};

/// Writes the subset of d as a dataset artifact at out_path. Returns what it kept
/// (purchases, customers, the spec), also stored in the artifact's metadata.
nlohmann::json write_dataset_subset(const Dataset& d, const SubsetSpec& s, const std::string& out_path, int threads);

}  // namespace fr
