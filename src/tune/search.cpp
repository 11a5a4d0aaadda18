#include "tune/search.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace fr {

SearchSpace::SearchSpace(const Config& config, const std::vector<std::string>& sections) {
  const auto pinned = config.pinned();
  for (const auto& t : config.tables())
    for (const Setting& s : t) {
      if (!s.tune.tunable() || std::find(sections.begin(), sections.end(), s.section) == sections.end()) continue;
      if (std::find(pinned.begin(), pinned.end(), s.dotted()) != pinned.end()) continue;
      rows_.push_back(&s);
    }
}

nlohmann::json SearchSpace::draw(const Setting& row, std::mt19937_64& rng) {
  const TuneSpace& t = row.tune;
  std::uniform_real_distribution<double> u(0, 1);
  auto as_type = [&](double v) -> nlohmann::json {
    if (row.type == "int") return int64_t(std::llround(v));
    // Three significant digits: readable settings, and the same value in TOML and JSON.
    double mag = std::pow(10.0, std::floor(std::log10(std::fabs(v))) - 2);
    return std::round(v / mag) * mag;
  };
  switch (t.kind) {
    case TuneSpace::Kind::kInt:
      return int64_t(t.lo) + int64_t(rng() % uint64_t(int64_t(t.hi) - int64_t(t.lo) + 1));
    case TuneSpace::Kind::kLogInt:
    case TuneSpace::Kind::kLogFloat:
      return as_type(std::exp(std::log(t.lo) + u(rng) * (std::log(t.hi) - std::log(t.lo))));
    case TuneSpace::Kind::kFloat:
      return as_type(t.lo + u(rng) * (t.hi - t.lo));
    case TuneSpace::Kind::kChoice:
      return t.values[size_t(rng() % t.values.size())];
    case TuneSpace::Kind::kNone:
      break;
  }
  throw InternalError("setting " + row.dotted() + " is not tunable");
}

nlohmann::json SearchSpace::sample(std::mt19937_64& rng, double share) const {
  nlohmann::json out = nlohmann::json::object();
  if (rows_.empty()) return out;
  std::uniform_real_distribution<double> u(0, 1);
  for (const Setting* s : rows_)
    if (u(rng) < share) out[s->dotted()] = draw(*s, rng);
  if (out.empty()) {
    const Setting* s = rows_[size_t(rng() % rows_.size())];
    out[s->dotted()] = draw(*s, rng);
  }
  return out;
}

nlohmann::json apply_overrides(nlohmann::json base, const nlohmann::json& overrides) {
  for (auto& [k, v] : overrides.items()) {
    auto dot = k.find('.');
    base[k.substr(0, dot)][k.substr(dot + 1)] = v;
  }
  return base;
}

}  // namespace fr
