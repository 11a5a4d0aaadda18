// Ranking metrics on hand-computed examples.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "eval/metrics.h"

using namespace fr;

TEST(Metrics, HandComputedRecallPrecision) {
  std::vector<int32_t> ranked = {5, 3, 9, 1, 7};
  std::vector<int32_t> truth = {1, 2, 3};  // 3 at rank 2, 1 at rank 4, 2 never
  EXPECT_DOUBLE_EQ(recall_at_k(ranked, truth, 2), 1.0 / 3);
  EXPECT_DOUBLE_EQ(recall_at_k(ranked, truth, 5), 2.0 / 3);
  EXPECT_DOUBLE_EQ(precision_at_k(ranked, truth, 2), 0.5);
  EXPECT_DOUBLE_EQ(precision_at_k(ranked, truth, 5), 0.4);
  EXPECT_DOUBLE_EQ(precision_at_k(ranked, truth, 10), 0.2);  // a short list counts as misses
  EXPECT_DOUBLE_EQ(recall_at_k(ranked, {}, 5), 0.0);
}

TEST(Metrics, HandComputedNdcg) {
  std::vector<int32_t> ranked = {5, 3, 9, 1, 7};
  std::vector<int32_t> truth = {1, 2, 3};
  // DCG@5 = 1/log2(3) + 1/log2(5); ideal = 1 + 1/log2(3) + 1/log2(4)
  double dcg = 1 / std::log2(3.0) + 1 / std::log2(5.0), ideal = 1 + 1 / std::log2(3.0) + 0.5;
  EXPECT_NEAR(ndcg_at_k(ranked, truth, 5), dcg / ideal, 1e-12);
  // At k = 2 the ideal holds two hits: 1 + 1/log2(3); we have one, at rank 2.
  EXPECT_NEAR(ndcg_at_k(ranked, truth, 2), (1 / std::log2(3.0)) / (1 + 1 / std::log2(3.0)), 1e-12);
  std::vector<int32_t> perfect = {1, 2, 3, 8};
  EXPECT_DOUBLE_EQ(ndcg_at_k(perfect, truth, 12), 1.0);
}

TEST(Metrics, AveragePrecisionAsInTheHmCompetition) {
  std::vector<int32_t> ranked = {5, 3, 9, 1, 7};
  std::vector<int32_t> truth = {1, 2, 3};
  // Hits at ranks 2 and 4: (1/2 + 2/4) / min(12, 3)
  EXPECT_NEAR(average_precision_at_k(ranked, truth, 12), (0.5 + 0.5) / 3, 1e-12);
  // At k = 2 only the rank-2 hit counts and the divisor is min(2, 3) = 2.
  EXPECT_NEAR(average_precision_at_k(ranked, truth, 2), 0.5 / 2, 1e-12);
  std::vector<int32_t> one = {4};
  EXPECT_DOUBLE_EQ(average_precision_at_k(std::vector<int32_t>{4, 1}, one, 12), 1.0);
}
