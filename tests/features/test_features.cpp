#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "core/error.h"
#include "data/dataset.h"
#include "data/fixture.h"
#include "data/ingest.h"
#include "data/parse.h"
#include "features/features_stage.h"
#include "features/pair_features.h"
#include "features/raw_features.h"
#include "features/split.h"
#include "features/transform.h"
#include "test_util.h"

using namespace fr;

namespace {

const char* kTrainRows =
    "2020-09-01,c1,0100000001,0.02,2\n"
    "2020-09-01,c1,0200000001,0.04,1\n"
    "2020-09-10,c1,0100000001,0.03,2\n"
    "2020-09-14,c2,0100000002,0.05,2\n"
    "2020-09-15,c1,0300000001,0.01,2\n";
const char* kValRows =
    "2020-09-20,c1,0100000002,0.05,2\n"
    "2020-09-22,c2,0100000001,0.02,1\n";

/// A hand-made shop: 3 customers, 3 articles with metadata (A1 and A2 share a product),
/// one article only in transactions; validation = 2020-09-16 .. 2020-09-22.
Dataset make_shop(const test::TempDir& d, const std::string& val_rows = kValRows) {
  test::write_file(
      d / "articles.csv",
      std::string(test::kArticlesHeader) +
          "0100000001,100000,Top A,254,Top,Garment Upper body,1010016,Solid,09,Black,4,Dark,5,Black,1636,"
          "Jersey fancy,A,Ladieswear,1,Ladieswear,15,Womens Everyday Collection,1005,Jersey Fancy,x\n"
          "0100000002,100000,Top A,254,Top,Garment Upper body,1010016,Solid,10,White,3,Light,9,White,1636,"
          "Jersey fancy,A,Ladieswear,1,Ladieswear,15,Womens Everyday Collection,1005,Jersey Fancy,x\n"
          "0200000001,200000,Jeans B,272,Trousers,Garment Lower body,1010023,Denim,09,Black,4,Dark,5,Black,"
          "5672,Denim trousers,F,Menswear,3,Menswear,56,Denim Men,1016,Trousers Denim,y\n");
  test::write_file(d / "customers.csv",
                   "customer_id,FN,Active,club_member_status,fashion_news_frequency,age,postal_code\n"
                   "c1,1.0,1.0,ACTIVE,Regularly,25,p1\nc2,,,ACTIVE,NONE,52,p1\nc3,,,PRE-CREATE,None,,p2\n");
  test::write_file(d / "transactions_train.csv",
                   std::string("t_dat,customer_id,article_id,price,sales_channel_id\n") + kTrainRows + val_rows);
  IngestConfig c;
  c.data = d.str();
  ingest_files(resolve_inputs(c), "fail", 1, d / "ds.frc");
  return Dataset::load(d / "ds.frc");
}

float num(const RawTable& t, const std::string& name, int32_t row) { return t.num_col(name)[size_t(row)]; }

}  // namespace

TEST(Split, LastSevenDaysByDefaultAndMovableWindow) {
  test::TempDir d;
  Dataset ds = make_shop(d);
  Split s = make_split(ds, SplitConfig{});
  EXPECT_EQ(s.val_start, days_from_civil(2020, 9, 16));
  EXPECT_EQ(s.val_end, days_from_civil(2020, 9, 22));
  SplitConfig moved{7, "2020-09-15"};
  Split m = make_split(ds, moved);
  EXPECT_EQ(m.val_start, days_from_civil(2020, 9, 9));
  EXPECT_TRUE(m.is_train(days_from_civil(2020, 9, 8)));
  EXPECT_FALSE(m.is_val(days_from_civil(2020, 9, 20)));  // after the window: in neither
  ValidationTruth t = validation_truth(ds, s);
  ASSERT_EQ(t.customers.size(), 2u);
  EXPECT_EQ(t.of(0).size(), 1u);
  EXPECT_THROW(make_split(ds, SplitConfig{30, ""}), DataError);  // no training days left
  EXPECT_THROW(make_split(ds, SplitConfig{7, "2020-13-01"}), UsageError);
}

