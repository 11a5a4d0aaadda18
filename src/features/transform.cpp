#include "features/transform.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "core/error.h"
#include "core/parallel.h"

namespace fr {

FeatureTransform FeatureTransform::fit(const RawTable& t) {
  FeatureTransform f;
  for (size_t k = 0; k < t.num.size(); ++k) {
    const auto& col = t.num[k];
    Num n;
    n.name = t.num_names[k];
    std::vector<float> present;
    present.reserve(col.size());
    for (float v : col)
      if (!std::isnan(v)) present.push_back(v);
    n.missing = int64_t(col.size() - present.size());
    n.flag = n.missing > 0;
    if (!present.empty()) {
      size_t m = present.size() / 2;
      std::nth_element(present.begin(), present.begin() + ptrdiff_t(m), present.end());
      n.median = present[m];
      auto [lo, hi] = std::minmax_element(present.begin(), present.end());
      n.min = *lo;
      n.max = *hi;
    }
    double sum = 0, sq = 0;
    for (float v : col) {
      double x = std::isnan(v) ? n.median : v;
      sum += x;
      sq += x * x;
    }
    double mean = col.empty() ? 0 : sum / double(col.size());
    double var = col.empty() ? 0 : std::max(0.0, sq / double(col.size()) - mean * mean);
    n.mean = float(mean);
    n.std = var > 1e-12 ? float(std::sqrt(var)) : 1.f;
    f.nums_.push_back(n);
  }
  for (auto& c : t.cats) {
    Cat k;
    k.name = c.name;
    k.embed = c.embed;
    k.cardinality = int64_t(c.values.size()) + 1;
    if (!c.embed) k.values = c.values;
    for (int32_t code : c.codes) k.missing += code < 0;
    f.cats_.push_back(k);
  }
  f.build_names();
  return f;
}

void FeatureTransform::build_names() {
  names_.clear();
  index_names_.clear();
  for (auto& n : nums_) {
    names_.push_back(n.name);
    if (n.flag) names_.push_back(n.name + "_missing");
  }
  for (auto& c : cats_) {
    if (c.embed) {
      index_names_.push_back(c.name);
      continue;
    }
    for (auto& v : c.values) names_.push_back(c.name + "=" + v);
    names_.push_back(c.name + "=unknown");
  }
}

std::vector<int64_t> FeatureTransform::index_cardinality() const {
  std::vector<int64_t> out;
  for (auto& c : cats_)
    if (c.embed) out.push_back(c.cardinality);
  return out;
}

void FeatureTransform::apply(const RawTable& t, std::vector<float>& x, std::vector<int32_t>& idx, int threads) const {
  if (t.num.size() != nums_.size() || t.cats.size() != cats_.size())
    throw InternalError("feature table does not match its transform");
  const size_t rows = t.rows, d = dim(), k = n_index();
  x.assign(rows * d, 0.f);
  idx.assign(rows * k, 0);
  // One-hot: the table's codes -> this transform's value positions (matched by value).
  std::vector<std::vector<int32_t>> remap(cats_.size());
  for (size_t c = 0; c < cats_.size(); ++c) {
    if (cats_[c].embed) continue;
    if (t.cats[c].name != cats_[c].name) throw InternalError("feature table does not match its transform");
    for (auto& v : t.cats[c].values) {
      auto it = std::find(cats_[c].values.begin(), cats_[c].values.end(), v);
      remap[c].push_back(it == cats_[c].values.end() ? -1 : int32_t(it - cats_[c].values.begin()));
    }
  }
  parallel_for((rows + 4095) / 4096, threads, [&](size_t block) {
    for (size_t r = block * 4096; r < std::min(rows, (block + 1) * 4096); ++r) {
      float* row = &x[r * d];
      int32_t* ir = &idx[r * k];
      size_t col = 0, ic = 0;
      for (size_t n = 0; n < nums_.size(); ++n) {
        const Num& s = nums_[n];
        float v = t.num[n][r];
        bool miss = std::isnan(v);
        row[col++] = ((miss ? s.median : v) - s.mean) / s.std;
        if (s.flag) row[col++] = miss ? 1.f : 0.f;
      }
      for (size_t c = 0; c < cats_.size(); ++c) {
        const Cat& s = cats_[c];
        int32_t code = t.cats[c].codes[r];
        if (s.embed) {
          ir[ic++] = code < 0 || code + 1 >= s.cardinality ? 0 : code + 1;
          continue;
        }
        int32_t pos = code < 0 ? -1 : remap[c][size_t(code)];
        row[col + (pos < 0 ? s.values.size() : size_t(pos))] = 1.f;
        col += s.values.size() + 1;
      }
    }
  });
}

void FeatureTransform::apply_row(const std::map<std::string, float>& nums,
                                 const std::map<std::string, std::string>& cats,
                                 const std::map<std::string, int32_t>& codes, float* x, int32_t* idx) const {
  size_t col = 0, ic = 0;
  for (auto& s : nums_) {
    auto it = nums.find(s.name);
    bool miss = it == nums.end() || std::isnan(it->second);
    x[col++] = ((miss ? s.median : it->second) - s.mean) / s.std;
    if (s.flag) x[col++] = miss ? 1.f : 0.f;
  }
  for (auto& s : cats_) {
    if (s.embed) {
      auto it = codes.find(s.name);
      int32_t code = it == codes.end() ? -1 : it->second;
      idx[ic++] = code < 0 || code + 1 >= s.cardinality ? 0 : code + 1;
      continue;
    }
    for (size_t v = 0; v <= s.values.size(); ++v) x[col + v] = 0.f;
    auto it = cats.find(s.name);
    size_t pos = s.values.size();
    if (it != cats.end()) {
      auto f = std::find(s.values.begin(), s.values.end(), it->second);
      if (f != s.values.end()) pos = size_t(f - s.values.begin());
    }
    x[col + pos] = 1.f;
    col += s.values.size() + 1;
  }
}

nlohmann::json FeatureTransform::to_json() const {
  nlohmann::json j = {{"nums", nlohmann::json::array()}, {"cats", nlohmann::json::array()}};
  for (auto& n : nums_)
    j["nums"].push_back({{"name", n.name},
                         {"median", n.median},
                         {"mean", n.mean},
                         {"std", n.std},
                         {"min", n.min},
                         {"max", n.max},
                         {"missing", n.missing},
                         {"flag", n.flag}});
  for (auto& c : cats_)
    j["cats"].push_back({{"name", c.name},
                         {"embed", c.embed},
                         {"values", c.values},
                         {"cardinality", c.cardinality},
                         {"missing", c.missing}});
  return j;
}

FeatureTransform FeatureTransform::from_json(const nlohmann::json& j) {
  FeatureTransform f;
  for (auto& n : j.at("nums"))
    f.nums_.push_back(Num{n.at("name"), n.at("median"), n.at("mean"), n.at("std"), n.at("min"), n.at("max"),
                          n.at("missing"), n.at("flag")});
  for (auto& c : j.at("cats"))
    f.cats_.push_back(Cat{c.at("name"), c.at("embed"), c.at("values").get<std::vector<std::string>>(),
                          c.at("cardinality"), c.at("missing")});
  f.build_names();
  return f;
}

nlohmann::json FeatureTransform::report(const std::string& source) const {
  nlohmann::json r = nlohmann::json::array();
  for (auto& n : nums_)
    r.push_back({{"name", n.name},
                 {"type", "number, standardised"},
                 {"source", source},
                 {"mean", n.mean},
                 {"std", n.std},
                 {"median", n.median},
                 {"min", n.min},
                 {"max", n.max},
                 {"missing", n.missing},
                 {"missing_flag", n.flag}});
  for (auto& c : cats_)
    r.push_back({{"name", c.name},
                 {"type", c.embed ? "category, embedding index" : "category, one-hot"},
                 {"source", source},
                 {"values", c.cardinality - 1},
                 {"missing", c.missing}});
  return r;
}

}  // namespace fr
