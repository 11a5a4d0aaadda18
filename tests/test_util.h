#pragma once
// Helpers shared by the tests: a temporary folder, file writing, running the CLI.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
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

/// A data set through `fashionrec run`, made once per build of the CLI and shared by every test
/// process that asks for it: data (CSVs, images/, truth/), ws (the workspace) and run_out (what
/// run printed). ctest runs every test in a process of its own; made per process, the tiny one
/// cost a minute of each of some twenty tests, and the small one was trained twice at once by
/// the two quality tests. The first process makes it under a file lock, in the build folder;
/// the others wait and reuse it. Tests read it, and copy it before they change anything.
struct TinyPipeline {
  std::string data, ws, run_out;
};
inline TinyPipeline shared_pipeline(const std::string& name, const std::string& synth_args,
                                    const std::string& run_args) {
  namespace fs = std::filesystem;
  struct stat st {};
  ::stat(FR_BINARY, &st);
  const fs::path parent = fs::path(FR_TEST_FIXTURES);
  const std::string stamp = name + "-" + std::to_string(st.st_mtim.tv_sec) + "-" + std::to_string(st.st_size);
  fs::create_directories(parent);
  int lock = ::open((parent / (name + ".lock")).c_str(), O_CREAT | O_RDWR, 0644);
  ::flock(lock, LOCK_EX);
  const fs::path root = parent / stamp;
  TinyPipeline p{(root / "data").string(), (root / "ws").string(), ""};
  if (!fs::exists(root / "done")) {
    std::error_code ec;
    for (auto& e : fs::directory_iterator(parent, ec))  // this fixture from older builds
      if (e.is_directory() && e.path().filename().string().rfind(name + "-", 0) == 0) fs::remove_all(e.path(), ec);
    auto r = run_cli("synth " + synth_args + " --out " + p.data);
    EXPECT_EQ(r.code, 0) << r.out;
    r = run_cli("-w " + p.ws + " run " + run_args + " --data " + p.data);
    EXPECT_EQ(r.code, 0) << r.out;
    write_file((root / "run_out.txt").string(), r.out);
    if (r.code == 0) write_file((root / "done").string(), "");
  }
  p.run_out = read_file((root / "run_out.txt").string());
  ::flock(lock, LOCK_UN);
  ::close(lock);
  return p;
}

/// The tiny preset with pictures through `run --no-tune --report first` (the refit included).
inline const TinyPipeline& tiny_pipeline() {
  static TinyPipeline t = shared_pipeline("tiny", "--preset tiny", "--no-tune --report first");
  return t;
}

/// The small preset without pictures through run's defaults (tuning on), less the refit:
/// report "q". The quality tests read it.
inline const TinyPipeline& small_pipeline() {
  static TinyPipeline t =
      shared_pipeline("small", "--preset small --no-images", "--no-refit --log-level warn --report q");
  return t;
}

}  // namespace fr::test
