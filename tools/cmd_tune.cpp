#include <iostream>

#include "cli.h"
#include "tune/tune_stage.h"

namespace fr::cli {

void register_tune(Cli& cli) {
  auto* sub = cli.app().add_subcommand(
      "tune",
      "Choose the settings (and whether to ship the model, repurchases then the model, or a baseline) on the inner "
      "window: the days just before the validation window, never the window itself. Writes tune.json and tuned.toml");
  cli.bind_section(sub, "tune", {"enabled"});
  static bool force = false;
  sub->add_flag("--force", force, "Search again even if the data and the base settings are unchanged");
  cli.on(sub, [&cli] {
    auto j = run_tune(cli.workspace(), cli.config(), cli.threads(), force);
    if (j.value("up_to_date", false)) std::cout << "tuning is up to date (--force searches again)\n";
    std::cout << j["summary"].get<std::string>() << "\n"
              << "  " << j["trials"].size() << " trials: " << cli.workspace().path(kTuneJson) << "\n"
              << "  chosen settings: " << cli.workspace().path(kTunedToml)
              << " (fashionrec config --show marks them 'tune')\n";
    return 0;
  });
}

}  // namespace fr::cli
