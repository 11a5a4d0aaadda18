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

TEST(Config, ListFlagsAreCommaSeparated) {
  Config c(nlohmann::json{{"evaluate", {{"ks", {10, 12, 20}}}}});
  c.set("evaluate.ks", "5,10");
  EXPECT_EQ(c.json()["evaluate"]["ks"], nlohmann::json({5, 10}));
  c.set("evaluate.ks", "7");
  EXPECT_EQ(c.json()["evaluate"]["ks"], nlohmann::json({7}));
  EXPECT_THROW(c.set("evaluate.ks", "5,x"), UsageError);
  EXPECT_THROW(c.set("evaluate.ks", "5,"), UsageError);
}
