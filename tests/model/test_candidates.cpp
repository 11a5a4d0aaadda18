// The candidate sources on a hand-made shop, the same candidates from the known-customer and
// the session paths, the GBDT ranker's feature rows against a direct computation (and their
// leakage test), and the booster round-tripping through bytes.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

#include "core/error.h"
#include "data/dataset.h"
#include "data/fixture.h"
#include "data/ingest.h"
#include "data/parse.h"
#include "features/split.h"
#include "model/as_of_data.h"
#include "model/candidate_features.h"
#include "model/candidates.h"
#include "model/gbdt_booster.h"
#include "test_util.h"

using namespace fr;

namespace {

// Articles: A1, A2 (product 100000, dept 1636), A3 (product 200000, dept 5672), A4 (product
// 300000, dept 1636), A5 (product 400000, dept 5672).
std::string article(const std::string& id, const std::string& product, const std::string& dept) {
  return id + "," + product + ",Name,254,Top,Garment Upper body,1010016,Solid,09,Black,4,Dark,5,Black," + dept +
         ",Dept,A,Ladieswear,1,Ladieswear,15,Section,1005,Jersey Fancy,x\n";
}

const char* kRows =
    // c1 (age 25): A1 twice, A3 once; the last on 09-15 (the as-of day is 09-16)
    "2020-09-01,c1,0100000001,0.02,2\n"
    "2020-09-10,c1,0100000001,0.03,2\n"
    "2020-09-15,c1,0300000001,0.01,2\n"
    // c2 (age 52): A1 and A4 on the same day (co-purchase), A5 a week before
    "2020-09-03,c2,0500000001,0.02,1\n"
    "2020-09-14,c2,0100000001,0.02,1\n"
    "2020-09-14,c2,0400000001,0.05,1\n"
    // c3: A4 three times in the last 7 days, A5 once 10 days back and twice 12 days back
    "2020-09-04,c3,0500000001,0.02,1\n"
    "2020-09-04,c3,0500000001,0.02,1\n"
    "2020-09-06,c3,0500000001,0.02,1\n"
    "2020-09-12,c3,0400000001,0.05,2\n"
    "2020-09-13,c3,0400000001,0.05,2\n"
    "2020-09-15,c3,0400000001,0.05,2\n";
const char* kValRows = "2020-09-18,c1,0100000002,0.05,2\n2020-09-22,c2,0100000001,0.02,1\n";

Dataset make_shop(const test::TempDir& d, const std::string& val_rows = kValRows) {
  test::write_file(d / "articles.csv",
                   std::string(test::kArticlesHeader) + article("0100000001", "100000", "1636") +
                       article("0100000002", "100000", "1636") + article("0300000001", "200000", "5672") +
                       article("0400000001", "300000", "1636") + article("0500000001", "400000", "5672"));
  test::write_file(d / "customers.csv",
                   "customer_id,FN,Active,club_member_status,fashion_news_frequency,age,postal_code\n"
                   "c1,1.0,1.0,ACTIVE,Regularly,25,p1\nc2,,,ACTIVE,NONE,52,p1\nc3,,,ACTIVE,NONE,30,p2\n");
  test::write_file(d / "transactions_train.csv",
                   std::string("t_dat,customer_id,article_id,price,sales_channel_id\n") + kRows + val_rows);
  IngestConfig c;
  c.data = d.str();
  ingest_files(resolve_inputs(c), "fail", 1, d / "ds.frc");
  return Dataset::load(d / "ds.frc");
}

struct Shop {
  test::TempDir dir;
  Dataset d;
  Split split;
  FeatureRows rows;  // the sources and features need no customer rows
  std::unique_ptr<AsOfData> data;
  int32_t a1, a2, a3, a4, a5, c1, c2, c3;
  explicit Shop(const std::string& val_rows = kValRows) : d(make_shop(dir, val_rows)) {
    split = make_split(d, SplitConfig{});
    data = std::make_unique<AsOfData>(d, split, rows, 1);
    a1 = *d.find_article("0100000001"), a2 = *d.find_article("0100000002"), a3 = *d.find_article("0300000001");
    a4 = *d.find_article("0400000001"), a5 = *d.find_article("0500000001");
    c1 = *d.find_customer("c1"), c2 = *d.find_customer("c2"), c3 = *d.find_customer("c3");
  }
  std::vector<Proposal> propose(const CandidateSource& s, int32_t customer, size_t n = 10) const {
    std::vector<Proposal> out;
    s.propose(*data, customer_view(*data, customer, {}, d.age[size_t(customer)]), n, out);
    return out;
  }
};

std::vector<int32_t> articles(const std::vector<Proposal>& p) {
  std::vector<int32_t> out;
  for (auto& x : p) out.push_back(x.article);
  return out;
}

}  // namespace

