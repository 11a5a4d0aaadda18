#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "core/artifact.h"
#include "core/error.h"
#include "core/workspace.h"
#include "test_util.h"

using namespace fr;

namespace {
uint64_t write_small(const std::string& path, int32_t base) {
  ArtifactWriter w(path, "demo", 3);
  std::vector<int32_t> a = {base, base + 1, base + 2};
  std::vector<std::vector<float>> parts = {{1.5f}, {2.5f, 3.5f}};
  w.add("a", a);
  w.add_parts("b", parts);
  w.add_strings("s", {"x", "", "hello, world"});
  w.set_meta({{"base", base}});
  return w.commit();
}

void flip_byte(const std::string& path, off_t at) {
  int fd = ::open(path.c_str(), O_RDWR);
  char c;
  ASSERT_EQ(::pread(fd, &c, 1, at), 1);
  c ^= 0x5a;
  ASSERT_EQ(::pwrite(fd, &c, 1, at), 1);
  ::close(fd);
}
}  // namespace

TEST(Artifact, RoundTripsColumnsStringsAndMeta) {
  test::TempDir dir;
  std::string p = dir / "x.frc";
  uint64_t sum = write_small(p, 7);
  Artifact a = Artifact::open(p, "demo", 3);
  EXPECT_EQ(a.checksum(), sum);
  auto col = a.column<int32_t>("a");
  ASSERT_EQ(col.size(), 3u);
  EXPECT_EQ(col[2], 9);
  auto b = a.column<float>("b");
  ASSERT_EQ(b.size(), 3u);
  EXPECT_FLOAT_EQ(b[2], 3.5f);
  auto s = a.strings("s");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[1], "");
  EXPECT_EQ(s[2], "hello, world");
  EXPECT_EQ(a.meta()["base"], 7);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(col.data()) % 64, 0u);
  EXPECT_THROW(a.column<int64_t>("a"), ArtifactError);  // wrong type
  EXPECT_THROW(a.column<int32_t>("nope"), ArtifactError);
}

TEST(Artifact, RefusesACorruptedByte) {
  test::TempDir dir;
  std::string p = dir / "x.frc";
  write_small(p, 1);
  flip_byte(p, 130);
  try {
    Artifact::open(p, "demo", 3);
    FAIL() << "a corrupted artifact was accepted";
  } catch (const ArtifactError& e) {
    EXPECT_NE(std::string(e.what()).find("checksum mismatch"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(p), std::string::npos);
  }
}

TEST(Artifact, RefusesATruncatedFile) {
  test::TempDir dir;
  std::string p = dir / "x.frc";
  write_small(p, 1);
  std::filesystem::resize_file(p, std::filesystem::file_size(p) - 10);
  try {
    Artifact::open(p, "demo", 3);
    FAIL();
  } catch (const ArtifactError& e) {
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
  std::filesystem::resize_file(p, 20);
  EXPECT_THROW(Artifact::open(p, "demo", 3), ArtifactError);
}

TEST(Artifact, RefusesWrongMagicKindAndVersion) {
  test::TempDir dir;
  std::string p = dir / "x.frc";
  write_small(p, 1);
  EXPECT_THROW(Artifact::open(p, "other", 3), ArtifactError);
  try {
    Artifact::open(p, "demo", 4);
    FAIL();
  } catch (const ArtifactError& e) {
    EXPECT_NE(std::string(e.what()).find("version 3"), std::string::npos) << e.what();
  }
  flip_byte(p, 0);
  try {
    Artifact::open(p, "demo", 3);
    FAIL();
  } catch (const ArtifactError& e) {
    EXPECT_NE(std::string(e.what()).find("magic"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Artifact::open(dir / "missing.frc", "demo", 3), ArtifactError);
}

TEST(Artifact, UncommittedWriterLeavesNothing) {
  test::TempDir dir;
  std::string p = dir / "x.frc";
  {
    ArtifactWriter w(p, "demo", 3);
    w.add_owned("a", std::vector<int32_t>{1, 2});
  }
  EXPECT_FALSE(std::filesystem::exists(p));
  EXPECT_TRUE(std::filesystem::is_empty(dir.str()));
}

TEST(Artifact, WriteKilledHalfWayKeepsThePreviousArtifact) {
  test::TempDir dir;
  std::string p = dir / "x.frc";
  uint64_t good = write_small(p, 42);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // Child: write a large artifact to the same path, slowly, until killed.
    ArtifactWriter w(p, "demo", 3);
    std::vector<int32_t> big(1 << 20, 5);
    for (int i = 0; i < 100000; ++i) {
      w.add(std::string("c").append(std::to_string(i)), big);
      ::usleep(1000);
    }
    w.commit();
    ::_exit(0);
  }
  std::string tmp = p + ".tmp." + std::to_string(pid);
  for (int i = 0; i < 500 && !(std::filesystem::exists(tmp) && std::filesystem::file_size(tmp) > (8 << 20)); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(std::filesystem::exists(tmp)) << "the child never started writing";
  ::kill(pid, SIGKILL);
  int st;
  ::waitpid(pid, &st, 0);
  ASSERT_TRUE(WIFSIGNALED(st));
  Artifact a = Artifact::open(p, "demo", 3);
  EXPECT_EQ(a.checksum(), good);
  EXPECT_EQ(a.meta()["base"], 42);
  // Opening the workspace cleans up the dead writer's temporary file.
  Workspace ws(dir.str());
  EXPECT_EQ(ws.stale_temporaries_removed(), 1);
  EXPECT_FALSE(std::filesystem::exists(tmp));
}

TEST(Artifact, BufferedFallbackWritesTheSameBytes) {
  test::TempDir dir;
  std::vector<int32_t> big(3 << 20);  // 12 MB: more than one 8 MB write unit
  for (size_t i = 0; i < big.size(); ++i) big[i] = int32_t(i * 2654435761u);
  auto write = [&](const std::string& p) {
    ArtifactWriter w(p, "demo", 3);
    w.add("big", big);
    w.add_strings("s", {"a", "bc"});
    return w.commit();
  };
  uint64_t direct = write(dir / "direct.frc");
  set_artifact_direct_io(false);
  uint64_t buffered = write(dir / "buffered.frc");
  set_artifact_direct_io(true);
  EXPECT_EQ(direct, buffered);
  EXPECT_EQ(test::read_file(dir / "direct.frc"), test::read_file(dir / "buffered.frc"));
  Artifact a = Artifact::open(dir / "direct.frc", "demo", 3);
  auto col = a.column<int32_t>("big");
  ASSERT_EQ(col.size(), big.size());
  EXPECT_TRUE(std::equal(col.begin(), col.end(), big.begin()));
}
