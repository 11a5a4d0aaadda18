#pragma once
// The merged configuration: the settings tables (core/setting.h) supply the defaults, types
// and checks; the tuned settings (<workspace>/tuned.toml, written by `fashionrec tune`)
// override them, a TOML file overrides those, and command-line flags override everything.
// Keys are "section.key"; each value remembers where it came from (`config --show`).
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/setting.h"

namespace fr {

class Config {
 public:
  /// defaults: {"section": {"key": value, ...}, ...}. Types of the defaults are the schema
  /// (no checks: tests and ad-hoc configs).
  explicit Config(nlohmann::json defaults) : values_(std::move(defaults)) {}
  /// The sections' tables: defaults, types and checks.
  explicit Config(std::vector<SettingsTable> tables);

  /// Overlays a TOML file. Unknown sections or keys, wrong types and values outside a row's
  /// check are DataErrors that name the file, the line and the key. origin labels the values
  /// in `config --show` (default: the file's path).
  void merge_toml_file(const std::string& path, const std::string& origin = "");
  void merge_toml_string(const std::string& text, const std::string& source_name, const std::string& origin = "");

  /// Sets "section.key" from a command-line string, converted to the default's type and
  /// checked (UsageError).
  void set(const std::string& dotted_key, const std::string& value, const std::string& origin = "flag");

  const nlohmann::json& json() const { return values_; }
  const nlohmann::json& section(const std::string& name) const { return values_.at(name); }
  const std::vector<SettingsTable>& tables() const { return tables_; }
  /// The row of "section.key", or nullptr.
  const Setting* find(const std::string& dotted_key) const;
  /// Where the value of "section.key" came from: "default", a file, "flag --x".
  std::string origin(const std::string& dotted_key) const;
  /// The keys set by a TOML file or a flag (not defaults, not tuned.toml): tune leaves them.
  std::vector<std::string> pinned() const;

  /// Every value as TOML; with origins, each line ends with "# from ...".
  std::string to_toml(bool origins = false) const;
  /// The settings tables as Markdown (the README's settings section).
  std::string markdown() const;

 private:
  nlohmann::json values_;
  std::vector<SettingsTable> tables_;
  std::map<std::string, std::string> origins_;
};

}  // namespace fr
