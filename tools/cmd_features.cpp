#include <iostream>

#include "cli.h"
#include "features/features_stage.h"
#include "features/split.h"

namespace fr::cli {

void register_split(Cli& cli) {
  auto* sub = cli.app().add_subcommand("split", "Split the Dataset by time: training days, then a validation window");
  cli.bind_section(sub, "split");
  static bool force = false;
  sub->add_flag("--force", force, "Split even if the dataset and config are unchanged");
  cli.on(sub, [&cli] {
    auto c = cli.config().section("split").get<SplitConfig>();
    auto m = run_split(cli.workspace(), c, force);
    std::cout << (m.value("up_to_date", false) ? "split is up to date: " : "split: ") << "training before "
              << m["val_start"].get<std::string>() << " (" << m["train_rows"] << " purchases), validation "
              << m["val_start"].get<std::string>() << " .. " << m["val_end"].get<std::string>() << " (" << m["val_rows"]
              << " purchases by " << m["val_customers"] << " customers)\n";
    return 0;
  });
}

void register_features(Cli& cli) {
  auto* sub = cli.app().add_subcommand(
      "features", "Customer, article and pair features from the training days; fitted transforms; a feature report");
  cli.bind_section(sub, "features");
  static bool force = false;
  sub->add_flag("--force", force, "Rebuild even if inputs and config are unchanged");
  cli.on(sub, [&cli] {
    auto c = cli.config().section("features").get<FeaturesConfig>();
    auto s = run_features(cli.workspace(), c, cli.threads(), force);
    if (s.value("up_to_date", false)) {
      std::cout << "features are up to date (as of " << s["as_of"].get<std::string>() << ")\n";
      return 0;
    }
    std::cout << "features as of " << s["as_of"].get<std::string>() << ": " << s["customers"] << " customers x "
              << s["customer_dim"] << " columns (+" << s["customer_index_columns"] << " embedding indexes), "
              << s["articles"] << " articles x " << s["article_dim"] << " columns (+" << s["article_index_columns"]
              << "), " << s["pairs"] << " labelled validation pairs\n  report: " << s["report"].get<std::string>()
              << "\n";
    return 0;
  });
}

}  // namespace fr::cli