TEST(Features, HandComputedCustomerValues) {
  test::TempDir d;
  Dataset ds = make_shop(d);
  Split s = make_split(ds, SplitConfig{});
  RawTable t = customer_features(ds, s, 2);
  int32_t c1 = *ds.find_customer("c1"), c3 = *ds.find_customer("c3");
  EXPECT_EQ(num(t, "purchases", c1), 4);
  EXPECT_NEAR(num(t, "spend_total", c1), 0.10, 1e-6);
  EXPECT_NEAR(num(t, "spend_mean", c1), 0.025, 1e-6);
  EXPECT_NEAR(num(t, "spend_median", c1), 0.025, 1e-6);
  EXPECT_NEAR(num(t, "spend_std", c1), 0.011180, 1e-5);
  EXPECT_EQ(num(t, "purchases_7d", c1), 2);
  EXPECT_NEAR(num(t, "spend_7d", c1), 0.04, 1e-6);
  EXPECT_EQ(num(t, "purchases_30d", c1), 4);
  EXPECT_EQ(num(t, "days_since_first", c1), 15);
  EXPECT_EQ(num(t, "days_since_last", c1), 1);
  EXPECT_EQ(num(t, "active_weeks", c1), 2);
  EXPECT_NEAR(num(t, "online_share", c1), 0.75, 1e-6);
  EXPECT_NEAR(num(t, "share_index_group_name=Ladieswear", c1), 0.5, 1e-6);
  EXPECT_NEAR(num(t, "share_index_group_name=Menswear", c1), 0.25, 1e-6);
  EXPECT_EQ(num(t, "FN", c1), 1);
  EXPECT_EQ(num(t, "age", c1), 25);
  EXPECT_NEAR(num(t, "postal_code_frequency", c1), 2.0 / 3, 1e-6);
  EXPECT_EQ(t.cat("age_bucket").values[size_t(t.cat("age_bucket").codes[size_t(c1)])], "25-29");
  // No training purchase: counts are 0, the rest is missing.
  EXPECT_EQ(num(t, "purchases", c3), 0);
  EXPECT_TRUE(std::isnan(num(t, "spend_mean", c3)));
  EXPECT_TRUE(std::isnan(num(t, "age", c3)));
  EXPECT_EQ(t.cat("age_bucket").codes[size_t(c3)], -1);
  // "None" and "NONE" are one answer.
  const auto& fnf = t.cat("fashion_news_frequency");
  EXPECT_EQ(fnf.codes[size_t(c3)], fnf.codes[size_t(*ds.find_customer("c2"))]);
}

TEST(Features, HandComputedArticleValues) {
  test::TempDir d;
  Dataset ds = make_shop(d);
  Split s = make_split(ds, SplitConfig{});
  RawTable t = article_features(ds, s, 2);
  int32_t a1 = *ds.find_article("0100000001"), a4 = *ds.find_article("0300000001");
  EXPECT_EQ(num(t, "sales", a1), 2);
  EXPECT_EQ(num(t, "unique_customers", a1), 1);
  EXPECT_EQ(num(t, "sales_7d", a1), 1);
  EXPECT_EQ(num(t, "sales_30d", a1), 2);
  EXPECT_NEAR(num(t, "trend_7d", a1), std::log(2.0), 1e-6);
  EXPECT_NEAR(num(t, "price_mean", a1), 0.025, 1e-6);
  EXPECT_NEAR(num(t, "price_median", a1), 0.025, 1e-6);
  EXPECT_EQ(num(t, "days_since_first_sale", a1), 15);
  // An article without metadata: unknown categories, behaviour still there.
  EXPECT_EQ(num(t, "sales", a4), 1);
  EXPECT_EQ(t.cat("product_group_name").codes[size_t(a4)], -1);
  EXPECT_EQ(t.cat("product_code").codes[size_t(a4)], -1);
  EXPECT_EQ(t.cat("product_code").codes[size_t(a1)],
            t.cat("product_code").codes[size_t(*ds.find_article("0100000002"))]);
}

TEST(Features, HandComputedPairValues) {
  test::TempDir d;
  Dataset ds = make_shop(d);
  Split s = make_split(ds, SplitConfig{});
  PairFeaturizer pf(ds, s);
  int32_t c1 = *ds.find_customer("c1"), c2 = *ds.find_customer("c2");
  int32_t a1 = *ds.find_article("0100000001"), a2 = *ds.find_article("0100000002"), a3 = *ds.find_article("0200000001");
  float f[PairFeaturizer::kDim];
  pf.compute(c1, a1, f);
  EXPECT_EQ(f[0], 2);  // times bought
  EXPECT_EQ(f[1], 6);  // last on 09-10, 6 days before 09-16
  EXPECT_EQ(f[2], 0);
  pf.compute(c1, a2, f);
  EXPECT_EQ(f[0], 0);
  EXPECT_TRUE(std::isnan(f[1]));
  EXPECT_EQ(f[2], 2);            // A1 twice: same product_code
  EXPECT_NEAR(f[3], 0.5, 1e-6);  // product type Top: A1, A1 of 4
  EXPECT_NEAR(f[4], 0.0, 1e-6);  // White: none
  pf.compute(c1, a3, f);
  EXPECT_NEAR(f[4], 0.75, 1e-6);  // Black: A1, A1, A3
  EXPECT_NEAR(f[6], 0.04 / 0.025, 1e-4);
  EXPECT_EQ(f[8], 4);
  pf.compute(c2, a2, f);
  EXPECT_NEAR(f[7], 1000, 1e-3);  // all of the 50-59 bucket's purchases in the last 30 days
}

