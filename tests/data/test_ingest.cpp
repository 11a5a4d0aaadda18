#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "core/error.h"
#include "data/dataset.h"
#include "data/dataset_csv.h"
#include "data/ingest.h"
#include "data/parse.h"
#include "fixture.h"

using namespace fr;

namespace {
Dataset ingest_dir(const std::string& data, const std::string& out, int threads = 2) {
  IngestConfig c;
  c.data = data;
  ingest_files(resolve_inputs(c), "fail", threads, out);
  return Dataset::load(out);
}
}  // namespace

TEST(Ingest, TakesEveryQuirkAndCountsIt) {
  test::TempDir d;
  test::write_quirky_fixture(d.str());
  Dataset ds = ingest_dir(d.str(), d / "ds.frc");
  const auto& s = ds.summary();

  // Ids with and without leading zeros are one article.
  ASSERT_TRUE(ds.find_article("0663713001"));
  EXPECT_EQ(ds.find_article("663713001"), ds.find_article("0663713001"));
  EXPECT_EQ(*ds.find_article("0111565001"), 0);
  EXPECT_EQ(s["articles"]["ids_without_leading_zero"], 1);
  EXPECT_EQ(s["transactions"]["article_ids_without_leading_zero"], 1);

  // Quoted commas and free text.
  int32_t a0 = *ds.find_article("0111565001");
  EXPECT_EQ(ds.category("section_name").at(size_t(a0)), "Womens Nightwear, Socks & Tigh");
  EXPECT_EQ(ds.detail_desc[size_t(a0)], "Semi shiny nylon stockings with a wide, reinforced trim.");
  EXPECT_EQ(ds.detail_desc[size_t(*ds.find_article("663713001"))], "");
  EXPECT_EQ(ds.article_int("colour_group_code")[size_t(a0)], 9);

  // Empty FN/Active, ages written 49 and 55.0, empty age, NONE / None / empty.
  int32_t c1 = *ds.find_customer("c1"), c2 = *ds.find_customer("c2"), c3 = *ds.find_customer("c3");
  int32_t c4 = *ds.find_customer("c4");
  EXPECT_EQ(ds.fn[size_t(c1)], -1);
  EXPECT_EQ(ds.fn[size_t(c2)], 1);
  EXPECT_EQ(ds.active[size_t(c2)], 1);
  EXPECT_EQ(ds.age[size_t(c1)], 49.0f);
  EXPECT_EQ(ds.age[size_t(c2)], 55.0f);
  EXPECT_TRUE(std::isnan(ds.age[size_t(c3)]));
  EXPECT_EQ(ds.fashion_news_frequency.at(size_t(c1)), "NONE");
  EXPECT_EQ(ds.fashion_news_frequency.at(size_t(c3)), "None");
  EXPECT_EQ(ds.fashion_news_frequency.codes[size_t(c4)], -1);
  EXPECT_EQ(ds.club_member_status.codes[size_t(c4)], -1);
  EXPECT_EQ(ds.postal_code.codes[size_t(c1)], ds.postal_code.codes[size_t(c3)]);
  const auto& q = s["customers"]["quirks"];
  EXPECT_EQ(q["empty_FN"], 3);
  EXPECT_EQ(q["empty_age"], 1);
  EXPECT_EQ(q["age_written_as_decimal"], 2);
  EXPECT_EQ(q["fashion_news_frequency_values"]["None"], 1);
  EXPECT_EQ(q["fashion_news_frequency_values"]["NONE"], 1);
  EXPECT_EQ(q["fashion_news_frequency_values"][""], 1);
  EXPECT_EQ(s["customers"]["file"]["crlf_lines"], 4);
  EXPECT_EQ(s["transactions"]["file"]["bom"], true);

  // Purchases without metadata are kept and counted; repeated rows are kept.
  EXPECT_EQ(ds.n_transactions(), 6);
  EXPECT_EQ(s["transactions"]["repeated_rows"], 1);
  EXPECT_EQ(s["customers"]["only_in_transactions"], 1);
  EXPECT_EQ(s["articles"]["only_in_transactions"], 2);
  EXPECT_EQ(s["transactions"]["distinct_articles"], 4);
  EXPECT_EQ(s["transactions"]["distinct_articles_with_metadata"], 2);
  EXPECT_EQ(s["transactions"]["rows_with_article_metadata"], 3);
  EXPECT_EQ(s["transactions"]["rows_with_customer_metadata"], 4);
  int32_t c9 = *ds.find_customer("c9");
  EXPECT_EQ(c9, 4);  // after the 4 metadata rows
  EXPECT_EQ(ds.customer_has_meta[size_t(c9)], 0);
  EXPECT_TRUE(std::isnan(ds.age[size_t(c9)]));
  int32_t a9 = *ds.find_article("0999999001");
  EXPECT_EQ(a9, 2);
  EXPECT_EQ(*ds.find_article("888888001"), 3);  // in order of first purchase
  EXPECT_EQ(ds.article_has_meta[size_t(a9)], 0);
  EXPECT_EQ(ds.article_int("product_code")[size_t(a9)], kMissingInt);
  EXPECT_EQ(ds.category("colour_group_name").codes[size_t(a9)], -1);

  // Transaction values.
  EXPECT_EQ(format_date(ds.tx_day[3]), "2018-09-21");
  EXPECT_EQ(ds.tx_customer[3], c9);
  EXPECT_FLOAT_EQ(ds.tx_price[0], 0.050830508474576264f);
  EXPECT_EQ(ds.tx_channel[2], 1);
  EXPECT_FALSE(ds.find_customer("nobody"));
  EXPECT_FALSE(ds.find_article("12x"));
}

