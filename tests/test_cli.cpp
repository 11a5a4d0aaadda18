// The CLI as a user meets it: help, exit codes, one-line errors, config merging.
#include <gtest/gtest.h>

#include <filesystem>

#include "data/fixture.h"
#include "test_util.h"

using fr::test::run_cli;

TEST(Cli, HelpEverywhere) {
  for (std::string sub : {"", "ingest", "config", "synth", "stats", "info", "split", "features", "embed-images",
                          "train", "index", "recommend", "evaluate", "run", "serve"}) {
    auto r = run_cli(sub + " --help");
    EXPECT_EQ(r.code, 0) << sub;
    EXPECT_NE(r.out.find("--workspace"), std::string::npos) << r.out;
  }
}

TEST(Cli, ExitCodes) {
  fr::test::TempDir d;
  EXPECT_EQ(run_cli("").code, 2);
  EXPECT_EQ(run_cli("ingest --no-such-flag").code, 2);
  EXPECT_EQ(run_cli("-w " + d.str() + " ingest").code, 2);  // no input given
  auto r = run_cli("-w " + d.str() + " ingest --data " + d / "missing");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("missing"), std::string::npos);
  fr::test::write_quirky_fixture(d.str());
  fr::test::write_file(d / "transactions_train.csv",
                       "t_dat,customer_id,article_id,price,sales_channel_id\n2018-09-20,c1,1,x,1\n");
  r = run_cli("-w " + d / "ws" + " ingest --data " + d.str());
  EXPECT_EQ(r.code, 1);
  // One line on stderr naming file, line and field.
  EXPECT_NE(r.out.find("transactions_train.csv:2:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("field 'price'"), std::string::npos) << r.out;
}

TEST(Cli, IngestThenConfigShowWithTomlAndFlags) {
  fr::test::TempDir d;
  fr::test::write_quirky_fixture(d.str());
  auto r = run_cli("-w " + d / "ws" + " ingest --data " + d.str());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("6 purchases by 4 customers"), std::string::npos) << r.out;
  r = run_cli("-w " + d / "ws" + " ingest --data " + d.str());
  EXPECT_NE(r.out.find("up to date"), std::string::npos) << r.out;
  fr::test::write_file(d / "ws/fashionrec.toml", "[general]\nthreads = 3\n[ingest]\non_error = \"skip\"\n");
  r = run_cli("-w " + d / "ws" + " config --show --threads 5");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("threads = 5"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("on_error = \"skip\""), std::string::npos) << r.out;
  fr::test::write_file(d / "bad.toml", "[ingest]\non_eror = 1\n");
  r = run_cli("--config " + d / "bad.toml" + " config");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("bad.toml:2"), std::string::npos) << r.out;
}

TEST(Cli, SynthThenIngestAndBadInputs) {
  fr::test::TempDir d;
  auto r = run_cli("synth --preset tiny --no-images --out " + d / "data");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("20000 purchases"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(d / "data/images"));
  r = run_cli("-w " + d / "ws" + " ingest --data " + d / "data");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("20,000 purchases"), std::string::npos) << r.out;
  r = run_cli("-w " + d / "ws" + " stats --json");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("repurchase_rate"), std::string::npos);
  r = run_cli("-w " + d / "ws" + " info");
  EXPECT_NE(r.out.find("20000 transactions"), std::string::npos) << r.out;
  EXPECT_EQ(run_cli("synth --preset huge --out " + d / "x").code, 2);
  EXPECT_EQ(run_cli("synth --preset tiny").code, 2);           // no --out
  EXPECT_EQ(run_cli("-w " + d / "empty" + " stats").code, 1);  // no dataset yet
}

TEST(Cli, OddFilesAreBadInputNotCrashes) {
  fr::test::TempDir d;
  fr::test::write_file(d / "empty.csv", "");
  fr::test::write_file(d / "header.csv", "t_dat,customer_id,article_id,price,sales_channel_id\n");
  std::string junk(4096, '\0');
  for (size_t i = 0; i < junk.size(); ++i) junk[i] = char((i * 131) % 251);
  fr::test::write_file(d / "junk.csv", junk);
  auto r = run_cli("-w " + d / "ws" + " ingest --transactions " + d / "empty.csv");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("empty file"), std::string::npos) << r.out;
  r = run_cli("-w " + d / "ws" + " ingest --transactions " + d / "header.csv");
  EXPECT_EQ(r.code, 0) << r.out;  // a file with no rows is valid: 0 purchases
  EXPECT_NE(r.out.find("0 purchases"), std::string::npos) << r.out;
  r = run_cli("-w " + d / "ws" + " ingest --transactions " + d / "junk.csv");
  EXPECT_EQ(r.code, 1) << r.out;
  r = run_cli("-w " + d / "ws" + " ingest --transactions " + d.str());  // a folder
  EXPECT_EQ(r.code, 1) << r.out;
}

