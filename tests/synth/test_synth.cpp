#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "core/artifact.h"
#include "core/error.h"
#include "csv_rows.h"
#include "data/csv_reader.h"
#include "data/dataset.h"
#include "data/fixture.h"
#include "data/ingest.h"
#include "data/stats.h"
#include "image/jpeg.h"
#include "synth/picture.h"
#include "synth/synth.h"
#include "synth/vocab.h"
#include "test_util.h"

using namespace fr;
namespace fs = std::filesystem;

namespace {

/// Generates the tiny preset once for the whole suite.
const std::string& tiny_dir() {
  // A function-local static: made on first use, removed when the test process exits.
  static test::TempDir dir;
  static std::string s = [] {
    synth::SynthConfig c;
    c.out = dir.str();
    c.preset = "tiny";
    synth::run_synth(c, 2);
    return dir.str();
  }();
  return s;
}

std::vector<std::string> lines(const std::string& path, size_t max = SIZE_MAX) {
  std::ifstream in(path);
  std::vector<std::string> out;
  std::string l;
  while (out.size() < max && std::getline(in, l)) out.push_back(l);
  return out;
}

using test::read_rows;

/// The formats of the real H&M files, field by field (the raw slices are byte-faithful).
const std::map<std::string, std::regex>& field_formats() {
  static const std::map<std::string, std::regex> f = {
      {"t_dat", std::regex(R"(\d{4}-\d{2}-\d{2})")},
      {"customer_id", std::regex(R"([0-9a-f]{64})")},
      {"article_id", std::regex(R"(0\d{9})")},
      {"price", std::regex(R"(0\.\d{3,})")},
      {"sales_channel_id", std::regex(R"([12])")},
      {"FN", std::regex(R"((1\.0)?)")},
      {"Active", std::regex(R"((1\.0)?)")},
      {"club_member_status", std::regex(R"((ACTIVE|PRE-CREATE|LEFT CLUB)?)")},
      {"fashion_news_frequency", std::regex(R"((NONE|Regularly|Monthly|None)?)")},
      {"age", std::regex(R"((\d{2})?)")},
      {"postal_code", std::regex(R"([0-9a-f]{64})")},
  };
  return f;
}

void check_formats(const std::string& path, const std::vector<std::string>& cols, const std::string& who) {
  auto rows = read_rows(path, cols);
  ASSERT_FALSE(rows.empty()) << path;
  for (size_t k = 0; k < cols.size(); ++k) {
    const std::regex& re = field_formats().at(cols[k]);
    size_t bad = 0;
    std::string example;
    for (auto& r : rows)
      if (!std::regex_match(r[k], re)) {
        if (!bad++) example = r[k];
      }
    EXPECT_EQ(bad, 0u) << who << " " << cols[k] << " e.g. '" << example << "'";
  }
}

}  // namespace

TEST(Synth, HeadersAreThoseOfTheRealFiles) {
  const std::string& d = tiny_dir();
  std::string raw = test::shared_data() + "/hm-raw-slices";
  std::string expect_t = "t_dat,customer_id,article_id,price,sales_channel_id";
  std::string expect_c = "customer_id,FN,Active,club_member_status,fashion_news_frequency,age,postal_code";
  EXPECT_EQ(lines(d + "/transactions_train.csv", 1)[0], expect_t);
  EXPECT_EQ(lines(d + "/customers.csv", 1)[0], expect_c);
  EXPECT_EQ(lines(d + "/articles.csv", 1)[0] + "\n", test::kArticlesHeader);
  if (!test::have_shared_data()) GTEST_SKIP() << "../shared/data is absent: compared with the fixed headers only";
  EXPECT_EQ(lines(raw + "/transactions_train.csv", 1)[0], lines(d + "/transactions_train.csv", 1)[0]);
  EXPECT_EQ(lines(raw + "/customers.csv", 1)[0], lines(d + "/customers.csv", 1)[0]);
  std::string real_articles = lines(raw + "/articles_no_leading_zeros.csv", 1)[0];
  if (!real_articles.empty() && real_articles.back() == '\r') real_articles.pop_back();
  EXPECT_EQ(real_articles, lines(d + "/articles.csv", 1)[0]);
}

