#pragma once
// Helpers shared by the tests: a temporary folder, file writing, running the CLI.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace fr::test {

/// A fresh folder under /tmp, removed when the test ends.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ =
        std::filesystem::temp_directory_path() / ("fr-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string str() const { return path_.string(); }
  std::string operator/(const std::string& f) const { return (path_ / f).string(); }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream o(path, std::ios::binary);
  o << text;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The real H&M rows (../shared/data); tests that need them GTEST_SKIP when it is absent.
inline std::string shared_data() { return FR_SHARED_DATA; }
inline bool have_shared_data() { return std::filesystem::exists(shared_data() + "/hm-sample/transactions_train.csv"); }

struct RunResult {
  int code;
  std::string out;  // stdout and stderr together
};

/// Runs the fashionrec binary with args (a shell-quoted string).
inline RunResult run_cli(const std::string& args) {
  std::string cmd = std::string(FR_BINARY) + " " + args + " 2>&1";
  RunResult r{0, ""};
  FILE* p = ::popen(cmd.c_str(), "r");
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int st = ::pclose(p);
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

/// The tiny preset (with pictures) through `fashionrec run --report first`, made on first use
/// and kept for the test binary's life: data (CSVs, images/, truth/), ws (the workspace) and
/// run_out (what run printed).
struct TinyPipeline {
  TempDir dir;
  std::string data = dir / "data", ws = dir / "ws", run_out;
};
inline const TinyPipeline& tiny_pipeline() {
  static TinyPipeline t;
  static bool done = [] {
    auto r = run_cli("synth --preset tiny --out " + t.data);
    EXPECT_EQ(r.code, 0) << r.out;
    r = run_cli("-w " + t.ws + " run --no-tune --data " + t.data + " --report first");
    EXPECT_EQ(r.code, 0) << r.out;
    t.run_out = r.out;
    return true;
  }();
  (void)done;
  return t;
}

}  // namespace fr::test
