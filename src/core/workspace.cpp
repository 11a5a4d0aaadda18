#include "core/workspace.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/artifact.h"
#include "core/checksum.h"
#include "core/error.h"

namespace fs = std::filesystem;
namespace fr {
namespace {

std::string now_iso() {
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

/// An exclusive lock on <dir>/.lock for a manifest read-modify-write.
class DirLock {
 public:
  explicit DirLock(const std::string& dir) {
    fd_ = ::open((dir + "/.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw_errno("cannot lock workspace " + dir);
    ::flock(fd_, LOCK_EX);
  }
  ~DirLock() {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }

 private:
  int fd_;
};

}  // namespace

nlohmann::json file_input(const std::string& path, std::optional<uint64_t> known_hash, int threads) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw_errno("cannot stat " + path);
  uint64_t h = known_hash ? *known_hash : file_fingerprint(path, threads);
  return {{"bytes", uint64_t(st.st_size)},
          {"mtime_ns", int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec},
          {"xxh3", hex64(h)}};
}

Workspace::Workspace(std::string dir, bool create) : dir_(std::move(dir)) {
  std::error_code ec;
  if (create) fs::create_directories(dir_, ec);
  if (!fs::is_directory(dir_)) throw DataError(SourceLocation{dir_}, "workspace folder does not exist");
  for (auto& e : fs::directory_iterator(dir_)) {
    auto name = e.path().filename().string();
    auto pos = name.rfind(".tmp.");
    if (pos == std::string::npos) continue;
    // Only temporaries that fashionrec writes ("<file>.tmp.<pid>") and whose writer is dead.
    std::string pid_text = name.substr(pos + 5);
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
    int pid = std::atoi(pid_text.c_str());
    if (pid <= 0 || pid == ::getpid() || ::kill(pid, 0) == 0) continue;  // alive: maybe writing now
    fs::remove(e.path(), ec);
    ++stale_removed_;
  }
}

std::string Workspace::path(const std::string& file) const { return (fs::path(dir_) / file).string(); }

nlohmann::json Workspace::manifest() const {
  std::string p = path("manifest.json");
  std::ifstream in(p);
  if (!in) return {{"format", 1}, {"artifacts", nlohmann::json::object()}};
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw ArtifactError(p, std::string("manifest is not valid JSON: ") + e.what());
  }
}

void Workspace::record(const std::string& name, const std::string& file, const std::string& kind,
                       uint32_t format_version, uint64_t checksum, const nlohmann::json& config,
                       const nlohmann::json& inputs) const {
  DirLock lock(dir_);
  auto m = manifest();
  m["artifacts"][name] = {{"file", file},
                          {"kind", kind},
                          {"format_version", format_version},
                          {"checksum", hex64(checksum)},
                          {"created", now_iso()},
                          {"config", config},
                          {"inputs", inputs}};
  write_file_atomic(path("manifest.json"), m.dump(2) + "\n");
}

nlohmann::json Workspace::entry(const std::string& name) const {
  auto m = manifest();
  if (!m["artifacts"].contains(name)) return nullptr;
  return m["artifacts"][name];
}

nlohmann::json Workspace::artifact_input(const std::string& name) const {
  auto e = entry(name);
  if (e.is_null()) throw ArtifactError(path(name), "artifact '" + name + "' is not in the workspace manifest");
  return {{"checksum", e["checksum"]}};
}

bool Workspace::is_up_to_date(const std::string& name, const nlohmann::json& config,
                              const std::vector<std::string>& input_files, std::string* why) const {
  auto say = [&](std::string s) {
    if (why) *why = std::move(s);
    return false;
  };
  auto e = entry(name);
  if (e.is_null()) return say("no '" + name + "' in the manifest yet");
  std::string file = path(e["file"].get<std::string>());
  if (hex64(Artifact::peek_checksum(file)) != e["checksum"].get<std::string>())
    return say(file + " is missing or differs from the manifest");
  if (e["config"] != config) return say("the config changed");
  const auto& inputs = e["inputs"];
  size_t n_file_inputs = 0;
  for (auto& [k, v] : inputs.items()) n_file_inputs += k.rfind("file:", 0) == 0;
  if (n_file_inputs != input_files.size()) return say("the set of input files changed");
  for (auto& f : input_files) {
    std::string key = "file:" + fs::absolute(f).lexically_normal().string();
    if (!inputs.contains(key)) return say("new input " + f);
    struct stat st {};
    if (::stat(f.c_str(), &st) != 0) return say("input " + f + " is gone");
    int64_t mtime = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    const auto& old = inputs[key];
    if (old["bytes"] == uint64_t(st.st_size) && old["mtime_ns"] == mtime) continue;
    if (hex64(file_fingerprint(f)) != old["xxh3"].get<std::string>()) return say("input " + f + " changed");
  }
  for (auto& [k, v] : inputs.items()) {
    if (k.rfind("artifact:", 0) != 0) continue;
    auto dep = entry(k.substr(9));
    if (dep.is_null() || dep["checksum"] != v["checksum"]) return say("input artifact " + k.substr(9) + " changed");
  }
  return true;
}

}  // namespace fr
