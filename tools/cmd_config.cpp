#include <iostream>

#include "cli.h"

namespace fr::cli {

void register_config(Cli& cli) {
  auto* sub = cli.app().add_subcommand("config", "Show the merged configuration (defaults < TOML file < flags)");
  static bool show = true;
  sub->add_flag("--show", show, "Print the merged config as TOML (the default action)");
  cli.on(sub, [&cli] {
    std::cout << cli.config().to_toml();
    return 0;
  });
}

}  // namespace fr::cli
