#include "core/error.h"

#include <cerrno>
#include <cstring>

namespace fr {

std::string SourceLocation::str() const {
  std::string s = file;
  if (line > 0) s.append(":").append(std::to_string(line));
  if (line > 0 && column > 0) s.append(":").append(std::to_string(column));
  if (!field.empty()) s.append(s.empty() ? "" : ": ").append("field '").append(field).append("'");
  return s;
}

static std::string compose(const SourceLocation& w, const std::string& reason) {
  std::string where = w.str();
  return where.empty() ? reason : where + ": " + reason;
}

DataError::DataError(SourceLocation where, const std::string& reason)
    : Error(compose(where, reason)), where_(std::move(where)), reason_(reason) {}

void throw_errno(const std::string& what) {
  int e = errno;
  if (e == ENOENT || e == EACCES || e == ENOTDIR || e == EISDIR) throw DataError(what + ": " + std::strerror(e));
  throw InternalError(what + ": " + std::strerror(e));
}

}  // namespace fr
