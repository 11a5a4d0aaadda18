#include "core/config.h"

#include <toml++/toml.h>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace fr {
namespace {

/// Converts a command-line or TOML scalar to the JSON type of the default.
nlohmann::json convert_like(const nlohmann::json& like, const std::string& text, const std::string& key) {
  try {
    if (like.is_array()) {  // "10,12,20": each item converted like the default's first
      nlohmann::json out = nlohmann::json::array(), item = like.empty() ? nlohmann::json("") : like[0];
      for (size_t from = 0; from <= text.size();) {
        size_t comma = std::min(text.find(',', from), text.size());
        out.push_back(convert_like(item, text.substr(from, comma - from), key));
        from = comma + 1;
      }
      return out;
    }
    if (like.is_boolean()) {
      if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
      if (text == "false" || text == "0" || text == "no" || text == "off") return false;
      throw UsageError("");
    }
    if (like.is_number_integer()) {
      size_t used = 0;
      long long v = std::stoll(text, &used);
      if (used != text.size()) throw UsageError("");
      return v;
    }
    if (like.is_number_float()) {
      size_t used = 0;
      double v = std::stod(text, &used);
      if (used != text.size()) throw UsageError("");
      return v;
    }
  } catch (const std::exception&) {
    throw UsageError("config key '" + key + "': '" + text + "' is not a valid " + like.type_name());
  }
  return text;
}

nlohmann::json toml_to_json(const toml::node& n) {
  if (auto t = n.as_table()) {
    nlohmann::json j = nlohmann::json::object();
    for (auto& [k, v] : *t) j[std::string(k.str())] = toml_to_json(v);
    return j;
  }
  if (auto a = n.as_array()) {
    nlohmann::json j = nlohmann::json::array();
    for (auto& v : *a) j.push_back(toml_to_json(v));
    return j;
  }
  if (auto v = n.as_string()) return v->get();
  if (auto v = n.as_integer()) return v->get();
  if (auto v = n.as_floating_point()) return v->get();
  if (auto v = n.as_boolean()) return v->get();
  if (auto v = n.as_date())
    return std::to_string(v->get().year) + "-" + std::to_string(v->get().month) + "-" + std::to_string(v->get().day);
  return nullptr;
}

bool same_kind(const nlohmann::json& a, const nlohmann::json& b) {
  if (a.is_number() && b.is_number()) return !(a.is_number_integer() && b.is_number_float());
  return a.type() == b.type();
}

}  // namespace

void Config::merge_toml_string(const std::string& text, const std::string& source_name) {
  toml::table tbl;
  try {
    tbl = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    auto& b = e.source().begin;
    throw DataError(SourceLocation{source_name, int64_t(b.line), int64_t(b.column)},
                    "TOML parse error: " + std::string(e.description()));
  }
  for (auto& [sec, node] : tbl) {
    std::string s(sec.str());
    auto line = int64_t(node.source().begin.line);
    if (!values_.contains(s)) throw DataError(SourceLocation{source_name, line, 0, s}, "unknown config section");
    auto t = node.as_table();
    if (!t) throw DataError(SourceLocation{source_name, line, 0, s}, "expected a [section] table");
    for (auto& [k, v] : *t) {
      std::string key(k.str());
      SourceLocation where{source_name, int64_t(v.source().begin.line), int64_t(v.source().begin.column),
                           s + "." + key};
      if (!values_[s].contains(key)) throw DataError(where, "unknown config key");
      auto j = toml_to_json(v);
      if (!same_kind(values_[s][key], j))
        throw DataError(where, std::string("expected a ") + values_[s][key].type_name() + ", got a " + j.type_name());
      if (values_[s][key].is_number_float()) j = j.get<double>();
      values_[s][key] = j;
    }
  }
}

void Config::merge_toml_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw DataError(SourceLocation{path}, "cannot read config file");
  std::stringstream ss;
  ss << in.rdbuf();
  merge_toml_string(ss.str(), path);
}

void Config::set(const std::string& dotted_key, const std::string& value) {
  auto dot = dotted_key.find('.');
  if (dot == std::string::npos) throw UsageError("config key must be section.key: " + dotted_key);
  std::string s = dotted_key.substr(0, dot), k = dotted_key.substr(dot + 1);
  if (!values_.contains(s) || !values_[s].contains(k)) throw UsageError("unknown config key: " + dotted_key);
  values_[s][k] = convert_like(values_[s][k], value, dotted_key);
}

std::string Config::to_toml() const {
  std::ostringstream os;
  bool first = true;
  for (auto& [sec, tbl] : values_.items()) {
    if (!first) os << "\n";
    first = false;
    os << "[" << sec << "]\n";
    for (auto& [k, v] : tbl.items()) os << k << " = " << v.dump() << "\n";
  }
  return os.str();
}

}  // namespace fr
