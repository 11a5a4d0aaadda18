#pragma once
// FeatureTransform: raw features -> model inputs. Fitted once on the training-derived
// features and stored in the features artifact, so serving applies exactly the same one.
//
// Dense row layout, in spec order: for each numeric feature its standardised value
// ((x - mean) / std, a missing x taking the median first), followed by "<name>_missing"
// (0/1) when the feature had missing values at fit time; for each low-cardinality category
// one column per value plus "<name>=unknown" (one-hot). High-cardinality categories are not
// in the dense row: each is an index column, code + 1, with 0 for unknown.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "features/raw_features.h"

namespace fr {

class FeatureTransform {
 public:
  struct Num {
    std::string name;
    float median = 0, mean = 0, std = 1, min = 0, max = 0;
    int64_t missing = 0;
    bool flag = false;  ///< adds a "<name>_missing" column
  };
  struct Cat {
    std::string name;
    bool embed = false;
    std::vector<std::string> values;  ///< one-hot only (an embedding uses the Dataset's codes)
    int64_t cardinality = 0;          ///< index columns: values + 1 (0 = unknown)
    int64_t missing = 0;
  };

  static FeatureTransform fit(const RawTable& t);

  size_t dim() const { return names_.size(); }
  size_t n_index() const { return index_names_.size(); }
  const std::vector<std::string>& column_names() const { return names_; }
  const std::vector<std::string>& index_names() const { return index_names_; }
  std::vector<int64_t> index_cardinality() const;

  /// x: [rows, dim()] row-major; idx: [rows, n_index()] row-major.
  void apply(const RawTable& t, std::vector<float>& x, std::vector<int32_t>& idx, int threads) const;
  /// One row from named values, for serving: numbers by name (absent or NaN = missing),
  /// one-hot categories by value ("" or absent = unknown), index categories by Dataset code.
  void apply_row(const std::map<std::string, float>& nums, const std::map<std::string, std::string>& cats,
                 const std::map<std::string, int32_t>& codes, float* x, int32_t* idx) const;

  nlohmann::json to_json() const;
  static FeatureTransform from_json(const nlohmann::json& j);
  /// Every feature: name, type, source, statistics, missing count.
  nlohmann::json report(const std::string& source) const;

  const std::vector<Num>& nums() const { return nums_; }
  const std::vector<Cat>& cats() const { return cats_; }

 private:
  void build_names();
  std::vector<Num> nums_;
  std::vector<Cat> cats_;
  std::vector<std::string> names_, index_names_;
};

}  // namespace fr
