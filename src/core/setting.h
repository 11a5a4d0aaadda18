#pragma once
// Every setting declared once. Each config section is one list of rows, written with the
// FR_SETTINGS_SECTION macro beside the stage that reads it (train_config.h, split.h, ...):
//
//   #define FR_SPLIT_SETTINGS(X)   (each line but the last ends with a backslash)
//     X(int64_t, val_days, 7, "Days in the validation window", range(0, 3650), kModel, no_tune())
//     X(std::string, val_end, "", "Last day of the window, YYYY-MM-DD", any(), kModel, no_tune())
//   FR_SETTINGS_SECTION(SplitConfig, "split", FR_SPLIT_SETTINGS)
//
// A row is: type, name, default, help, check (range / choices / any), whether the value is part
// of the model's identity (kModel: changing it makes the stage's artifact stale; kRun: a
// run-time knob such as threads or checkpoint_every, left out of fingerprints), and the
// range `fashionrec tune` may search (no_tune() when it may not). From that one list come
// the struct with its defaults, its JSON (the manifest and the artifacts' metadata), its
// fingerprint (identity_json), and the table (settings_table) from which the CLI's flags,
// the TOML checks, `config --show` and `config --markdown` (the README's table) are made.
// LightGBM's include/LightGBM/config.h, where a generator reads the comments, was the model;
// here the preprocessor does the generating.
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <vector>

namespace fr {

/// What a value may be: numbers (and each item of a list) within [lo, hi]; strings one of the
/// choices when there are any.
struct SettingCheck {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  std::vector<std::string> choices;
  /// "" when v passes, else why not.
  std::string why_not(const nlohmann::json& v) const;
  /// "1..1000", "staged | joint" or "".
  std::string describe() const;
};
inline SettingCheck range(double lo, double hi) { return {lo, hi, {}}; }
inline SettingCheck at_least(double lo) { return {lo, std::numeric_limits<double>::infinity(), {}}; }
inline SettingCheck choices(std::initializer_list<const char*> c) {
  return {-INFINITY, INFINITY, {c.begin(), c.end()}};
}
inline SettingCheck any() { return {}; }

/// The search space `fashionrec tune` may draw a setting from.
struct TuneSpace {
  enum class Kind { kNone, kInt, kLogInt, kFloat, kLogFloat, kChoice };
  Kind kind = Kind::kNone;
  double lo = 0, hi = 0;
  std::vector<nlohmann::json> values;  ///< kChoice
  bool tunable() const { return kind != Kind::kNone; }
  /// "int 1..12", "log 0.0005..0.01", "one of 0, 28, 90" or "".
  std::string describe() const;
};
inline TuneSpace no_tune() { return {}; }
inline TuneSpace tune_int(double lo, double hi) { return {TuneSpace::Kind::kInt, lo, hi, {}}; }
inline TuneSpace tune_log_int(double lo, double hi) { return {TuneSpace::Kind::kLogInt, lo, hi, {}}; }
inline TuneSpace tune_float(double lo, double hi) { return {TuneSpace::Kind::kFloat, lo, hi, {}}; }
inline TuneSpace tune_log_float(double lo, double hi) { return {TuneSpace::Kind::kLogFloat, lo, hi, {}}; }
inline TuneSpace tune_choice(std::initializer_list<nlohmann::json> v) { return {TuneSpace::Kind::kChoice, 0, 0, v}; }

/// kModel: part of the artifact's identity; kRun: a run-time knob.
enum SettingRole { kModel, kRun };

struct Setting {
  std::string section, key;
  std::string type;  ///< int, float, bool, string, int list
  nlohmann::json default_value;
  std::string help;
  SettingCheck check;
  bool identity = true;
  TuneSpace tune;
  /// "--val-days" for val_days.
  std::string flag() const;
  std::string dotted() const { return section + "." + key; }
};
using SettingsTable = std::vector<Setting>;

template <class T>
std::string setting_type_name() {
  if constexpr (std::is_same_v<T, bool>) return "bool";
  if constexpr (std::is_integral_v<T>) return "int";
  if constexpr (std::is_floating_point_v<T>) return "float";
  if constexpr (std::is_same_v<T, std::string>) return "string";
  if constexpr (std::is_same_v<T, std::vector<int64_t>>) return "int list";
  return "json";
}

template <class T>
Setting make_setting(const char* section, const char* key, const T& def, const char* help, SettingCheck check,
                     SettingRole role, TuneSpace tune) {
  return {section,        key, setting_type_name<T>(), nlohmann::json(def), help, std::move(check), role == kModel,
          std::move(tune)};
}

/// Throws UsageError naming section.key and the check when a value of c breaks its row's check.
void check_settings(const SettingsTable& table, const nlohmann::json& section_values);

}  // namespace fr

#define FR_SETTING_FIELD(type, name, def, help, check, role, tune) type name = def;
#define FR_SETTING_TO_JSON(type, name, def, help, check, role, tune) j[#name] = c.name;
#define FR_SETTING_FROM_JSON(type, name, def, help, check, role, tune) \
  if (auto it = j.find(#name); it != j.end()) it->get_to(c.name);
#define FR_SETTING_IDENTITY(type, name, def, help, check, role, tune) \
  if (role == ::fr::kModel) j[#name] = c.name;
#define FR_SETTING_ROW(type, name, def, help, check, role, tune) \
  ::fr::make_setting<type>(section, #name, type(def), help, check, role, tune),

/// Declares struct Struct with one field per row, its to_json / from_json (a missing key keeps
/// its default), identity_json (the kModel rows only: what fingerprints compare) and
/// settings_table(const Struct*) (the rows).
#define FR_SETTINGS_SECTION(Struct, section_name, LIST)                                    \
  struct Struct {                                                                          \
    LIST(FR_SETTING_FIELD)                                                                 \
  };                                                                                       \
  inline void to_json(nlohmann::json& j, const Struct& c) {                                \
    j = nlohmann::json::object();                                                          \
    LIST(FR_SETTING_TO_JSON)                                                               \
  }                                                                                        \
  inline void from_json(const nlohmann::json& j, Struct& c) { LIST(FR_SETTING_FROM_JSON) } \
  inline nlohmann::json identity_json(const Struct& c) {                                   \
    nlohmann::json j = nlohmann::json::object();                                           \
    LIST(FR_SETTING_IDENTITY)                                                              \
    return j;                                                                              \
  }                                                                                        \
  inline const ::fr::SettingsTable& settings_table(const Struct*) {                        \
    static const ::fr::SettingsTable table = [] {                                          \
      const char* section = section_name;                                                  \
      return ::fr::SettingsTable{LIST(FR_SETTING_ROW)};                                    \
    }();                                                                                   \
    return table;                                                                          \
  }
