#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <thread>

#include "core/artifact.h"
#include "core/checksum.h"
#include "core/workspace.h"
#include "test_util.h"

using namespace fr;

TEST(Workspace, RecordsAndKnowsWhenAStageIsUpToDate) {
  test::TempDir dir;
  Workspace ws(dir / "ws");
  std::string input = dir / "in.csv";
  test::write_file(input, "a,b\n1,2\n");
  ArtifactWriter w(ws.path("thing.frc"), "thing", 1);
  w.add_owned("x", std::vector<int32_t>{1});
  uint64_t sum = w.commit();
  nlohmann::json config = {{"k", 1}};
  nlohmann::json inputs = {{"file:" + std::filesystem::absolute(input).string(), file_input(input)}};
  ws.record("thing", "thing.frc", "thing", 1, sum, config, inputs);

  auto e = ws.entry("thing");
  ASSERT_FALSE(e.is_null());
  EXPECT_EQ(e["format_version"], 1);
  EXPECT_EQ(e["checksum"], hex64(sum));
  EXPECT_EQ(e["config"], config);
  EXPECT_TRUE(e.contains("created"));

  std::string why;
  EXPECT_TRUE(ws.is_up_to_date("thing", config, {input}, &why)) << why;
  EXPECT_FALSE(ws.is_up_to_date("thing", {{"k", 2}}, {input}, &why));
  EXPECT_EQ(why, "the config changed");
  EXPECT_FALSE(ws.is_up_to_date("other", config, {input}));

  // Same content, new mtime: still up to date (the content hash decides).
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  test::write_file(input, "a,b\n1,2\n");
  EXPECT_TRUE(ws.is_up_to_date("thing", config, {input}, &why)) << why;
  test::write_file(input, "a,b\n1,3\n");
  EXPECT_FALSE(ws.is_up_to_date("thing", config, {input}, &why));
  EXPECT_NE(why.find("changed"), std::string::npos);
}

TEST(Workspace, ADamagedArtifactIsNotUpToDate) {
  test::TempDir dir;
  Workspace ws(dir.str());
  ArtifactWriter w(ws.path("t.frc"), "t", 1);
  w.add_owned("x", std::vector<int32_t>{1});
  ws.record("t", "t.frc", "t", 1, w.commit(), {}, nlohmann::json::object());
  EXPECT_TRUE(ws.is_up_to_date("t", {}, {}));
  std::filesystem::remove(ws.path("t.frc"));
  std::string why;
  EXPECT_FALSE(ws.is_up_to_date("t", {}, {}, &why));
  EXPECT_NE(why.find("missing"), std::string::npos);
}

TEST(Checksum, FingerprintIsIndependentOfThreads) {
  test::TempDir dir;
  std::string p = dir / "f.bin";
  std::string data(kFingerprintBlock * 2 + 12345, 'x');
  for (size_t i = 0; i < data.size(); i += 97) data[i] = char(i);
  test::write_file(p, data);
  EXPECT_EQ(file_fingerprint(p, 1), file_fingerprint(p, 3));
  data[kFingerprintBlock + 5] ^= 1;
  uint64_t before = file_fingerprint(p, 1);
  test::write_file(p, data);
  EXPECT_NE(file_fingerprint(p, 2), before);
}

TEST(Workspace, LeavesOtherFilesAndLiveWritersAlone) {
  test::TempDir dir;
  test::write_file(dir / "notes.tmp.txt", "mine");
  test::write_file(dir / ("x.frc.tmp." + std::to_string(::getpid())), "a live writer (this process)");
  test::write_file(dir / "y.frc.tmp.999999999", "a dead writer");
  Workspace ws(dir.str());
  EXPECT_EQ(ws.stale_temporaries_removed(), 1);
  EXPECT_TRUE(std::filesystem::exists(dir / "notes.tmp.txt"));
  EXPECT_FALSE(std::filesystem::exists(dir / "y.frc.tmp.999999999"));
}
