#include <iostream>

#include "cli.h"
#include "data/dataset.h"
#include "data/stats.h"

namespace fr::cli {

void register_stats(Cli& cli) {
  auto* sub = cli.app().add_subcommand("stats",
                                       "Shape statistics of the ingested Dataset (purchases per customer, "
                                       "per article, repurchase rate, prices, weeks)");
  static bool json = false;
  sub->add_flag("--json", json, "Print JSON");
  cli.on(sub, [&cli] {
    Workspace ws = cli.workspace();
    Dataset d = Dataset::load(ws.path(kDatasetFile));
    auto s = dataset_stats(d);
    if (json)
      std::cout << s.dump(2) << "\n";
    else
      std::cout << format_stats(s);
    return 0;
  });
}

}  // namespace fr::cli
