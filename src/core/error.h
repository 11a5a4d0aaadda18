#pragma once
// Typed exceptions. They are thrown wherever bad input or a broken invariant is found and
// caught only at the edges: the CLI's main() (message + exit code) and the HTTP handlers.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace fr {

/// Process exit codes of the `fashionrec` CLI.
enum class ExitCode : int { kOk = 0, kBadInput = 1, kUsage = 2, kInternal = 3 };

/// Base of every fashionrec exception.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
  virtual ExitCode exit_code() const { return ExitCode::kInternal; }
};

/// Where in an input file something went wrong. line and column are 1-based; 0 = unknown.
struct SourceLocation {
  std::string file;
  int64_t line = 0;
  int64_t column = 0;
  std::string field;
  /// "file:line:column: field 'x'" with the unknown parts left out.
  std::string str() const;
};

/// Bad input: malformed CSV, unknown ids in a file, a missing file, a bad config value.
class DataError : public Error {
 public:
  DataError(SourceLocation where, const std::string& reason);
  explicit DataError(const std::string& reason) : DataError(SourceLocation{}, reason) {}
  ExitCode exit_code() const override { return ExitCode::kBadInput; }
  const SourceLocation& where() const { return where_; }
  const std::string& reason() const { return reason_; }

 private:
  SourceLocation where_;
  std::string reason_;
};

/// An artifact that is missing, truncated, corrupt or of another version.
class ArtifactError : public DataError {
 public:
  ArtifactError(const std::string& path, const std::string& reason) : DataError(SourceLocation{path}, reason) {}
};

/// Wrong command-line use or an unknown option value.
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& what) : Error(what) {}
  ExitCode exit_code() const override { return ExitCode::kUsage; }
};

/// A broken invariant inside fashionrec: a bug, or an OS call that failed.
class InternalError : public Error {
 public:
  explicit InternalError(const std::string& what) : Error(what) {}
};

/// Throws InternalError with errno's text: "<what>: <strerror>".
[[noreturn]] void throw_errno(const std::string& what);

}  // namespace fr
