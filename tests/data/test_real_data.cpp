// The real H&M rows in ../shared/data. Skipped, with a message, where that folder is absent.
#include <gtest/gtest.h>

#include "data/dataset.h"
#include "data/ingest.h"
#include "test_util.h"

using namespace fr;

TEST(RealData, HmSampleCountsMatchTheDataReadme) {
  if (!test::have_shared_data()) GTEST_SKIP() << "../shared/data is absent (a user's clone): real-data test skipped";
  test::TempDir d;
  IngestConfig c;
  c.data = test::shared_data() + "/hm-sample";
  auto s = ingest_files(resolve_inputs(c), "fail", 2, d / "ds.frc");
  const auto& t = s["transactions"];
  EXPECT_EQ(t["rows"], 31662);
  EXPECT_EQ(t["distinct_customers"], 1364);
  EXPECT_EQ(t["distinct_articles"], 17033);
  EXPECT_EQ(t["distinct_articles_with_metadata"], 4116);
  EXPECT_EQ(t["rows_with_article_metadata"], 9925);
  EXPECT_EQ(t["first_day"], "2018-09-20");
  EXPECT_EQ(t["last_day"], "2020-09-22");
  EXPECT_EQ(s["customers"]["rows"], 1364);
  EXPECT_EQ(s["customers"]["only_in_transactions"], 0);
  EXPECT_EQ(s["articles"]["rows"], 11800);
  Dataset ds = Dataset::load(d / "ds.frc");
  EXPECT_EQ(ds.n_articles(), 11800 + 17033 - 4116);
}

TEST(RealData, RawSlicesArticlesWithoutLeadingZerosMatchTransactions) {
  if (!test::have_shared_data()) GTEST_SKIP() << "../shared/data is absent (a user's clone): real-data test skipped";
  test::TempDir d;
  std::string dir = test::shared_data() + "/hm-raw-slices";
  IngestConfig c;
  c.articles = dir + "/articles_no_leading_zeros.csv";
  c.customers = dir + "/customers.csv";
  c.transactions = dir + "/transactions_train.csv";
  auto s = ingest_files(resolve_inputs(c), "fail", 2, d / "ds.frc");
  EXPECT_EQ(s["transactions"]["rows"], 1000);
  EXPECT_EQ(s["articles"]["rows"], 1000);
  EXPECT_EQ(s["articles"]["ids_without_leading_zero"], 1000);
  EXPECT_EQ(s["transactions"]["article_ids_without_leading_zero"], 0);
  // Without the leading-zero match no purchase would find its article row.
  EXPECT_GT(s["transactions"]["distinct_articles_with_metadata"].get<int>(), 0);
  Dataset ds = Dataset::load(d / "ds.frc");
  auto a = ds.find_article("0108775015");
  ASSERT_TRUE(a);
  EXPECT_EQ(ds.article_has_meta[size_t(*a)], 1);
  EXPECT_EQ(ds.find_article("108775015"), a);
  // Every purchase of an article with a metadata row points at that row.
  int64_t matched = 0;
  for (int64_t i = 0; i < ds.n_transactions(); ++i) matched += ds.article_has_meta[size_t(ds.tx_article[size_t(i)])];
  EXPECT_EQ(matched, s["transactions"]["rows_with_article_metadata"].get<int64_t>());
}
