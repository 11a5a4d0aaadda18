#pragma once
// [recommend] and [index] config sections.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace fr {

struct RecommendConfig {
  int64_t k = 12;               ///< articles per customer
  int64_t tower = 100;          ///< candidates from the article index (the towers)
  int64_t repurchase = 20;      ///< the customer's past articles, time-decayed
  int64_t co_purchase = 20;     ///< bought on the same day as the customer's recent articles
  int64_t popular = 20;         ///< last week's best sellers in the customer's age bucket
  bool exclude_bought = false;  ///< drop articles the customer bought before the as-of day
  std::string index_params;     ///< FAISS search parameters, e.g. "efSearch=128"
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RecommendConfig, k, tower, repurchase, co_purchase, popular,
                                                exclude_bought, index_params)
/// Throws UsageError naming the field.
void validate(const RecommendConfig& c);

struct IndexConfig {
  std::string factory = "Flat";  ///< FAISS index_factory string (inner product)
  std::string params;            ///< search parameters, e.g. "efSearch=128"
  int64_t check_queries = 2000;  ///< customers whose top-k is compared with the exact index
  int64_t check_k = 100;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(IndexConfig, factory, params, check_queries, check_k)

}  // namespace fr