TEST(Ingest, RoundTripCsvToDatasetAndBack) {
  test::TempDir d;
  test::write_quirky_fixture(d / "");
  Dataset first = ingest_dir(d.str(), d / "a.frc");
  write_dataset_csv(first, d / "out");
  Dataset second = ingest_dir(d / "out", d / "b.frc");
  ASSERT_EQ(first.n_transactions(), second.n_transactions());
  ASSERT_EQ(first.n_customers(), second.n_customers());
  ASSERT_EQ(first.n_articles(), second.n_articles());
  for (int64_t i = 0; i < first.n_transactions(); ++i) {
    size_t k = size_t(i);
    EXPECT_EQ(first.tx_day[k], second.tx_day[k]);
    EXPECT_EQ(first.customer_id[size_t(first.tx_customer[k])], second.customer_id[size_t(second.tx_customer[k])]);
    EXPECT_EQ(first.article_id[size_t(first.tx_article[k])], second.article_id[size_t(second.tx_article[k])]);
    EXPECT_EQ(first.tx_price[k], second.tx_price[k]);
    EXPECT_EQ(first.tx_channel[k], second.tx_channel[k]);
  }
  for (int32_t c = 0; c < first.n_customers(); ++c) {
    size_t r = size_t(c);
    if (!first.customer_has_meta[r]) continue;
    EXPECT_EQ(first.customer_id[r], second.customer_id[r]);
    EXPECT_EQ(first.fn[r], second.fn[r]);
    EXPECT_EQ(first.active[r], second.active[r]);
    EXPECT_TRUE(first.age[r] == second.age[r] || (std::isnan(first.age[r]) && std::isnan(second.age[r])));
    EXPECT_EQ(first.club_member_status.at(r), second.club_member_status.at(r));
    EXPECT_EQ(first.fashion_news_frequency.at(r), second.fashion_news_frequency.at(r));
    EXPECT_EQ(first.postal_code.at(r), second.postal_code.at(r));
  }
  for (int32_t a = 0; a < first.n_articles(); ++a) {
    size_t r = size_t(a);
    if (!first.article_has_meta[r]) continue;
    EXPECT_EQ(first.article_id[r], second.article_id[r]);
    for (auto* n : kArticleIntColumns) EXPECT_EQ(first.article_int(n)[r], second.article_int(n)[r]) << n;
    for (auto* n : kArticleCategoryColumns) EXPECT_EQ(first.category(n).at(r), second.category(n).at(r)) << n;
    EXPECT_EQ(first.detail_desc[r], second.detail_desc[r]);
  }
}

