#pragma once
// Raw (unscaled) features of customers and articles, computed from the training days of a
// split only: everything is "as of" the first validation day (Split::val_start).
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "features/split.h"

namespace fr {

/// Named feature columns of one entity, [rows] each. NaN = missing number; code -1 =
/// missing category.
struct RawTable {
  struct Cat {
    std::string name;
    std::vector<int32_t> codes;
    std::vector<std::string> values;  ///< the dictionary
    bool embed = false;               ///< high cardinality: an embedding index, not one-hot
  };
  size_t rows = 0;
  std::vector<std::string> num_names;
  std::deque<std::vector<float>> num;  // deques: add_num/add_cat keep earlier references valid
  std::deque<Cat> cats;

  std::vector<float>& add_num(const std::string& name);
  Cat& add_cat(const std::string& name, bool embed);
  /// Throws InternalError for an unknown name.
  const std::vector<float>& num_col(const std::string& name) const;
  const Cat& cat(const std::string& name) const;
};

/// Age buckets for customer features and the pair feature "popularity in my age bucket".
int age_bucket(float age);  ///< -1 when unknown
const std::vector<std::string>& age_bucket_names();

/// Customer features: purchase behaviour, recent activity, engagement, preferences, metadata.
RawTable customer_features(const Dataset& d, const Split& s, int threads);
/// Article features: popularity and trend, prices, first sale, every categorical column.
RawTable article_features(const Dataset& d, const Split& s, int threads);

/// Whether a transformed column (FeatureTransform::column_names(): "sales_7d",
/// "spend_mean_missing", "share_index_group_name=Sport", ...) sums up purchases of a window
/// that ends on the split's first validation day: customers' behaviour and articles' sales.
/// False for metadata and prices. Such a column describes a purchase a year before the split
/// with what happened after it (see TrainConfig::mask_history_columns).
bool is_history_column(const std::string& name);

/// Training rows grouped by customer (or article): entry k of group g is row rows[k] for
/// k in [offsets[g], offsets[g + 1]), in file (time) order.
struct GroupedRows {
  std::vector<uint64_t> offsets;
  std::vector<uint32_t> rows;
};
GroupedRows group_train_rows(const Dataset& d, const Split& s, bool by_customer);

}  // namespace fr
