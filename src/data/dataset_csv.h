#pragma once
#include <string>

#include "data/dataset.h"

namespace fr {

/// Writes the Dataset back as H&M CSVs (articles.csv, customers.csv with the metadata rows
/// only; transactions_train.csv in full) into dir. Values read back by ingest are the same:
/// article ids get their 10 digits, prices their shortest exact float text, and the fields
/// that need it are quoted.
void write_dataset_csv(const Dataset& d, const std::string& dir);

}  // namespace fr
