#include <spdlog/spdlog.h>

#include <iostream>

#include "cli.h"
#include "data/ingest.h"

namespace fr::cli {

void register_ingest(Cli& cli) {
  auto* sub = cli.app().add_subcommand("ingest", "Read H&M CSVs into the columnar Dataset (workspace/dataset.frc)");
  cli.bind(sub, "--data,-d", "ingest.data");
  cli.bind_section(sub, "ingest");
  static bool force = false;
  static bool json = false;
  sub->add_flag("--force", force, "Ingest even if inputs and config are unchanged");
  sub->add_flag("--json", json, "Print the summary as JSON");
  cli.on(sub, [&cli] {
    Workspace ws = cli.workspace();
    IngestConfig c = cli.config().section("ingest").get<IngestConfig>();
    IngestOutcome out = run_ingest(ws, c, cli.threads(), force);
    if (out.up_to_date) spdlog::info("dataset is up to date (inputs and config unchanged); --force rebuilds it");
    if (json)
      std::cout << out.summary.dump(2) << "\n";
    else
      std::cout << format_ingest_summary(out.summary);
    return 0;
  });
}

}  // namespace fr::cli
