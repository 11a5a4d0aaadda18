#pragma once
// The workspace: one folder that holds every stage's artifacts and manifest.json.
//
// manifest.json = {"format": 1, "artifacts": {NAME: {
//     "file": "dataset.frc", "kind": "dataset", "format_version": 1,
//     "checksum": "<xxh3 hex of the artifact body>", "created": "<UTC ISO-8601>",
//     "config": {...the stage config that made it...},
//     "inputs": {"file:/abs/path": {"bytes": N, "mtime_ns": N, "xxh3": "<hex>"},
//                "artifact:NAME": {"checksum": "<hex>"}}}}}
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace fr {

/// The fingerprint of one input file: size, mtime and the content hash (file_fingerprint).
nlohmann::json file_input(const std::string& path, std::optional<uint64_t> known_hash = {}, int threads = 1);

class Workspace {
 public:
  /// Opens (and with create, makes) the folder; removes temporary files a killed run left.
  explicit Workspace(std::string dir, bool create = true);

  const std::string& dir() const { return dir_; }
  std::string path(const std::string& file) const;
  nlohmann::json manifest() const;

  /// Records an artifact after its file was committed.
  void record(const std::string& name, const std::string& file, const std::string& kind, uint32_t format_version,
              uint64_t checksum, const nlohmann::json& config, const nlohmann::json& inputs) const;

  /// The manifest entry of an artifact, or null.
  nlohmann::json entry(const std::string& name) const;

  /// "artifact:NAME" input for the inputs object: the checksum of a recorded artifact.
  nlohmann::json artifact_input(const std::string& name) const;

  /// Whether the artifact is present and intact and was made by this config from these
  /// inputs (same keys as stored). If not, *why says what changed.
  bool is_up_to_date(const std::string& name, const nlohmann::json& config, const std::vector<std::string>& input_files,
                     std::string* why = nullptr) const;

  int stale_temporaries_removed() const { return stale_removed_; }

 private:
  std::string dir_;
  int stale_removed_ = 0;
};

}  // namespace fr
