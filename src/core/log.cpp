#include "core/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include "core/error.h"

namespace fr {

void setup_logging(const std::string& level) {
  auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off")
    throw UsageError("unknown log level '" + level + "' (trace, debug, info, warn, error, off)");
  auto logger = spdlog::stderr_color_mt("fashionrec");
  logger->set_pattern(lvl <= spdlog::level::debug ? "%^[%L]%$ %H:%M:%S.%e %v" : "%^[%L]%$ %v");
  logger->set_level(lvl);
  spdlog::set_default_logger(logger);
}

}  // namespace fr
