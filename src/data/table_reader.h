#pragma once
// Reads a metadata table (customers.csv, articles.csv) into typed columns in parallel.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "data/csv_reader.h"
#include "data/id_index.h"
#include "data/string_arena.h"

namespace fr {

enum class ColKind {
  kStringKey,   ///< unique string id (customer_id) -> StringIdIndex
  kArticleKey,  ///< unique numeric article id, leading zeros optional -> IntIdIndex
  kInt,         ///< int32; empty = kMissingInt
  kFlag,        ///< int8 (FN, Active: "1.0"); empty = -1
  kFloat,       ///< float (age: "55.0"); empty = NaN
  kCategory,    ///< dictionary code; empty = -1
  kText,        ///< free text, kept as is
};

struct ColSpec {
  std::string name;
  ColKind kind;
};

/// One column after reading: only the member of its kind is filled, [n_rows] long.
struct TableColumn {
  ColSpec spec;
  StringIdIndex key_index;      // kStringKey: keys in row order, ids = row numbers
  IntIdIndex article_index;     // kArticleKey
  std::vector<int32_t> i32;     // kInt, and kCategory codes
  std::vector<int8_t> i8;       // kFlag
  std::vector<float> f32;       // kFloat
  StringIdIndex dict;           // kCategory values
  StringArena text;             // kText
  int64_t empty = 0;            // quirk counts
  int64_t decimal_written = 0;  // ints written as "55.0"
  int64_t short_ids = 0;        // article ids without leading zeros
};

struct Table {
  std::string path;
  int64_t rows = 0;
  int64_t duplicates_skipped = 0;
  std::vector<TableColumn> columns;
  CsvReport report;
  TableColumn& col(const std::string& name);
};

/// Reads path with the given schema. The first column must be the key. Duplicate keys are
/// a DataError under fail, and dropped (the first row wins) under skip.
Table read_table(const std::string& path, const std::vector<ColSpec>& schema, const CsvOptions& opt);

}  // namespace fr