TEST(Sources, RepurchaseWeighsPastArticlesByRecency) {
  Shop s;
  int32_t day = 0;
  ASSERT_TRUE(parse_date("2020-09-16", day));
  ASSERT_EQ(s.split.val_start, day);
  auto p = s.propose(repurchase_source(), s.c1);
  // A1: 2^(-15/30) + 2^(-6/30) = 1.578; A3: 2^(-1/30) = 0.977.
  ASSERT_EQ(articles(p), (std::vector<int32_t>{s.a1, s.a3}));
  EXPECT_NEAR(p[0].score, std::exp2(-15.0 / 30) + std::exp2(-6.0 / 30), 1e-5);
  EXPECT_NEAR(p[1].score, std::exp2(-1.0 / 30), 1e-5);
  EXPECT_EQ(s.propose(repurchase_source(), s.c1, 1).size(), 1u);
}

TEST(Sources, CoPurchaseSameProductTrendingDepartmentPopular) {
  Shop s;
  // c2 bought A1 and A4 on one day: c1, whose recent articles include A1, gets A4.
  auto co = articles(s.propose(co_purchase_source(), s.c1));
  EXPECT_NE(std::find(co.begin(), co.end(), s.a4), co.end());
  // Same product: A1's other colour A2, never A1 itself.
  EXPECT_EQ(articles(s.propose(same_product_source(), s.c1)), (std::vector<int32_t>{s.a2}));
  // Trending: A4 sold 4 times in the last 7 days, none in the 7 before; A1 2 against 1 (c1 on
  // 09-10, c2 on 09-14 vs c1 on 09-01: only 09-10 and 09-14 are within 7 days: 2 vs 0). A5
  // fell (0 against 4 in 09-02..09-08).
  auto tr = s.propose(trending_source(), s.c1);
  ASSERT_GE(tr.size(), 2u);
  EXPECT_EQ(tr[0].article, s.a4);
  EXPECT_FLOAT_EQ(tr[0].score, 4.f);
  for (auto& x : tr) EXPECT_NE(x.article, s.a5) << "falling sales are no trend";
  // Department: c3 bought in 1636 (A4 x3) and 5672 (A5 x3); the newest purchases weigh more,
  // so 1636 comes first; its last-week best seller is A4, then A1.
  auto dept = articles(s.propose(department_source(), s.c3));
  ASSERT_GE(dept.size(), 2u);
  EXPECT_EQ(dept[0], s.a4);
  // Popular: the age bucket's last week; an unknown customer gets a list too.
  EXPECT_FALSE(s.propose(popular_source(), s.c1).empty());
  std::vector<Proposal> anon;
  popular_source().propose(*s.data, customer_view(*s.data, -1, {}, std::nanf("")), 3, anon);
  EXPECT_FALSE(anon.empty());
  // A customer with no history: nothing to repurchase, no favourite department.
  std::vector<Proposal> none;
  repurchase_source().propose(*s.data, customer_view(*s.data, -1, {}, 30.f), 10, none);
  department_source().propose(*s.data, customer_view(*s.data, -1, {}, 30.f), 10, none);
  EXPECT_TRUE(none.empty());
}

TEST(Sources, PicturesProposeTheNearestPictures) {
  Shop s;
  std::vector<Proposal> p;
  pictures_source().propose(*s.data, customer_view(*s.data, s.c1, {}, 25.f), 10, p);
  EXPECT_TRUE(p.empty()) << "no pictures, no proposals";
  // 2-d unit vectors: A4 next to A3 (c1's newest), A5 further, A2 opposite; A1 has no picture.
  const size_t na = size_t(s.d.n_articles());
  std::vector<float> v(na * 2, 0.f);
  std::vector<uint8_t> has(na, 1);
  auto put = [&](int32_t a, float x, float y) { v[size_t(a) * 2] = x, v[size_t(a) * 2 + 1] = y; };
  put(s.a3, 1, 0), put(s.a4, 0.96f, 0.28f), put(s.a5, 0.6f, 0.8f), put(s.a2, -1, 0);
  has[size_t(s.a1)] = 0;
  s.data->set_pictures(v, 2, has, 1);
  pictures_source().propose(*s.data, customer_view(*s.data, s.c1, {}, 25.f), 10, p);
  // Only articles sold in the last 28 days are proposed (A2 never sold).
  ASSERT_EQ(articles(p), (std::vector<int32_t>{s.a4, s.a5}));
  EXPECT_NEAR(p[0].score, 0.96f, 1e-5);
}

