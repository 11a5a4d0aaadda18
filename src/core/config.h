#pragma once
// The merged configuration: each stage's config struct supplies defaults (as JSON), a TOML
// file overrides them, and command-line flags override both. Keys are "section.key".
#include <nlohmann/json.hpp>
#include <string>

namespace fr {

class Config {
 public:
  /// defaults: {"section": {"key": value, ...}, ...}. Types of the defaults are the schema.
  explicit Config(nlohmann::json defaults) : values_(std::move(defaults)) {}

  /// Overlays a TOML file. Unknown sections or keys and wrong types are DataErrors that name
  /// the file, the line and the key.
  void merge_toml_file(const std::string& path);
  void merge_toml_string(const std::string& text, const std::string& source_name);

  /// Sets "section.key" from a command-line string, converted to the default's type.
  void set(const std::string& dotted_key, const std::string& value);

  const nlohmann::json& json() const { return values_; }
  const nlohmann::json& section(const std::string& name) const { return values_.at(name); }
  std::string to_toml() const;

 private:
  nlohmann::json values_;
};

}  // namespace fr