TEST(Synth, FieldFormatsMatchTheRealFiles) {
  const std::string& d = tiny_dir();
  std::vector<std::string> tcols = {"t_dat", "customer_id", "article_id", "price", "sales_channel_id"};
  std::vector<std::string> ccols = {
      "customer_id", "FN", "Active", "club_member_status", "fashion_news_frequency", "age", "postal_code"};
  check_formats(d + "/transactions_train.csv", tcols, "synthetic");
  check_formats(d + "/customers.csv", ccols, "synthetic");
  if (!test::have_shared_data())
    GTEST_SKIP() << "../shared/data is absent: the format rules were not checked on real rows";
  // The same rules hold for the real rows: they describe the real format.
  check_formats(test::shared_data() + "/hm-raw-slices/transactions_train.csv", tcols, "real");
  check_formats(test::shared_data() + "/hm-raw-slices/customers.csv", ccols, "real");
}

TEST(Synth, ArticlesUseTheHmVocabularies) {
  const std::string& d = tiny_dir();
  std::vector<std::string> cols = {
      "article_id",        "product_code",      "product_type_no",           "product_type_name",
      "colour_group_code", "colour_group_name", "graphical_appearance_name", "index_group_name",
      "garment_group_name"};
  auto rows = read_rows(d + "/articles.csv", cols);
  ASSERT_EQ(rows.size(), 400u);
  std::set<std::string> real_types, real_colours, real_apps, real_groups, real_garments;
  bool real = test::have_shared_data();
  if (real) {
    for (auto& r : read_rows(test::shared_data() + "/hm-sample/articles.csv", cols)) {
      real_types.insert(r[2] + "|" + r[3]);
      real_colours.insert(std::to_string(std::stoi(r[4])) + "|" + r[5]);
      real_apps.insert(r[6]);
      real_groups.insert(r[7]);
      real_garments.insert(r[8]);
    }
  }
  for (auto& r : rows) {
    EXPECT_TRUE(std::regex_match(r[0], std::regex(R"(0\d{9})"))) << r[0];
    EXPECT_EQ(r[0].substr(1, 6), r[1]) << "article_id starts with its product_code";
    EXPECT_TRUE(std::regex_match(r[4], std::regex(R"(\d{2})"))) << "colour_group_code is 2 digits: " << r[4];
    if (!real) continue;
    EXPECT_TRUE(real_types.count(r[2] + "|" + r[3])) << r[2] << " " << r[3];
    EXPECT_TRUE(real_colours.count(std::to_string(std::stoi(r[4])) + "|" + r[5])) << r[4] << " " << r[5];
    EXPECT_TRUE(real_apps.count(r[6])) << r[6];
    EXPECT_TRUE(real_groups.count(r[7])) << r[7];
    EXPECT_TRUE(real_garments.count(r[8])) << r[8];
  }
}

TEST(Synth, SameSeedSameBytesWhateverTheThreads) {
  test::TempDir a, b, c;
  synth::SynthConfig cfg;
  cfg.preset = "tiny";
  cfg.out = a.str();
  synth::run_synth(cfg, 1);
  cfg.out = b.str();
  synth::run_synth(cfg, 2);
  cfg.out = c.str();
  cfg.seed = 43;
  synth::run_synth(cfg, 2);
  for (auto* f : {"/articles.csv", "/customers.csv", "/transactions_train.csv", "/truth/truth.frc",
                  "/images/010/0108775001.jpg"}) {
    std::string x = test::read_file(a.str() + f), y = test::read_file(b.str() + f);
    EXPECT_FALSE(x.empty()) << f;
    EXPECT_TRUE(x == y) << f << " differs between runs with the same seed";
  }
  EXPECT_NE(test::read_file(a.str() + "/transactions_train.csv"), test::read_file(c.str() + "/transactions_train.csv"));
}

// Ranges stated in docs/synthetic.md for the tiny preset.
TEST(Synth, TinyPresetStatisticsFallInTheDocumentedRanges) {
  const std::string& d = tiny_dir();
  test::TempDir ws;
  IngestConfig c;
  c.data = d;
  ingest_files(resolve_inputs(c), "fail", 2, ws / "ds.frc");
  Dataset ds = Dataset::load(ws / "ds.frc");
  auto s = dataset_stats(ds);
  EXPECT_EQ(s["transactions"], 20000);
  double one = s["purchases_per_customer"]["share_one"];
  EXPECT_GE(one, 0.03);
  EXPECT_LE(one, 0.15);
  double top10 = s["purchases_per_article"]["top10pct_share"];
  EXPECT_GE(top10, 0.30) << "popularity must have a long tail";
  EXPECT_LE(top10, 0.80);
  double rep = s["repurchase_rate"];
  EXPECT_GE(rep, 0.05);
  EXPECT_LE(rep, 0.45);
  EXPECT_GE(s["purchases_per_customer"]["max"].get<int>(), 100) << "some customers buy hundreds of times";
  double online = s["online_share"];
  EXPECT_GE(online, 0.55);
  EXPECT_LE(online, 0.8);
  EXPECT_GE(s["inactive_last_28_days"].get<double>(), 0.4) << "many customers are inactive at the end";
}