TEST(Ingest, MalformedTransactionsFailOrSkip) {
  test::TempDir d;
  test::write_quirky_fixture(d.str());
  std::string t = test::read_file(d / "transactions_train.csv");
  t += "2018-09-3x,c1,0663713001,0.05,2\n"   // bad date
       "2018-09-23,c1,0663713001,cheap,2\n"  // bad price
       "2018-09-23,c1,06637x3001,0.05,2\n"   // bad article id
       "2018-09-23,c1,0663713001,0.05\n";    // field count
  test::write_file(d / "transactions_train.csv", t);
  IngestConfig c;
  c.data = d.str();
  try {
    ingest_files(resolve_inputs(c), "fail", 2, d / "x.frc");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_EQ(e.where().line, 8);
    EXPECT_EQ(e.where().field, "t_dat");
  }
  EXPECT_FALSE(std::filesystem::exists(d / "x.frc"));
  auto s = ingest_files(resolve_inputs(c), "skip", 2, d / "x.frc");
  EXPECT_EQ(s["transactions"]["rows"], 6);
  EXPECT_EQ(s["transactions"]["file"]["skipped"], 4);
  EXPECT_EQ(s["transactions"]["file"]["first_skipped"].size(), 4u);
  EXPECT_EQ(s["transactions"]["file"]["first_skipped"][1]["field"], "price");
  EXPECT_EQ(s["transactions"]["file"]["first_skipped"][1]["line"], 9);
}

TEST(Ingest, RepeatedMetadataIdsFailOrKeepTheFirst) {
  test::TempDir d;
  test::write_quirky_fixture(d.str());
  std::string c = test::read_file(d / "customers.csv") + "c1,,,ACTIVE,NONE,30,p9\r\n";
  test::write_file(d / "customers.csv", c);
  IngestConfig cfg;
  cfg.data = d.str();
  EXPECT_THROW(ingest_files(resolve_inputs(cfg), "fail", 1, d / "x.frc"), DataError);
  auto s = ingest_files(resolve_inputs(cfg), "skip", 1, d / "x.frc");
  EXPECT_EQ(s["customers"]["repeated_ids_skipped"], 1);
  Dataset ds = Dataset::load(d / "x.frc");
  EXPECT_EQ(ds.age[size_t(*ds.find_customer("c1"))], 49.0f);
}

TEST(Ingest, StageSkipsWhenUpToDateAndRerunsWhenAnInputChanges) {
  test::TempDir d;
  test::write_quirky_fixture(d.str());
  Workspace ws(d / "ws");
  IngestConfig c;
  c.data = d.str();
  auto first = run_ingest(ws, c, 2, false);
  EXPECT_FALSE(first.up_to_date);
  auto second = run_ingest(ws, c, 2, false);
  EXPECT_TRUE(second.up_to_date);
  EXPECT_EQ(second.summary["transactions"]["rows"], 6);
  test::write_file(d / "transactions_train.csv",
                   test::read_file(d / "transactions_train.csv") + "2018-09-23,c1,0663713001,0.05,2\n");
  auto third = run_ingest(ws, c, 2, false);
  EXPECT_FALSE(third.up_to_date);
  EXPECT_EQ(third.summary["transactions"]["rows"], 7);
  c.on_error = "skip";
  EXPECT_FALSE(run_ingest(ws, c, 2, false).up_to_date);  // config changed
}

TEST(Ingest, MissingInputsAreClearErrors) {
  test::TempDir d;
  IngestConfig c;
  EXPECT_THROW(resolve_inputs(c), UsageError);
  c.data = d / "nope";
  EXPECT_THROW(resolve_inputs(c), DataError);
  c.data = d.str();
  EXPECT_THROW(resolve_inputs(c), DataError);  // transactions_train.csv is missing
}
