#pragma once
// Reads transactions_train.csv in parallel into dense-id columns (the ingest hot path).
#include <cstdint>
#include <vector>

#include "data/csv_reader.h"
#include "data/id_index.h"

namespace fr {

/// Transactions as chunks in file order (written to the artifact with a gather write).
struct TransactionChunks {
  std::vector<std::vector<int32_t>> day, customer, article;
  std::vector<std::vector<float>> price;
  std::vector<std::vector<int8_t>> channel;
  int64_t rows = 0;
  int64_t short_article_ids = 0;  // written without the leading zero
  int64_t repeated_rows = 0;      // identical to the row before: one row per unit bought
  int32_t min_day = 0, max_day = 0;
  CsvReport report;
};

/// customers and articles hold the ids of the metadata rows; ids seen only in transactions
/// are appended to them in order of first appearance.
TransactionChunks read_transactions(const std::string& path, StringIdIndex& customers, IntIdIndex& articles,
                                    const CsvOptions& opt);

}  // namespace fr
