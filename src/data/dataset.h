#pragma once
// The Dataset: the H&M data as columns, loaded by mmap from the workspace artifact
// "dataset" (file dataset.frc) that `fashionrec ingest` writes.
//
// Ids are dense: customer c is row c of the customer columns, article a is row a of the
// article columns. Customers and articles that appear only in transactions come after the
// rows of customers.csv / articles.csv (in order of first purchase) with has_meta = 0.
// Transactions stay in file order. Missing values: int -1 for FN/Active, NaN for age,
// kMissingInt for article int columns, code -1 for categoricals.
#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/artifact.h"

namespace fr {

inline constexpr const char* kDatasetArtifact = "dataset";
inline constexpr const char* kDatasetFile = "dataset.frc";
inline constexpr uint32_t kDatasetVersion = 1;
inline constexpr int32_t kMissingInt = std::numeric_limits<int32_t>::min();

/// H&M articles.csv integer columns, in file order.
inline constexpr std::array<const char*, 10> kArticleIntColumns = {"product_code",
                                                                   "product_type_no",
                                                                   "graphical_appearance_no",
                                                                   "colour_group_code",
                                                                   "perceived_colour_value_id",
                                                                   "perceived_colour_master_id",
                                                                   "department_no",
                                                                   "index_group_no",
                                                                   "section_no",
                                                                   "garment_group_no"};
/// H&M articles.csv categorical (dictionary-coded) columns.
inline constexpr std::array<const char*, 13> kArticleCategoryColumns = {"prod_name",
                                                                        "product_type_name",
                                                                        "product_group_name",
                                                                        "graphical_appearance_name",
                                                                        "colour_group_name",
                                                                        "perceived_colour_value_name",
                                                                        "perceived_colour_master_name",
                                                                        "department_name",
                                                                        "index_code",
                                                                        "index_name",
                                                                        "index_group_name",
                                                                        "section_name",
                                                                        "garment_group_name"};
/// H&M customers.csv categorical columns.
inline constexpr std::array<const char*, 3> kCustomerCategoryColumns = {"club_member_status", "fashion_news_frequency",
                                                                        "postal_code"};

/// A dictionary-coded column: codes[row] indexes values; -1 = missing.
struct Categorical {
  std::span<const int32_t> codes;  /// [n_rows]
  StringColumn values;             /// [n_distinct]
  std::string_view at(size_t row) const {
    int32_t c = codes[row];
    return c < 0 ? std::string_view() : values[size_t(c)];
  }
};

class Dataset {
 public:
  /// Opens dataset.frc; verify checks the whole-file checksum (~0.1 s per GB).
  static Dataset load(const std::string& path, bool verify = true);

  int32_t n_customers() const { return int32_t(customer_has_meta.size()); }
  int32_t n_articles() const { return int32_t(article_id.size()); }
  int64_t n_transactions() const { return int64_t(tx_day.size()); }

  // Transactions, [n_transactions] each, in file order.
  std::span<const int32_t> tx_day;       /// days since 1970-01-01
  std::span<const int32_t> tx_customer;  /// dense customer id
  std::span<const int32_t> tx_article;   /// dense article id
  std::span<const float> tx_price;       /// H&M's normalised price
  std::span<const int8_t> tx_channel;    /// sales_channel_id: 1 or 2

  // Customers, [n_customers] each.
  StringColumn customer_id;                    /// the original customer_id
  std::span<const uint8_t> customer_has_meta;  /// 1 = has a customers.csv row
  std::span<const int8_t> fn, active;          /// 1, 0, or -1 = empty
  std::span<const float> age;                  /// years; NaN = empty
  Categorical club_member_status, fashion_news_frequency, postal_code;

  // Articles, [n_articles] each.
  std::span<const int64_t> article_id;        /// numeric id; format_article_id gives 10 digits
  std::span<const uint8_t> article_has_meta;  /// 1 = has an articles.csv row
  StringColumn detail_desc;                   /// free text, "" when missing
  /// One of kArticleIntColumns.
  std::span<const int32_t> article_int(std::string_view name) const;
  /// One of kArticleCategoryColumns or kCustomerCategoryColumns.
  Categorical category(std::string_view name) const;

  /// Dense ids from original ids; nullopt for an unknown id (expected, not an error).
  std::optional<int32_t> find_customer(std::string_view id) const;
  std::optional<int32_t> find_article(std::string_view id) const;  // with or without leading 0
  std::optional<int32_t> find_article(int64_t id) const;

  /// The ingest summary stored with the dataset.
  const nlohmann::json& summary() const { return art_->meta().at("summary"); }
  const Artifact& artifact() const { return *art_; }

 private:
  struct Lookup;
  std::shared_ptr<const Artifact> art_;
  std::shared_ptr<Lookup> lookup_;
};

}  // namespace fr
