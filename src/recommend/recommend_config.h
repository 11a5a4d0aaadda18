#pragma once
// [recommend] and [index] config sections.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include "core/setting.h"

namespace fr {

// clang-format off
#define FR_RECOMMEND_SETTINGS(X)                                                                                    \
  X(int64_t, k, 12, "Articles per customer", range(1, 1000), kRun, no_tune())                                       \
  X(int64_t, tower, 100, "Candidates from the article index (the towers)", range(0, 10000), kModel,                 \
    tune_choice({50, 100, 200}))                                                                                     \
  X(int64_t, repurchase, 20, "Candidates from the customer's past articles, time-decayed", range(0, 1000), kModel,  \
    tune_choice({0, 10, 20, 40}))                                                                                    \
  X(int64_t, co_purchase, 20, "Candidates bought on the same day as the customer's recent articles",                \
    range(0, 1000), kModel, tune_choice({0, 10, 20, 40}))                                                            \
  X(int64_t, popular, 20, "Candidates from last week's best sellers in the customer's age bucket", range(0, 200),   \
    kModel, tune_choice({0, 10, 20, 40}))                                                                            \
  X(int64_t, same_product, 10, "Candidates of the same products (other colours) as the customer's recent articles", \
    range(0, 1000), kModel, tune_choice({0, 10, 20}))                                                                \
  X(int64_t, trending, 10, "Candidates whose last-7-day sales grew most against the 7 days before", range(0, 200),  \
    kModel, tune_choice({0, 10, 20}))                                                                                \
  X(int64_t, similar_pictures, 10, "Candidates with pictures like the customer's recent articles'",                 \
    range(0, 1000), kModel, tune_choice({0, 10, 20}))                                                                \
  X(int64_t, department, 10, "Candidates among last week's best sellers of the customer's favourite departments",    \
    range(0, 150), kModel, tune_choice({0, 10, 20}))                                                                 \
  X(bool, exclude_bought, false, "Drop articles the customer bought before the as-of day", any(), kModel,          \
    tune_choice({false, true}))                                                                                      \
  X(std::string, index_params, "", "FAISS search parameters, e.g. efSearch=128", any(), kRun, no_tune())
#define FR_INDEX_SETTINGS(X)                                                                                        \
  X(std::string, factory, "Flat", "FAISS index_factory string, inner product (Flat: exact; HNSW32, IVF256,Flat)",   \
    any(), kModel, no_tune())                                                                                        \
  X(std::string, params, "", "Search parameters, e.g. efSearch=128 or nprobe=16", any(), kModel, no_tune())         \
  X(int64_t, check_queries, 2000, "Articles used as queries for the recall check against the exact index",         \
    at_least(0), kRun, no_tune())                                                                                    \
  X(int64_t, check_k, 100, "The k of the recall check", range(1, 10000), kRun, no_tune())
// clang-format on
FR_SETTINGS_SECTION(RecommendConfig, "recommend", FR_RECOMMEND_SETTINGS)
FR_SETTINGS_SECTION(IndexConfig, "index", FR_INDEX_SETTINGS)
/// The rows' checks and those across fields. Throws UsageError naming the field.
void validate(const RecommendConfig& c);

}  // namespace fr
