#pragma once
// `fashionrec split`: training = every purchase before the validation window, validation =
// the window's purchases (by default the last 7 days, the H&M competition's scheme).
// Features are computed from training days only; the window is never seen by them.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include "core/setting.h"

#include "core/artifact.h"
#include "core/workspace.h"
#include "data/dataset.h"

namespace fr {

inline constexpr const char* kSplitArtifact = "split";
inline constexpr const char* kSplitFile = "split.frc";
inline constexpr uint32_t kSplitVersion = 1;

// clang-format off
#define FR_SPLIT_SETTINGS(X)                                                                                        \
  X(int64_t, val_days, 7, "Days in the validation window, the last of the data (0: none, train --refit's)",          \
    range(0, 3650), kModel,                                                                                          \
    no_tune())                                                                                                       \
  X(std::string, val_end, "", "Last day of the window, YYYY-MM-DD (\"\" = the last day of the data)", any(), kModel, \
    no_tune())
// clang-format on
FR_SETTINGS_SECTION(SplitConfig, "split", FR_SPLIT_SETTINGS)

/// The split of a Dataset. Training rows are those with day < val_start; validation rows
/// have val_start <= day <= val_end; later rows are in neither.
struct Split {
  int32_t val_start = 0;  ///< days since 1970-01-01
  int32_t val_end = 0;
  bool is_train(int32_t day) const { return day < val_start; }
  bool is_val(int32_t day) const { return day >= val_start && day <= val_end; }
};

/// Resolves the window against the data. Throws DataError when the window is outside it.
Split make_split(const Dataset& d, const SplitConfig& c);

/// The validation purchases per customer, the ground truth of evaluation.
/// Contract: customers [n] ascending dense ids of the customers who bought in the window;
/// offsets [n + 1]; articles [offsets[n]] the distinct articles each bought, ascending.
struct ValidationTruth {
  std::vector<int32_t> customers;
  std::vector<uint64_t> offsets;
  std::vector<int32_t> articles;
  std::span<const int32_t> of(size_t i) const {
    return {articles.data() + offsets[i], size_t(offsets[i + 1] - offsets[i])};
  }
};
ValidationTruth validation_truth(const Dataset& d, const Split& s);

/// The stage: writes split.frc (the window in its metadata, the truth as sections).
nlohmann::json run_split(const Workspace& ws, const SplitConfig& c, bool force);

/// Reads split.frc back.
Split load_split(const Workspace& ws, ValidationTruth* truth = nullptr);

}  // namespace fr
