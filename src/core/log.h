#pragma once
#include <spdlog/spdlog.h>

#include <string>

namespace fr {
/// Logs go to stderr. level: trace, debug, info, warn, error, off. Throws UsageError.
void setup_logging(const std::string& level);
}  // namespace fr
