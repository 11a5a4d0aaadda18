#include <chrono>
#include <filesystem>
#include <iostream>

#include "cli.h"
#include "data/dataset.h"

namespace fr::cli {

void register_info(Cli& cli) {
  auto* sub =
      cli.app().add_subcommand("info", "What the workspace holds: its artifacts, and the Dataset loaded by mmap");
  cli.on(sub, [&cli] {
    Workspace ws = cli.workspace();
    auto m = ws.manifest();
    std::cout << "workspace " << ws.dir() << "\n";
    for (auto& [name, e] : m["artifacts"].items())
      std::cout << "  " << name << ": " << e["file"].get<std::string>() << " (format " << e["format_version"]
                << ", made " << e["created"].get<std::string>() << ", checksum " << e["checksum"].get<std::string>()
                << ")\n";
    if (!std::filesystem::exists(ws.path(kDatasetFile))) return 0;
    auto t0 = std::chrono::steady_clock::now();
    Dataset d = Dataset::load(ws.path(kDatasetFile), true);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "dataset: " << d.n_transactions() << " transactions, " << d.n_customers() << " customers, "
              << d.n_articles() << " articles; loaded and verified in " << secs << " s\n";
    return 0;
  });
}

}  // namespace fr::cli
