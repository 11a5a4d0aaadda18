#pragma once
// `fashionrec ingest`: H&M CSVs -> the Dataset artifact (see dataset.h for its contract).
#include <nlohmann/json.hpp>
#include <string>
#include "core/setting.h"

#include "core/workspace.h"

namespace fr {

// clang-format off
#define FR_INGEST_SETTINGS(X)                                                                                       \
  X(std::string, data, "", "Folder with articles.csv, customers.csv, transactions_train.csv", any(), kModel,        \
    no_tune())                                                                                                       \
  X(std::string, articles, "", "articles.csv, when the files are given one by one (optional)", any(), kModel,       \
    no_tune())                                                                                                       \
  X(std::string, customers, "", "customers.csv, when the files are given one by one (optional)", any(), kModel,     \
    no_tune())                                                                                                       \
  X(std::string, transactions, "", "transactions_train.csv, when the files are given one by one", any(), kModel,    \
    no_tune())                                                                                                       \
  X(std::string, on_error, "fail", "Malformed rows: fail (stop at the first) or skip (count them)",                 \
    choices({"fail", "skip"}), kModel, no_tune())
// clang-format on
FR_SETTINGS_SECTION(IngestConfig, "ingest", FR_INGEST_SETTINGS)

/// The three input paths after --data / --articles ... were resolved ("" = not given).
struct IngestInputs {
  std::string articles, customers, transactions;
};
/// Throws UsageError when nothing usable is given, DataError when a named file is missing.
IngestInputs resolve_inputs(const IngestConfig& c);

/// Parses the CSVs and writes the dataset artifact to out_path. Returns the summary
/// (also stored in the artifact's metadata) with "inputs" fingerprints and "checksum".
nlohmann::json ingest_files(const IngestInputs& in, const std::string& on_error, int threads,
                            const std::string& out_path);

struct IngestOutcome {
  bool up_to_date = false;  ///< nothing was done: inputs and config unchanged
  std::string why;          ///< why it ran
  nlohmann::json summary;
};
/// The stage: skips when up to date (unless force), else ingests and records the artifact.
IngestOutcome run_ingest(const Workspace& ws, const IngestConfig& c, int threads, bool force);

/// The human-readable summary printed at the end of an ingest.
std::string format_ingest_summary(const nlohmann::json& summary);

/// The folder holding the transactions_train.csv that the workspace's dataset was ingested
/// from (from the manifest's recorded inputs), or "" when unknown.
std::string ingested_folder(const Workspace& ws);

}  // namespace fr