TEST(Features, NothingFromTheValidationWindowLeaks) {
  test::TempDir a, b;
  Dataset da = make_shop(a);
  // Change one validation purchase and add two.
  Dataset db = make_shop(b,
                         "2020-09-20,c1,0200000001,0.09,1\n2020-09-21,c3,0100000001,0.02,2\n"
                         "2020-09-22,c2,0100000002,0.07,1\n");
  SplitConfig sc;
  Split sa = make_split(da, sc), sb = make_split(db, sc);
  ASSERT_EQ(sa.val_start, sb.val_start);
  RawTable ca = customer_features(da, sa, 1), cb = customer_features(db, sb, 1);
  RawTable aa = article_features(da, sa, 1), ab = article_features(db, sb, 1);
  auto same = [](const RawTable& x, const RawTable& y) {
    ASSERT_EQ(x.num_names, y.num_names);
    for (size_t k = 0; k < x.num.size(); ++k)
      for (size_t r = 0; r < x.rows; ++r) {
        float u = x.num[k][r], v = y.num[k][r];
        EXPECT_TRUE(u == v || (std::isnan(u) && std::isnan(v))) << x.num_names[k] << " row " << r;
      }
  };
  same(ca, cb);
  same(aa, ab);
  // The fitted transforms (scaler statistics) are the same: fitted on training data only.
  EXPECT_EQ(FeatureTransform::fit(ca).to_json(), FeatureTransform::fit(cb).to_json());
  EXPECT_EQ(FeatureTransform::fit(aa).to_json(), FeatureTransform::fit(ab).to_json());
  PairFeaturizer pa(da, sa), pb(db, sb);
  for (int32_t c = 0; c < da.n_customers(); ++c)
    for (int32_t x = 0; x < da.n_articles(); ++x) {
      float u[PairFeaturizer::kDim], v[PairFeaturizer::kDim];
      pa.compute(c, x, u);
      pb.compute(c, x, v);
      for (size_t k = 0; k < PairFeaturizer::kDim; ++k)
        EXPECT_TRUE(u[k] == v[k] || (std::isnan(u[k]) && std::isnan(v[k]))) << PairFeaturizer::names()[k];
    }
}

TEST(Features, TransformStandardisesFillsMissingAndOneHots) {
  test::TempDir d;
  Dataset ds = make_shop(d);
  Split s = make_split(ds, SplitConfig{});
  RawTable t = customer_features(ds, s, 1);
  FeatureTransform f = FeatureTransform::fit(t);
  std::vector<float> x;
  std::vector<int32_t> idx;
  f.apply(t, x, idx, 2);
  ASSERT_EQ(x.size(), t.rows * f.dim());
  const auto& names = f.column_names();
  auto col = [&](const std::string& n) { return size_t(std::find(names.begin(), names.end(), n) - names.begin()); };
  // Standardised: mean 0 over the fitted rows; missing -> median, with a flag column.
  for (const char* n : {"purchases", "age", "spend_mean"}) {
    size_t k = col(n);
    ASSERT_LT(k, names.size()) << n;
    double sum = 0;
    for (size_t r = 0; r < t.rows; ++r) sum += x[r * f.dim() + k];
    EXPECT_NEAR(sum, 0, 1e-4) << n;
  }
  size_t flag = col("age_missing");
  ASSERT_LT(flag, names.size());
  int32_t c3 = *ds.find_customer("c3");
  EXPECT_EQ(x[size_t(c3) * f.dim() + flag], 1.f);
  EXPECT_EQ(x[size_t(c3) * f.dim() + col("age_bucket=unknown")], 1.f);
  EXPECT_EQ(x[size_t(c3) * f.dim() + col("club_member_status=PRE-CREATE")], 1.f);
  EXPECT_GE(col("postal_code"), names.size()) << "high-cardinality: an embedding index, not one-hot";
  ASSERT_EQ(f.n_index(), 1u);
  EXPECT_GT(idx[size_t(c3)], 0);
  // Serving applies the same transform to named values and gets the same row.
  FeatureTransform g = FeatureTransform::from_json(f.to_json());
  std::map<std::string, float> nums;
  for (size_t k = 0; k < t.num.size(); ++k) nums[t.num_names[k]] = t.num[k][size_t(c3)];
  std::map<std::string, std::string> cats;
  std::map<std::string, int32_t> codes;
  for (auto& c : t.cats) {
    int32_t code = c.codes[size_t(c3)];
    if (c.embed)
      codes[c.name] = code;
    else if (code >= 0)
      cats[c.name] = c.values[size_t(code)];
  }
  std::vector<float> row(g.dim());
  std::vector<int32_t> irow(g.n_index());
  g.apply_row(nums, cats, codes, row.data(), irow.data());
  for (size_t k = 0; k < g.dim(); ++k) EXPECT_FLOAT_EQ(row[k], x[size_t(c3) * f.dim() + k]) << names[k];
  EXPECT_EQ(irow[0], idx[size_t(c3)]);
}