TEST(Sources, KnownCustomerAndSessionGiveTheSameCandidates) {
  // c3's purchases as a session of a customer who is in no data set: the same candidates.
  // (All of c3's purchases are in the data before the as-of day, the session's on the day: the
  // weights differ by a common factor per article only when the days agree, so compare a
  // customer whose purchases share one day.)
  test::TempDir dir;
  Dataset d = make_shop(dir, std::string(kValRows) + "");
  Split split = make_split(d, SplitConfig{});
  FeatureRows rows;
  AsOfData data(d, split, rows, 1);
  const int32_t c2 = *d.find_customer("c2");
  // c2 bought A5 on 09-03, A1 and A4 on 09-14: as a session, in the same order.
  std::vector<int32_t> session;
  for (uint32_t r : data.purchases(c2)) session.push_back(d.tx_article[r]);
  SourceCounts n = {0, 20, 20, 20, 10, 10, 10, 10};
  CandidateList known, fresh;
  gather_candidates(data, customer_view(data, c2, {}, d.age[size_t(c2)]), n, known);
  gather_candidates(data, customer_view(data, -1, session, d.age[size_t(c2)]), n, fresh);
  std::set<std::pair<int32_t, uint8_t>> a, b;
  for (size_t i = 0; i < known.size(); ++i) a.emplace(known.articles()[i], known.sources()[i]);
  for (size_t i = 0; i < fresh.size(); ++i) b.emplace(fresh.articles()[i], fresh.sources()[i]);
  EXPECT_EQ(a, b);
  EXPECT_GE(known.size(), 4u);
}

TEST(CandidateFeatures, RowsMatchADirectComputation) {
  Shop s;
  CandidateList cand;
  gather_candidates(*s.data, customer_view(*s.data, s.c1, {}, 25.f), {0, 20, 20, 20, 10, 10, 10, 10}, cand);
  cand.add(s.a5, 0, 3, 0.f);  // a tower candidate at rank 3
  std::vector<float> tower(cand.size());
  for (size_t i = 0; i < tower.size(); ++i) tower[i] = 0.5f + float(i);
  std::vector<float> x;
  CandidateFeatures::compute(*s.data, customer_view(*s.data, s.c1, {}, 25.f), cand, tower, x);
  const auto& names = CandidateFeatures::names();
  ASSERT_EQ(x.size(), cand.size() * names.size());
  auto at = [&](int32_t article, const std::string& name) {
    size_t i = 0;
    while (i < cand.size() && cand.articles()[i] != article) ++i;
    EXPECT_LT(i, cand.size()) << "article " << article << " is no candidate";
    size_t k = size_t(std::find(names.begin(), names.end(), name) - names.begin());
    EXPECT_LT(k, names.size()) << name;
    return std::make_pair(x[i * names.size() + k], i);
  };
  // A1: bought by c1 on 09-01 and 09-10; sold on 09-01, 09-10, 09-14 (first sale 15 days back).
  EXPECT_FLOAT_EQ(at(s.a1, "pair.times_bought").first, 2.f);
  EXPECT_FLOAT_EQ(at(s.a1, "pair.days_since_bought").first, 6.f);
  EXPECT_NEAR(at(s.a1, "repurchase_weight").first, std::exp2(-15.0 / 30) + std::exp2(-6.0 / 30), 1e-5);
  EXPECT_FLOAT_EQ(at(s.a1, "sales_7d").first, 2.f);
  EXPECT_FLOAT_EQ(at(s.a1, "sales_28d").first, 3.f);
  EXPECT_FLOAT_EQ(at(s.a1, "sales_1d").first, 0.f);
  EXPECT_FLOAT_EQ(at(s.a1, "trend_7d").first, 3.f / 1.f);  // (2 + 1) / (0 + 1)
  EXPECT_FLOAT_EQ(at(s.a1, "days_since_first_sale").first, 15.f);
  EXPECT_FLOAT_EQ(at(s.a1, "repurchase.rank").first, 0.f);
  EXPECT_TRUE(std::isnan(at(s.a1, "tower.rank").first));
  // A4: co-purchase of A1 (c2's basket), first rank in A1's list.
  EXPECT_FLOAT_EQ(at(s.a4, "co_purchase_strength").first, 1.f);
  EXPECT_FLOAT_EQ(at(s.a4, "sales_1d").first, 1.f);  // c3 on 09-15
  // The customer's activity: 3 purchases, 1 in the last 7 days, the last one day back.
  EXPECT_FLOAT_EQ(at(s.a4, "customer_purchases_7d").first, 2.f);  // 09-10 (6 days) and 09-15
  EXPECT_FLOAT_EQ(at(s.a4, "customer_purchases_30d").first, 3.f);
  EXPECT_FLOAT_EQ(at(s.a4, "days_since_last_purchase").first, 1.f);
  // A5: the tower's rank and score as given; no picture.
  auto [rank5, i5] = at(s.a5, "tower.rank");
  EXPECT_FLOAT_EQ(rank5, 3.f);
  EXPECT_FLOAT_EQ(at(s.a5, "tower.score").first, tower[i5]);
  EXPECT_TRUE(std::isnan(at(s.a5, "picture_cosine").first));
}

