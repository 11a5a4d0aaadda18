#pragma once
// A parallel, streaming CSV reader for the H&M files.
//
// Written here rather than taken from a package: Debian packages no C++ CSV parser that
// splits one file across threads, streams it with bounded memory and reports file:line:column
// for each bad row, and ingest speed is a product goal (bench/ingest: 3.5 GB in < 6 s).
//
// The file is cut into chunks on kFingerprintBlock boundaries; each chunk is read with pread
// in blocks (so memory stays at a few blocks per thread, whatever the file size) and parsed
// by its own RowHandler. Rows go to the handler of the chunk they start in, and chunk order
// is file order, so merging the handlers in chunk order gives the rows in file order.
// RFC 4180 quoting is supported ("a, b" and "" escapes). A quoted field that spans lines
// cannot be split safely, so when a chunk meets one the file is re-read by one thread.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fr {

enum class OnError { kFail, kSkip };
/// "fail" or "skip"; anything else is a UsageError.
OnError parse_on_error(const std::string& s);

/// Thrown by a RowHandler to reject the current row. field is an index into the requested
/// columns, or -1 for the row as a whole.
struct RowError {
  int field;
  std::string reason;
};

/// Receives rows. fields are in the order of the requested column names. A handler must
/// check every field before it stores anything, so a rejected row leaves no trace.
class RowHandler {
 public:
  virtual ~RowHandler() = default;
  virtual void row(std::span<const std::string_view> fields) = 0;
  /// Called before the views of rows already given become invalid. A handler that keeps
  /// views to work on rows in batches (to overlap cache misses) finishes them here.
  virtual void flush() {}
};

/// A bad row as the user sees it.
struct RowIssue {
  int64_t line = 0;
  int64_t column = 0;  // 1-based byte column of the bad field, 0 if the whole row
  std::string field;
  std::string reason;
  std::string text;  // the start of the row
};

struct CsvOptions {
  int threads = 1;
  OnError on_error = OnError::kFail;
  /// Bytes per chunk (rounded to kFingerprintBlock). Smaller chunks balance threads better.
  size_t chunk_bytes = size_t(64) << 20;
  /// Bytes mapped at a time per thread (rounded up to kFingerprintBlock).
  size_t window_bytes = size_t(64) << 20;
  /// Optional: called with the number of bytes parsed, from worker threads.
  std::function<void(uint64_t)> on_bytes;
  /// Optional: called when the file is read again from the start on one thread (a quoted
  /// field spans lines), so a progress count can start the file over.
  std::function<void()> on_restart;
};

struct CsvReport {
  std::string path;
  uint64_t bytes = 0;
  int64_t rows = 0;     // rows handed to handlers and accepted
  int64_t skipped = 0;  // malformed rows skipped (on_error = skip)
  int64_t blank_lines = 0;
  int64_t crlf_lines = 0;
  int64_t quoted_fields = 0;
  bool bom = false;
  bool serial_fallback = false;  // a quoted field spanned lines
  std::vector<std::string> header;
  std::vector<std::string> extra_columns;  // in the file, not requested: ignored
  std::map<std::string, int64_t> skipped_by_reason;
  std::vector<RowIssue> first_issues;  // at most 5, in file order
  uint64_t fingerprint = 0;            // == file_fingerprint(path)
};

/// Makes the handler for chunk i (chunks are numbered in file order).
using HandlerFactory = std::function<std::unique_ptr<RowHandler>(size_t chunk)>;

/// Reads path. columns are the required header names. Returns the handlers, in chunk order,
/// and fills report. Throws DataError for a missing file or column, and for the first bad
/// row when on_error is fail.
std::vector<std::unique_ptr<RowHandler>> read_csv(const std::string& path, const std::vector<std::string>& columns,
                                                  const CsvOptions& options, const HandlerFactory& factory,
                                                  CsvReport& report);

}  // namespace fr
