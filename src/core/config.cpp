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

Config::Config(std::vector<SettingsTable> tables) : values_(nlohmann::json::object()), tables_(std::move(tables)) {
  for (const auto& t : tables_)
    for (const Setting& s : t) values_[s.section][s.key] = s.default_value;
}

const Setting* Config::find(const std::string& dotted_key) const {
  for (const auto& t : tables_)
    for (const Setting& s : t)
      if (s.dotted() == dotted_key) return &s;
  return nullptr;
}

std::string Config::origin(const std::string& dotted_key) const {
  auto it = origins_.find(dotted_key);
  return it == origins_.end() ? "default" : it->second;
}

std::vector<std::string> Config::pinned() const {
  std::vector<std::string> out;
  for (auto& [k, o] : origins_)
    if (o.rfind("tune", 0) != 0) out.push_back(k);
  return out;
}

void Config::merge_toml_string(const std::string& text, const std::string& source_name, const std::string& origin) {
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
      if (const Setting* row = find(s + "." + key))
        if (auto why = row->check.why_not(j); !why.empty()) throw DataError(where, why);
      values_[s][key] = j;
      origins_[s + "." + key] = origin.empty() ? source_name : origin;
    }
  }
}

void Config::merge_toml_file(const std::string& path, const std::string& origin) {
  std::ifstream in(path);
  if (!in) throw DataError(SourceLocation{path}, "cannot read config file");
  std::stringstream ss;
  ss << in.rdbuf();
  merge_toml_string(ss.str(), path, origin);
}

void Config::set(const std::string& dotted_key, const std::string& value, const std::string& origin) {
  auto dot = dotted_key.find('.');
  if (dot == std::string::npos) throw UsageError("config key must be section.key: " + dotted_key);
  std::string s = dotted_key.substr(0, dot), k = dotted_key.substr(dot + 1);
  if (!values_.contains(s) || !values_[s].contains(k)) throw UsageError("unknown config key: " + dotted_key);
  auto v = convert_like(values_[s][k], value, dotted_key);
  if (const Setting* row = find(dotted_key))
    if (auto why = row->check.why_not(v); !why.empty()) throw UsageError(dotted_key + ": " + why);
  values_[s][k] = std::move(v);
  origins_[dotted_key] = origin;
}

std::string Config::to_toml(bool origins) const {
  std::ostringstream os;
  bool first = true;
  // The tables' order (general first, then the pipeline's), or the JSON's without tables.
  std::vector<std::pair<std::string, std::vector<std::string>>> order;
  for (const auto& t : tables_)
    if (!t.empty()) {
      order.push_back({t.front().section, {}});
      for (const Setting& s : t) order.back().second.push_back(s.key);
    }
  if (order.empty())
    for (auto& [sec, tbl] : values_.items()) {
      order.push_back({sec, {}});
      for (auto& [k, v] : tbl.items()) order.back().second.push_back(k);
    }
  for (auto& [sec, keys] : order) {
    if (!first) os << "\n";
    first = false;
    os << "[" << sec << "]\n";
    for (const std::string& k : keys) {
      const nlohmann::json& v = values_.at(sec).at(k);
      std::string line = k + " = " + v.dump();
      if (origins) {
        line.resize(std::max<size_t>(line.size(), 44), ' ');
        line += " # " + origin(sec + "." + k);
      }
      os << line << "\n";
    }
  }
  return os.str();
}

std::string Config::markdown() const {
  std::ostringstream os;
  auto cell = [](std::string s) {
    for (size_t p = 0; (p = s.find('|', p)) != std::string::npos; p += 2) s.replace(p, 1, "\\|");
    return s;
  };
  for (const auto& t : tables_) {
    if (t.empty()) continue;
    os << "\n**[" << t.front().section << "]**\n\n"
       << "| key | flag | default | allowed | identity | tune searches | what it does |\n"
       << "|---|---|---|---|---|---|---|\n";
    for (const Setting& s : t) {
      std::string def =
          s.default_value.is_string() ? "\"" + s.default_value.get<std::string>() + "\"" : s.default_value.dump();
      os << "| `" << s.key << "` | `" << s.flag() << "` | `" << cell(def) << "` | " << cell(s.check.describe()) << " | "
         << (s.identity ? "model" : "run") << " | " << cell(s.tune.describe()) << " | " << cell(s.help) << " |\n";
    }
  }
  return os.str();
}

}  // namespace fr
