// `fashionrec tune` on the tiny preset: nothing in the validation window reaches it (the
// features' leakage test, for tuning), the search is reproducible, and its choice reaches the
// config and model.frc.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "data/dataset.h"
#include "data/parse.h"
#include "model/trained_model.h"
#include "model/trainer.h"
#include "test_util.h"

using fr::test::run_cli;

namespace {

const char* kQuickTune = " tune --trials 1 --finalists 1 --short-epochs 1 --budget 10m --threads 2";

std::vector<std::string> lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

nlohmann::json tune_json(const std::string& ws) {
  return nlohmann::json::parse(fr::test::read_file(ws + "/tune.json"));
}

/// The data set's workspace made up to the features, then tuned.
void prepare_and_tune(const std::string& data, const std::string& ws) {
  for (std::string step :
       {" ingest --data " + data, std::string(" split"), std::string(" features"), std::string(kQuickTune)}) {
    auto r = run_cli("-w " + ws + step);
    ASSERT_EQ(r.code, 0) << step << ": " << r.out;
  }
}

std::vector<std::string> fields(const std::string& row) {
  std::vector<std::string> f;
  std::stringstream s(row);
  for (std::string x; std::getline(s, x, ',');) f.push_back(x);
  return f;
}

}  // namespace

// Change and add purchases in the validation window: the inner data, every trial's score and
// the choice stay bit-identical. (The window's new purchases use customers and articles the
// CSVs already list: an id seen only in the window would add a row to the id tables, which
// are kept whole.)
TEST(Tune, NothingInTheValidationWindowReachesTheSearch) {
  fr::test::TempDir d;
  const std::string a = d / "a", b = d / "b";
  ASSERT_EQ(run_cli("synth --preset tiny --no-images --out " + a).code, 0);
  std::filesystem::copy(a, b, std::filesystem::copy_options::recursive);
  auto tx = lines(a + "/transactions_train.csv");
  std::string last = "0000-00-00";
  for (size_t i = 1; i < tx.size(); ++i) last = std::max(last, tx[i].substr(0, 10));
  int32_t last_day = 0;
  ASSERT_TRUE(fr::parse_date(last, last_day));
  const std::string window_start = fr::format_date(last_day - 6);  // split's default: 7 days
  std::ostringstream out;
  out << tx[0] << "\n";
  size_t changed = 0;
  for (size_t i = 1; i < tx.size(); ++i) {
    auto f = fields(tx[i]);
    if (f[0] >= window_start) {
      f[2] = fields(tx[i - 1])[2];  // another article, one that exists
      f[3] = "0.0123";
      ++changed;
    }
    out << f[0] << "," << f[1] << "," << f[2] << "," << f[3] << "," << f[4] << "\n";
  }
  for (size_t i = 1; i <= 50; ++i)  // new purchases in the window
    out << window_start << "," << fields(tx[i * 7])[1] << "," << fields(tx[i * 11])[2] << ",0.02,2\n";
  ASSERT_GT(changed, 100u);
  fr::test::write_file(b + "/transactions_train.csv", out.str());

  prepare_and_tune(a, d / "wa");
  prepare_and_tune(b, d / "wb");
  auto ja = tune_json(d / "wa"), jb = tune_json(d / "wb");
  EXPECT_EQ(ja["inner_window"], jb["inner_window"]);
  EXPECT_EQ(ja["inner_data"]["checksum"], jb["inner_data"]["checksum"]) << "the inner data differ";
  ASSERT_EQ(ja["trials"].size(), 3u) << "the base, a short run, its full run";
  for (size_t i = 0; i < ja["trials"].size(); ++i) {
    const auto &ta = ja["trials"][i], &tb = jb["trials"][i];
    EXPECT_EQ(ta["settings"], tb["settings"]) << "trial " << i;
    EXPECT_EQ(ta["map@12"].get<double>(), tb["map@12"].get<double>()) << "trial " << i;
    EXPECT_EQ(ta["map@12_blend"].get<double>(), tb["map@12_blend"].get<double>()) << "trial " << i;
  }
  EXPECT_EQ(ja["baselines"], jb["baselines"]);
  EXPECT_EQ(ja["choice"], jb["choice"]);
  // ...while the validation windows themselves do differ.
  EXPECT_NE(fr::test::read_file(d / "wa/split.frc"), fr::test::read_file(d / "wb/split.frc"));

  // The search is seeded: the same seed, the same trials; the choice reaches the config, the
  // model and the report.
  EXPECT_NE(run_cli("-w " + d / "wa" + kQuickTune).out.find("up to date"), std::string::npos);
  auto again = run_cli("-w " + d / "wa" + kQuickTune + " --force");
  ASSERT_EQ(again.code, 0) << again.out;
  auto jc = tune_json(d / "wa");
  for (size_t i = 0; i < ja["trials"].size(); ++i)
    EXPECT_EQ(ja["trials"][i]["map@12"].get<double>(), jc["trials"][i]["map@12"].get<double>()) << "trial " << i;
  const std::string policy = ja["choice"]["policy"];
  auto shown = run_cli("-w " + d / "wa" + " config --show");
  EXPECT_NE(shown.out.find("policy = \"" + policy + "\""), std::string::npos) << shown.out;
  auto r = run_cli("-w " + d / "wa" + " train --threads 2");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(fr::TrainedModel::load(d / "wa/model.frc").policy(), policy);
  r = run_cli("-w " + d / "wa" + " evaluate --run t --threads 2");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("shipped (" + policy + ")"), std::string::npos) << r.out;
}