TEST(CandidateFeatures, NothingFromTheValidationWindowLeaks) {
  Shop a, b("2020-09-16,c1,0500000001,0.09,1\n2020-09-17,c3,0100000001,0.02,2\n2020-09-22,c2,0100000002,0.07,1\n");
  ASSERT_EQ(a.split.val_start, b.split.val_start);
  SourceCounts n = {0, 20, 20, 20, 10, 10, 10, 10};
  for (int32_t c : {a.c1, a.c2, a.c3}) {
    CandidateList ca, cb;
    gather_candidates(*a.data, customer_view(*a.data, c, {}, a.d.age[size_t(c)]), n, ca);
    gather_candidates(*b.data, customer_view(*b.data, c, {}, b.d.age[size_t(c)]), n, cb);
    ASSERT_EQ(ca.articles(), cb.articles());
    std::vector<float> t(ca.size(), 1.f), xa, xb;
    CandidateFeatures::compute(*a.data, customer_view(*a.data, c, {}, a.d.age[size_t(c)]), ca, t, xa);
    CandidateFeatures::compute(*b.data, customer_view(*b.data, c, {}, b.d.age[size_t(c)]), cb, t, xb);
    ASSERT_EQ(xa.size(), xb.size());
    for (size_t k = 0; k < xa.size(); ++k)
      EXPECT_TRUE(xa[k] == xb[k] || (std::isnan(xa[k]) && std::isnan(xb[k])))
          << CandidateFeatures::names()[k % CandidateFeatures::dim()];
  }
}

namespace {

/// Groups of 20 rows, 3 features; bought when feature 0 + noise is high.
GbdtData toy(size_t groups, uint64_t seed) {
  GbdtData d;
  d.dim = 3;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(0, 1);
  for (size_t g = 0; g < groups; ++g) {
    for (int r = 0; r < 20; ++r) {
      float a = u(rng), b = u(rng);
      d.x.insert(d.x.end(), {a, b, r % 5 == 0 ? std::nanf("") : u(rng)});
      d.label.push_back(a + 0.3f * b > 0.9f ? 1.f : 0.f);
    }
    d.groups.push_back(20);
  }
  return d;
}

}  // namespace

TEST(GbdtBooster, LearnsAndRoundTripsThroughBytes) {
  GbdtData train = toy(200, 1), valid = toy(50, 2);
  GbdtParams p;
  p.rounds = 60;
  p.threads = 1;
  GbdtBooster b = GbdtBooster::train(train, valid, {"a", "b", "noise"}, p);
  EXPECT_GE(b.rounds(), 1);
  EXPECT_LE(b.rounds(), 60);
  EXPECT_FALSE(b.curve().empty());
  // It learned: positives score above negatives on unseen rows.
  GbdtData test = toy(50, 3);
  std::vector<float> s = b.predict(test.x, test.rows());
  double pos = 0, neg = 0, np = 0, nn = 0;
  for (size_t i = 0; i < s.size(); ++i) (test.label[i] > 0 ? (pos += s[i], np += 1) : (neg += s[i], nn += 1));
  EXPECT_GT(pos / np, neg / nn + 0.5);
  // Feature 0 carries most of the gain.
  auto imp = b.importance();
  ASSERT_FALSE(imp.empty());
  std::sort(imp.begin(), imp.end(), [](auto& x, auto& y) { return x.second > y.second; });
  EXPECT_EQ(imp[0].first, "a");
  // Bytes in, bytes out, identical predictions.
  std::vector<uint8_t> bytes = b.save();
  GbdtBooster back = GbdtBooster::load(bytes, 3, "mem");
  EXPECT_EQ(back.rounds(), b.rounds());
  EXPECT_EQ(back.predict(test.x, test.rows()), s);
  EXPECT_EQ(back.save(), bytes);
  // A damaged or foreign buffer is an ArtifactError naming the file.
  std::vector<uint8_t> bad(bytes.begin(), bytes.begin() + long(bytes.size() / 2));
  EXPECT_THROW(GbdtBooster::load(bad, 3, "model.frc"), ArtifactError);
  EXPECT_THROW(GbdtBooster::load(bytes, 4, "model.frc"), ArtifactError);
  // Inconsistent data is a UsageError.
  GbdtData broken = toy(2, 4);
  broken.groups.push_back(5);
  EXPECT_THROW(GbdtBooster::train(broken, {}, {}, p), UsageError);
}