TEST(Features, NegativesAreNeverTheCustomersPositives) {
  test::TempDir d;
  Dataset ds = make_shop(d);
  Split s = make_split(ds, SplitConfig{});
  ValidationTruth t = validation_truth(ds, s);
  for (const char* mode : {"uniform", "popularity"}) {
    LabelledPairs p = sample_negatives(t, ds, s, NegativeConfig{3, mode, 7});
    ASSERT_EQ(p.customer.size(), t.articles.size() * 4);
    for (size_t i = 0; i < p.customer.size(); ++i) {
      auto it = std::find(t.customers.begin(), t.customers.end(), p.customer[i]);
      ASSERT_NE(it, t.customers.end());
      auto pos = t.of(size_t(it - t.customers.begin()));
      bool is_pos = std::find(pos.begin(), pos.end(), p.article[i]) != pos.end();
      EXPECT_EQ(is_pos, p.label[i] == 1) << mode << " pair " << i;
    }
  }
  EXPECT_THROW(sample_negatives(t, ds, s, NegativeConfig{3, "random", 7}), UsageError);
}

TEST(Features, RealHmSampleGoesThrough) {
  if (!test::have_shared_data()) GTEST_SKIP() << "../shared/data is absent (a user's clone): real-data test skipped";
  test::TempDir d;
  Workspace ws(d.str());
  IngestConfig ic;
  ic.data = test::shared_data() + "/hm-sample";
  run_ingest(ws, ic, 2, false);
  auto split = run_split(ws, SplitConfig{28, ""}, false);
  EXPECT_EQ(split["val_customers"], 247);
  auto f = run_features(ws, FeaturesConfig{}, 2, false);
  EXPECT_EQ(f["articles"], 24717);
  Dataset ds = Dataset::load(ws.path(kDatasetFile));
  Split s = load_split(ws);
  RawTable art = article_features(ds, s, 2);
  // Articles without metadata: unknown categories, and their sales still counted.
  int64_t no_meta_sold = 0;
  for (int32_t a = 0; a < ds.n_articles(); ++a) {
    if (ds.article_has_meta[size_t(a)]) continue;
    EXPECT_EQ(art.cat("colour_group_name").codes[size_t(a)], -1);
    no_meta_sold += num(art, "sales", a) > 0;
  }
  EXPECT_GT(no_meta_sold, 10000);
  EXPECT_TRUE(std::filesystem::exists(ws.path("feature_report.md")));
  EXPECT_TRUE(run_features(ws, FeaturesConfig{}, 2, false)["up_to_date"].get<bool>());
}

TEST(Features, HistoryColumnsAreTheOnesSummedUpToTheSplit) {
  for (const char* name : {"sales_7d", "trend_7d", "days_since_first_sale_missing", "purchases", "spend_mean_missing",
                           "share_index_group_name=Sport", "share_product_group_name=Shoes_missing", "price_level"})
    EXPECT_TRUE(is_history_column(name)) << name;
  for (const char* name : {"age", "age_missing", "FN", "club_member_status=ACTIVE", "price_mean",
                           "price_median_missing", "colour_group_name=Black", "postal_code_frequency", "salesman"})
    EXPECT_FALSE(is_history_column(name)) << name;
}
