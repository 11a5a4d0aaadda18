// MetricTable: a hand-computed example, and a cross-check against tests/eval/reference_metrics.py
// (Python, standard library only, written from the definitions) on random rankings.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include "eval/metric_table.h"
#include "test_util.h"

using namespace fr;

TEST(MetricTable, HandComputedTwoCustomers) {
  MetricTable t({2}, 10);
  std::vector<int32_t> r1{3, 5, 7}, t1{5};     // hit at rank 2
  std::vector<int32_t> r2{1, 2, 4}, t2{8, 9};  // no hit
  t.add(r1, t1);
  t.add(r2, t2);
  auto j = t.result();
  EXPECT_DOUBLE_EQ(j["precision@2"].get<double>(), (0.5 + 0) / 2);
  EXPECT_DOUBLE_EQ(j["recall@2"].get<double>(), (1.0 + 0) / 2);
  EXPECT_DOUBLE_EQ(j["ndcg@2"].get<double>(), (1 / std::log2(3.0)) / 2);
  EXPECT_DOUBLE_EQ(j["hitrate@2"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(j["coverage@2"].get<double>(), 4.0 / 10);  // 3, 5, 1, 2
  EXPECT_DOUBLE_EQ(j["map@12"].get<double>(), (0.5 / 1 + 0) / 2);
  EXPECT_EQ(j["customers"], 2);
}

TEST(MetricTable, MergeEqualsOneTable) {
  MetricTable a({1, 3}, 5), b({1, 3}, 5), all({1, 3}, 5);
  std::vector<int32_t> r1{0, 1, 2}, t1{1}, r2{4, 3}, t2{4};
  a.add(r1, t1), all.add(r1, t1);
  b.add(r2, t2), all.add(r2, t2);
  a.merge(b);
  EXPECT_EQ(a.result().dump(), all.result().dump());
}

TEST(MetricTable, AgreesWithThePythonReferenceOnRandomData) {
  if (std::system("/usr/bin/python3 --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "python3 is not installed";
  std::mt19937_64 rng(7);
  const size_t n_articles = 300;
  std::vector<int64_t> ks{1, 5, 10, 12, 20};
  MetricTable t(ks, n_articles);
  nlohmann::json in = {{"ks", ks}, {"n_articles", n_articles}, {"customers", nlohmann::json::array()}};
  for (int c = 0; c < 500; ++c) {
    std::vector<int32_t> all(n_articles);
    for (size_t i = 0; i < n_articles; ++i) all[i] = int32_t(i);
    std::shuffle(all.begin(), all.end(), rng);
    // Rankings of 0..30 articles (some shorter than K), truth of 1..15 articles drawn from a
    // narrow range so that hits are common.
    std::vector<int32_t> ranked(all.begin(), all.begin() + long(rng() % 31));
    for (auto& a : ranked) a %= 40;
    std::sort(ranked.begin(), ranked.end());
    ranked.erase(std::unique(ranked.begin(), ranked.end()), ranked.end());
    std::shuffle(ranked.begin(), ranked.end(), rng);
    std::vector<int32_t> truth;
    for (size_t i = 0, n = 1 + rng() % 15; i < n; ++i) truth.push_back(int32_t(rng() % 40));
    std::sort(truth.begin(), truth.end());
    truth.erase(std::unique(truth.begin(), truth.end()), truth.end());
    t.add(ranked, truth);
    in["customers"].push_back({{"ranked", ranked}, {"truth", truth}});
  }
  test::TempDir dir;
  test::write_file(dir / "in.json", in.dump());
  std::string cmd = "/usr/bin/python3 " + std::string(FR_SOURCE_DIR) + "/tests/eval/reference_metrics.py " +
                    dir / "in.json" + " > " + dir / "out.json";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  auto want = nlohmann::json::parse(test::read_file(dir / "out.json"));
  auto got = t.result();
  ASSERT_EQ(want.size(), got.size()) << want.dump() << "\n" << got.dump();
  for (auto& [k, v] : want.items()) {
    ASSERT_TRUE(got.contains(k)) << k;
    EXPECT_NEAR(got[k].get<double>(), v.get<double>(), 1e-12) << k;
  }
  EXPECT_GT(got["map@12"].get<double>(), 0.01) << "the random data should have hits";
}
