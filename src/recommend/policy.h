#pragma once
// What is shipped. The model's ranking is one policy; the others are rankings that need no
// model, or lean on the customer's own habit, and that `fashionrec tune` may choose when they
// beat the model on the inner window (train.policy, recorded in model.frc):
//   model                     the ranker's order of the candidates
//   repurchase_then_model     the customer's own past articles (time-decayed) first, then the model
//   last_week_top12           last week's 12 best sellers, the same for everyone
//   decayed_popularity        best sellers by sales weighted 0.5 ^ (days before / 7)
//   repurchase_then_popular   the customer's past articles first, then last week's best sellers
//   age_bucket_popularity     last week's best sellers in the customer's age bucket
// evaluate scores each of them on the validation week; recommend and serve ship the chosen one.
#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "model/as_of_data.h"

namespace fr {

inline constexpr std::array<const char*, 4> kBaselineNames = {"last_week_top12", "decayed_popularity",
                                                              "repurchase_then_popular", "age_bucket_popularity"};
inline constexpr const char* kModelPolicy = "model";
inline constexpr const char* kBlendPolicy = "repurchase_then_model";

/// Appends `from` to out (skipping repeats and the sorted `excluded`) until it holds n.
void append_ranking(std::vector<int32_t>& out, std::span<const int32_t> from, size_t n,
                    std::span<const int32_t> excluded = {});

/// The baseline's top n for a known customer as of the data's day (kBaselineNames[i]).
std::vector<int32_t> baseline_ranking(const AsOfData& data, std::string_view name, int32_t customer, size_t n,
                                      std::span<const int32_t> excluded = {});

/// The customer's past articles first (heaviest time-decayed weight first), then `ranked`.
std::vector<int32_t> repurchase_then(const AsOfData& data, int32_t customer, std::span<const int32_t> ranked, size_t n,
                                     std::span<const int32_t> excluded = {});

/// Whether name is a policy recommend can ship.
bool is_policy(std::string_view name);

}  // namespace fr
