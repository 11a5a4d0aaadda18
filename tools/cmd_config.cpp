#include <iostream>

#include "cli.h"

namespace fr::cli {

void register_config(Cli& cli) {
  auto* sub = cli.app().add_subcommand(
      "config",
      "Show the merged configuration (defaults < tuned.toml < TOML file < --set < flags) and where each value "
      "came from, or every setting as a Markdown table");
  static bool show = true, markdown = false;
  sub->add_flag("--show", show, "Print the merged config as TOML, each value with its origin (the default action)");
  sub->add_flag("--markdown", markdown, "Print every setting (flag, default, check, identity, tune range) as Markdown");
  cli.on(sub, [&cli] {
    if (markdown) {
      std::cout << cli.config().markdown();
      return 0;
    }
    std::cout << cli.config().to_toml(true);
    return 0;
  });
}

}  // namespace fr::cli
