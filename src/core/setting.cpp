#include "core/setting.h"

#include <fmt/format.h>

#include "core/error.h"

namespace fr {

namespace {
std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v == std::floor(v) && std::fabs(v) < 1e15 ? fmt::format("{}", int64_t(v)) : fmt::format("{}", v);
}
}  // namespace

std::string SettingCheck::why_not(const nlohmann::json& v) const {
  if (v.is_array()) {
    for (auto& item : v)
      if (auto w = why_not(item); !w.empty()) return w;
    return "";
  }
  if (v.is_number()) {
    double x = v.get<double>();
    if (!(x >= lo && x <= hi)) return number(x) + " is outside " + describe();
  }
  if (v.is_string() && !choices.empty()) {
    for (auto& c : choices)
      if (v.get<std::string>() == c) return "";
    return "'" + v.get<std::string>() + "' is not one of " + describe();
  }
  return "";
}

std::string SettingCheck::describe() const {
  if (!choices.empty()) {
    std::string s;
    for (auto& c : choices) s += (s.empty() ? "" : " | ") + c;
    return s;
  }
  if (std::isinf(lo) && std::isinf(hi)) return "";
  if (std::isinf(hi)) return ">= " + number(lo);
  return number(lo) + ".." + number(hi);
}

std::string TuneSpace::describe() const {
  switch (kind) {
    case Kind::kNone:
      return "";
    case Kind::kInt:
      return "int " + number(lo) + ".." + number(hi);
    case Kind::kLogInt:
      return "log-int " + number(lo) + ".." + number(hi);
    case Kind::kFloat:
      return number(lo) + ".." + number(hi);
    case Kind::kLogFloat:
      return "log " + number(lo) + ".." + number(hi);
    case Kind::kChoice: {
      std::string s = "one of ";
      for (size_t i = 0; i < values.size(); ++i)
        s += (i ? ", " : "") + (values[i].is_string() ? values[i].get<std::string>() : values[i].dump());
      return s;
    }
  }
  return "";
}

std::string Setting::flag() const {
  std::string f = "--" + key;
  for (auto& ch : f)
    if (ch == '_') ch = '-';
  return f;
}

void check_settings(const SettingsTable& table, const nlohmann::json& values) {
  for (const Setting& s : table) {
    auto it = values.find(s.key);
    if (it == values.end()) continue;
    if (auto why = s.check.why_not(*it); !why.empty()) throw UsageError(s.dotted() + ": " + why);
  }
}

}  // namespace fr
