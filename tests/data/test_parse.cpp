#include <gtest/gtest.h>

#include "data/parse.h"

using namespace fr;

TEST(Parse, Dates) {
  int32_t d;
  ASSERT_TRUE(parse_date("1970-01-01", d));
  EXPECT_EQ(d, 0);
  ASSERT_TRUE(parse_date("2018-09-20", d));
  EXPECT_EQ(d, 17794);
  EXPECT_EQ(format_date(d), "2018-09-20");
  ASSERT_TRUE(parse_date("2020-02-29", d));
  EXPECT_EQ(format_date(d), "2020-02-29");
  EXPECT_FALSE(parse_date("2019-02-29", d));
  EXPECT_FALSE(parse_date("2018-13-01", d));
  EXPECT_FALSE(parse_date("2018-9-20", d));
  EXPECT_FALSE(parse_date("2018/09/20", d));
  EXPECT_FALSE(parse_date("", d));
}

TEST(Parse, FloatsWithManyDigits) {
  float f;
  ASSERT_TRUE(parse_float("0.050830508474576264", f));
  EXPECT_FLOAT_EQ(f, 0.050830508474576264f);
  ASSERT_TRUE(parse_float("0.0508305084745762", f));
  EXPECT_FLOAT_EQ(f, 0.0508305084745762f);
  ASSERT_TRUE(parse_float("55.0", f));
  EXPECT_EQ(f, 55.0f);
  ASSERT_TRUE(parse_float("-2.5", f));
  EXPECT_EQ(f, -2.5f);
  ASSERT_TRUE(parse_float("1e-3", f));
  EXPECT_FLOAT_EQ(f, 0.001f);
  ASSERT_TRUE(parse_float("12345678901234567890123", f));
  EXPECT_FLOAT_EQ(f, 1.2345678901234568e22f);
  EXPECT_FALSE(parse_float("", f));
  EXPECT_FALSE(parse_float("abc", f));
  EXPECT_FALSE(parse_float("0.05x", f));
  EXPECT_FALSE(parse_float("nan", f));
  for (float v : {0.0169322f, 0.5915254f, 1e-7f, 123.456f}) {
    ASSERT_TRUE(parse_float(format_float(v), f));
    EXPECT_EQ(f, v);
  }
}

TEST(Parse, IntsAlsoWrittenWithDecimal) {
  int64_t v;
  bool dec;
  ASSERT_TRUE(parse_int("55.0", v, &dec));
  EXPECT_EQ(v, 55);
  EXPECT_TRUE(dec);
  ASSERT_TRUE(parse_int("-1", v, &dec));
  EXPECT_EQ(v, -1);
  EXPECT_FALSE(dec);
  EXPECT_FALSE(parse_int("55.5", v));
  EXPECT_FALSE(parse_int("", v));
  EXPECT_FALSE(parse_int("1x", v));
}

TEST(Parse, ArticleIdsWithAndWithoutLeadingZero) {
  int64_t a, b;
  ASSERT_TRUE(parse_article_id("0663713001", a));
  ASSERT_TRUE(parse_article_id("663713001", b));
  EXPECT_EQ(a, b);
  EXPECT_EQ(format_article_id(a), "0663713001");
  EXPECT_FALSE(parse_article_id("06637130011", a));
  EXPECT_FALSE(parse_article_id("66371300a", a));
  EXPECT_FALSE(parse_article_id("", a));
}

TEST(Parse, CsvQuoteOnlyWhenNeeded) {
  EXPECT_EQ(csv_quote("Strap top"), "Strap top");
  EXPECT_EQ(csv_quote("Womens Nightwear, Socks & Tigh"), "\"Womens Nightwear, Socks & Tigh\"");
  EXPECT_EQ(csv_quote("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_quote("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_quote(""), "");
}
