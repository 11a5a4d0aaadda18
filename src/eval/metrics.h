#pragma once
// Ranking metrics with binary relevance over the full catalogue.
//
// Contract for every function: `ranked` is one customer's recommendation list, best first,
// without repeats (only its first k entries count); `truth` is the set of articles that
// customer bought in the evaluation window, sorted ascending, without repeats. An empty
// truth gives 0 (callers evaluate only customers who bought).
#include <cstdint>
#include <span>

namespace fr {

/// Relevant articles among the first k, divided by the number of relevant articles.
double recall_at_k(std::span<const int32_t> ranked, std::span<const int32_t> truth, size_t k);
/// Relevant articles among the first k, divided by k.
double precision_at_k(std::span<const int32_t> ranked, std::span<const int32_t> truth, size_t k);
/// DCG@k / ideal DCG@k, gain 1 / log2(rank + 1) for a relevant article at rank 1..k; the ideal
/// puts min(k, |truth|) relevant articles first.
double ndcg_at_k(std::span<const int32_t> ranked, std::span<const int32_t> truth, size_t k);
/// Average precision at k as in the H&M competition: the sum over ranks i <= k of P@i at each
/// relevant rank, divided by min(k, |truth|).
double average_precision_at_k(std::span<const int32_t> ranked, std::span<const int32_t> truth, size_t k);

}  // namespace fr