TEST(Synth, PicturesDecodeAndShowTheColourColumn) {
  const std::string& d = tiny_dir();
  auto rows = read_rows(d + "/articles.csv", {"article_id", "colour_group_name"});
  auto cols = synth::colours();
  size_t match = 0, total = 0;
  for (auto& r : rows) {
    std::string path = d + "/images/" + r[0].substr(0, 3) + "/" + r[0] + ".jpg";
    RgbImage img = read_jpeg(path);
    EXPECT_EQ(img.width, 160);
    EXPECT_EQ(img.height, 240);
    int dom = synth::dominant_colour(img);
    ++total;
    match += std::string(cols[size_t(dom)].name) == r[1];
  }
  // docs/synthetic.md: 5 % of colour columns are noise; the rest must show in the picture.
  double rate = double(match) / double(total);
  EXPECT_GE(rate, 0.90) << match << " of " << total;
  EXPECT_LE(rate, 0.995) << "the stated noise should show";
}

TEST(Synth, TruthIsAProbabilityForEveryLastWeekBuyer) {
  const std::string& d = tiny_dir();
  Artifact t = Artifact::open(d + "/truth/truth.frc", "synth-truth", 1);
  auto offsets = t.column<uint64_t>("offsets");
  auto prob = t.column<float>("prob");
  auto ids = t.strings("customer_id");
  ASSERT_GT(ids.size(), 10u);
  ASSERT_EQ(offsets.size(), ids.size() + 1);
  for (size_t i = 0; i < ids.size(); ++i) {
    double sum = 0;
    for (uint64_t k = offsets[i]; k < offsets[i + 1]; ++k) {
      sum += prob[k];
      if (k > offsets[i]) {
        EXPECT_LE(prob[k], prob[k - 1]) << "rows are sorted by probability";
      }
    }
    EXPECT_NEAR(sum, 1.0, 1e-3) << "tiny keeps every article, so each row sums to 1";
  }
  // Every truth customer bought in the last 7 days of the file.
  auto tx = read_rows(d + "/transactions_train.csv", {"t_dat", "customer_id"});
  std::string last = tx.back()[0];
  std::set<std::string> buyers;
  for (auto& r : tx)
    if (r[0] >= t.meta()["truth_day"].get<std::string>()) buyers.insert(r[1]);
  EXPECT_EQ(buyers.size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_TRUE(buyers.count(std::string(ids[i])));
}

TEST(Synth, EveryPresetResolvesAndBadOnesAreRefused) {
  for (auto* p : {"tiny", "small", "medium", "hm-full"}) {
    synth::SynthConfig c;
    c.preset = p;
    auto r = synth::resolve_preset(c);
    EXPECT_GT(r.purchases, r.customers) << p;
  }
  synth::SynthConfig c;
  c.preset = "hm-full";
  auto r = synth::resolve_preset(c);
  EXPECT_EQ(r.customers, 1371980);
  EXPECT_EQ(r.articles, 105542);
  EXPECT_EQ(r.purchases, 31788324);
  EXPECT_EQ(r.images, "no");
  c.preset = "huge";
  EXPECT_THROW(synth::resolve_preset(c), UsageError);
}

TEST(Synth, IngestReadsTheSmallPreset) {
  test::TempDir d;
  synth::SynthConfig c;
  c.preset = "small";
  c.images = "no";
  c.out = d / "data";
  auto s = synth::run_synth(c, 2);
  IngestConfig ic;
  ic.data = c.out;
  auto sum = ingest_files(resolve_inputs(ic), "fail", 2, d / "ds.frc");
  EXPECT_EQ(sum["transactions"]["rows"], 500000);
  EXPECT_EQ(sum["transactions"]["file"]["skipped"], 0);
  EXPECT_EQ(sum["customers"]["rows"], 20000);
  EXPECT_EQ(sum["articles"]["rows"], 5000);
  EXPECT_EQ(sum["articles"]["only_in_transactions"], 0);
  EXPECT_EQ(sum["customers"]["only_in_transactions"], 0);
  EXPECT_EQ(sum["transactions"]["first_day"], "2018-09-20");
}
