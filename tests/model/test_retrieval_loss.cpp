// The retrieval loss on hand-made batches whose answers are worked out by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "model/retrieval_loss.h"

using namespace fr;

namespace {
RetrievalBatch two_by_two(std::vector<int64_t> ids) {
  RetrievalBatch b;
  b.query = torch::tensor({1.f, 0.f, 0.f, 1.f}).view({2, 2});
  b.candidate = torch::tensor({1.f, 0.f, 0.f, 1.f}).view({2, 2});
  b.candidate_ids = torch::tensor(ids, torch::kLong);
  return b;
}
}  // namespace

TEST(RetrievalLoss, PlainInBatchSoftmax) {
  // logits [[1, 0], [0, 1]]: each row's loss is log(1 + e^-1).
  auto b = two_by_two({1, 2});
  EXPECT_NEAR(in_batch_softmax_loss(b, 1.0).item<float>(), std::log1p(std::exp(-1.0)), 1e-6);
  // Temperature 0.5 doubles the logits: log(1 + e^-2).
  EXPECT_NEAR(in_batch_softmax_loss(b, 0.5).item<float>(), std::log1p(std::exp(-2.0)), 1e-6);
}

TEST(RetrievalLoss, LogQCorrectionSubtractsTheLogSamplingProbabilityPerColumn) {
  auto b = two_by_two({1, 2});
  b.log_q = torch::tensor({std::log(0.5f), std::log(0.25f)});
  // logits [[1 + ln2, ln4], [ln2, 1 + ln4]]
  auto logits = retrieval_logits(b, 1.0);
  EXPECT_NEAR(logits[0][0].item<float>(), 1 + std::log(2.0), 1e-6);
  EXPECT_NEAR(logits[0][1].item<float>(), std::log(4.0), 1e-6);
  double row0 = std::log1p(std::exp(std::log(4.0) - 1 - std::log(2.0)));
  double row1 = std::log1p(std::exp(std::log(2.0) - 1 - std::log(4.0)));
  EXPECT_NEAR(in_batch_softmax_loss(b, 1.0).item<float>(), (row0 + row1) / 2, 1e-6);
}

TEST(RetrievalLoss, AccidentalHitsAreNotNegatives) {
  // The same article twice: neither row has a negative left, so the loss is 0.
  auto b = two_by_two({7, 7});
  auto logits = retrieval_logits(b, 1.0);
  EXPECT_TRUE(std::isinf(logits[0][1].item<float>()));
  EXPECT_FALSE(std::isinf(logits[0][0].item<float>()));
  EXPECT_NEAR(in_batch_softmax_loss(b, 1.0).item<float>(), 0.0, 1e-6);
  // Three rows, rows 0 and 2 share an article: only (0, 2) and (2, 0) are masked.
  RetrievalBatch c;
  c.query = torch::eye(3);
  c.candidate = torch::eye(3);
  c.candidate_ids = torch::tensor({5, 6, 5}, torch::kLong);
  auto l = retrieval_logits(c, 1.0);
  EXPECT_TRUE(std::isinf(l[0][2].item<float>()));
  EXPECT_TRUE(std::isinf(l[2][0].item<float>()));
  EXPECT_FALSE(std::isinf(l[0][1].item<float>()));
  EXPECT_FALSE(std::isinf(l[1][0].item<float>()));
  // Row 1 keeps both negatives: log(1 + 2 e^-1); rows 0 and 2 keep one: log(1 + e^-1).
  double want = (2 * std::log1p(std::exp(-1.0)) + std::log1p(2 * std::exp(-1.0))) / 3;
  EXPECT_NEAR(in_batch_softmax_loss(c, 1.0).item<float>(), want, 1e-6);
}

TEST(RetrievalLoss, HitListsFromTheLoaderMaskTheSameCells) {
  RetrievalBatch c;
  c.query = torch::randn({3, 4});
  c.candidate = torch::randn({4, 4});
  c.candidate_ids = torch::tensor({5, 6, 5, 6}, torch::kLong);  // 3 positives, 1 extra negative
  c.log_q = torch::tensor({-1.f, -2.f, -1.f, -2.f});
  auto by_compare = retrieval_logits(c, 0.5);
  c.hit_rows = torch::tensor({0, 1, 2}, torch::kLong);
  c.hit_cols = torch::tensor({2, 3, 0}, torch::kLong);
  auto by_list = retrieval_logits(c, 0.5);
  EXPECT_TRUE(torch::equal(by_compare.isinf(), by_list.isinf()));
  auto finite = by_compare.isfinite();
  EXPECT_TRUE(torch::allclose(by_compare.masked_select(finite), by_list.masked_select(finite)));
}

TEST(RetrievalLoss, ExtraNegativesAreMoreColumns) {
  auto b = two_by_two({1, 2});
  // A third candidate (an extra negative) orthogonal to both queries: logit 0 in both rows.
  b.candidate = torch::tensor({1.f, 0.f, 0.f, 1.f, 0.f, 0.f}).view({3, 2});
  b.candidate_ids = torch::tensor({1, 2, 3}, torch::kLong);
  EXPECT_NEAR(in_batch_softmax_loss(b, 1.0).item<float>(), std::log1p(2 * std::exp(-1.0)), 1e-6);
  // An extra negative that is the row's own positive article is masked for that row.
  b.candidate_ids = torch::tensor({1, 2, 1}, torch::kLong);
  auto l = retrieval_logits(b, 1.0);
  EXPECT_TRUE(std::isinf(l[0][2].item<float>()));
  EXPECT_FALSE(std::isinf(l[1][2].item<float>()));
}

TEST(RetrievalLoss, TheOffsetIsAddedAfterTheTemperature) {
  // The popularity term: offset[i][j] is added to logit[i][j] as it is, not divided.
  auto b = two_by_two({1, 2});
  b.offset = torch::tensor({0.f, 3.f, 1.f, 0.f}).view({2, 2});
  auto logits = retrieval_logits(b, 0.5);  // dot products [[2, 0], [0, 2]] after the temperature
  EXPECT_NEAR(logits[0][0].item<float>(), 2.0, 1e-6);
  EXPECT_NEAR(logits[0][1].item<float>(), 3.0, 1e-6);
  EXPECT_NEAR(logits[1][0].item<float>(), 1.0, 1e-6);
  EXPECT_NEAR(logits[1][1].item<float>(), 2.0, 1e-6);
  double row0 = std::log1p(std::exp(3.0 - 2.0)), row1 = std::log1p(std::exp(1.0 - 2.0));
  EXPECT_NEAR(in_batch_softmax_loss(b, 0.5).item<float>(), (row0 + row1) / 2, 1e-6);
}