TEST(Cli, RunDoesEachStageOnceThenNothingUntilAnInputChanges) {
  fr::test::TempDir d;
  ASSERT_EQ(run_cli("synth --preset tiny --no-images --out " + d / "data").code, 0);
  std::string ws = " -w " + d / "ws";
  auto r = run_cli(ws + " run --data " + d / "data");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("ingest: ran"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("features: ran"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("train: ran"), std::string::npos) << r.out;
  // run tunes by default, on the inner window, and trains with what it chose.
  EXPECT_NE(r.out.find("tune: ran"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Tuning chose"), std::string::npos) << r.out;
  EXPECT_TRUE(std::filesystem::exists(d / "ws/tune.json"));
  EXPECT_TRUE(std::filesystem::exists(d / "ws/tuned.toml"));
  EXPECT_NE(run_cli(ws + " config --show").out.find("# tune ("), std::string::npos) << "tuned values are marked";
  EXPECT_TRUE(std::filesystem::exists(d / "ws/model.frc"));
  r = run_cli(ws + " run --data " + d / "data");
  EXPECT_NE(r.out.find("tune: up to date"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("train: up to date"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ingest: up to date"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("split: up to date"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("features: up to date"), std::string::npos) << r.out;
  r = run_cli(ws + " run --no-tune --val-days 14");  // a config change reruns split and what follows
  EXPECT_NE(r.out.find("split: ran"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("features: ran"), std::string::npos) << r.out;
  EXPECT_TRUE(std::filesystem::exists(d / "ws/feature_report.md"));
  EXPECT_EQ(run_cli("-w " + d / "empty" + " run").code, 2);
}

TEST(Cli, ImageEmbeddingsJoinTheArticleFeaturesWhenTheyExist) {
  fr::test::TempDir d;
  ASSERT_EQ(run_cli("synth --preset tiny --out " + d / "data").code, 0);
  // Pictures elsewhere than DATA/images (where run looks by default) are found only with --images.
  std::filesystem::rename(d / "data/images", d / "pics");
  std::string ws = " -w " + d / "ws";
  ASSERT_EQ(run_cli(ws + " run --no-evaluate --data " + d / "data").code, 0);
  EXPECT_EQ(fr::test::read_file(d / "ws/feature_report.md").find("image_pca_0"), std::string::npos);
  auto r = run_cli(ws + " run --no-evaluate --data " + d / "data" + " --images " + d / "pics");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("embed-images: ran"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("features: ran"), std::string::npos) << "new embeddings rerun the features: " << r.out;
  EXPECT_NE(fr::test::read_file(d / "ws/feature_report.md").find("image_pca_0"), std::string::npos);
  r = run_cli(ws + " embed-images --images " + d / "nowhere");
  EXPECT_EQ(r.code, 1) << r.out;
  r = run_cli(ws + " embed-images --images " + d / "pics --extractor resnet");
  EXPECT_EQ(r.code, 2) << r.out;  // resnet needs --model
}

TEST(Cli, ReadmeSettingsTableIsTheGeneratedOne) {
  auto r = run_cli("config --markdown");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("| `retrieval_days` | `--retrieval-days` |"), std::string::npos) << r.out;
  std::string readme = fr::test::read_file(std::string(FR_SOURCE_DIR) + "/README.md");
  const std::string begin = "<!-- settings:begin (fashionrec config --markdown) -->\n", end = "<!-- settings:end -->";
  auto b = readme.find(begin), e = readme.find(end);
  ASSERT_NE(b, std::string::npos) << "README.md has no settings block";
  ASSERT_NE(e, std::string::npos);
  EXPECT_EQ(readme.substr(b + begin.size(), e - b - begin.size()), r.out)
      << "README.md's settings table is out of date: paste `fashionrec config --markdown` between the markers";
}

TEST(Cli, EverySettingHasAFlagAndTomlKeysAreChecked) {
  auto r = run_cli("train --help");
  for (const char* flag : {"--checkpoint-every", "--loader-threads", "--hard-pool", "--weight-decay", "--logq"})
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
  fr::test::TempDir d;
  fr::test::write_file(d / "bad.toml", "[train]\nepochs = 0\n");
  r = run_cli("--config " + d / "bad.toml" + " config");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("bad.toml:2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1..1000"), std::string::npos) << r.out;
  r = run_cli("-w " + d / "ws" + " config --set train.lr=0.004 --threads 2");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("lr = 0.004"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("# --set"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("# flag --threads"), std::string::npos) << r.out;
}
