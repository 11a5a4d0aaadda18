#include <gtest/gtest.h>

#include "core/config.h"
#include "core/error.h"

using namespace fr;

static nlohmann::json defaults() {
  return {{"general", {{"threads", 0}, {"log_level", "info"}}}, {"train", {{"lr", 0.01}, {"joint", true}}}};
}

TEST(Config, TomlOverridesDefaultsAndFlagsOverrideToml) {
  Config c(defaults());
  c.merge_toml_string("[general]\nthreads = 4\n[train]\nlr = 1\n", "x.toml");
  EXPECT_EQ(c.json()["general"]["threads"], 4);
  EXPECT_DOUBLE_EQ(c.json()["train"]["lr"].get<double>(), 1.0);  // an int where a float is wanted is fine
  c.set("general.threads", "2");
  c.set("train.joint", "false");
  EXPECT_EQ(c.json()["general"]["threads"], 2);
  EXPECT_EQ(c.json()["train"]["joint"], false);
  EXPECT_EQ(c.json()["general"]["log_level"], "info");
  std::string toml = c.to_toml();
  EXPECT_NE(toml.find("[general]"), std::string::npos);
  EXPECT_NE(toml.find("threads = 2"), std::string::npos);
}

TEST(Config, BadTomlNamesFileLineAndKey) {
  Config c(defaults());
  try {
    c.merge_toml_string("[general]\n\nthreadz = 4\n", "my.toml");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_EQ(e.where().file, "my.toml");
    EXPECT_EQ(e.where().line, 3);
    EXPECT_EQ(e.where().field, "general.threadz");
  }
  EXPECT_THROW(c.merge_toml_string("[general]\nthreads = \"many\"\n", "t"), DataError);
  EXPECT_THROW(c.merge_toml_string("[nope]\n", "t"), DataError);
  try {
    c.merge_toml_string("[general\n", "broken.toml");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_EQ(e.where().line, 1);
  }
  EXPECT_THROW(c.set("general.threads", "x"), UsageError);
  EXPECT_THROW(c.set("general.nope", "1"), UsageError);
}

namespace {
// clang-format off
#define FR_TEST_SETTINGS(X)                                                                         \
  X(int64_t, epochs, 6, "Epochs", range(1, 100), kModel, tune_int(2, 12))                          \
  X(std::string, mode, "staged", "Mode", choices({"staged", "joint"}), kModel, no_tune())          \
  X(double, lr, 0.002, "Learning rate", range(1e-6, 1), kModel, tune_log_float(0.0005, 0.01))      \
  X(int64_t, loader_threads, 1, "Threads", range(1, 64), kRun, no_tune())
// clang-format on
FR_SETTINGS_SECTION(TestConfig, "test", FR_TEST_SETTINGS)
}  // namespace

TEST(Settings, OneListGivesTheStructItsJsonTheFingerprintAndTheTable) {
  TestConfig c;
  EXPECT_EQ(c.epochs, 6);
  EXPECT_EQ(c.mode, "staged");
  nlohmann::json j = c;
  EXPECT_EQ(j.size(), 4u);
  EXPECT_FALSE(identity_json(c).contains("loader_threads")) << "run-time knobs are not part of the fingerprint";
  EXPECT_TRUE(identity_json(c).contains("lr"));
  auto back = nlohmann::json{{"epochs", 3}}.get<TestConfig>();
  EXPECT_EQ(back.epochs, 3);
  EXPECT_EQ(back.mode, "staged") << "a missing key keeps its default";
  const auto& t = settings_table(&c);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].flag(), "--epochs");
  EXPECT_EQ(t[3].flag(), "--loader-threads");
  EXPECT_EQ(t[0].type, "int");
  EXPECT_TRUE(t[0].tune.tunable());
  EXPECT_FALSE(t[1].tune.tunable());
  EXPECT_EQ(t[1].check.describe(), "staged | joint");
}

TEST(Settings, ChecksHoldForTomlAndFlagsAndOriginsAreKept) {
  Config c({settings_table((TestConfig*)nullptr)});
  EXPECT_EQ(c.json()["test"]["epochs"], 6);
  try {
    c.merge_toml_string("[test]\n\nepochs = 500\n", "my.toml");
    FAIL() << "500 is outside 1..100";
  } catch (const DataError& e) {
    EXPECT_EQ(e.where().line, 3);
    EXPECT_NE(std::string(e.what()).find("1..100"), std::string::npos) << e.what();
  }
  EXPECT_THROW(c.merge_toml_string("[test]\nmode = \"both\"\n", "t.toml"), DataError);
  EXPECT_THROW(c.set("test.mode", "both"), UsageError);
  EXPECT_THROW(c.set("test.lr", "0"), UsageError);
  c.merge_toml_string("[test]\nlr = 0.001\n", "t.toml", "tune (tuned.toml)");
  c.merge_toml_string("[test]\nmode = \"joint\"\n", "user.toml");
  c.set("test.epochs", "8", "flag --epochs");
  EXPECT_EQ(c.origin("test.lr"), "tune (tuned.toml)");
  EXPECT_EQ(c.origin("test.mode"), "user.toml");
  EXPECT_EQ(c.origin("test.epochs"), "flag --epochs");
  EXPECT_EQ(c.origin("test.loader_threads"), "default");
  EXPECT_EQ(c.pinned(), (std::vector<std::string>{"test.epochs", "test.mode"})) << "tuned values are not pinned";
  std::string toml = c.to_toml(true);
  EXPECT_NE(toml.find("# tune (tuned.toml)"), std::string::npos) << toml;
  std::string md = c.markdown();
  EXPECT_NE(md.find("| `epochs` | `--epochs` | `6` | 1..100 | model | int 2..12 | Epochs |"), std::string::npos) << md;
}

TEST(Config, ListFlagsAreCommaSeparated) {
  Config c(nlohmann::json{{"evaluate", {{"ks", {10, 12, 20}}}}});
  c.set("evaluate.ks", "5,10");
  EXPECT_EQ(c.json()["evaluate"]["ks"], nlohmann::json({5, 10}));
  c.set("evaluate.ks", "7");
  EXPECT_EQ(c.json()["evaluate"]["ks"], nlohmann::json({7}));
  EXPECT_THROW(c.set("evaluate.ks", "5,x"), UsageError);
  EXPECT_THROW(c.set("evaluate.ks", "5,"), UsageError);
}
