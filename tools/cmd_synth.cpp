#include <spdlog/spdlog.h>

#include <iostream>

#include "cli.h"
#include "core/error.h"
#include "synth/synth.h"

namespace fr::cli {

void register_synth(Cli& cli) {
  auto* sub =
      cli.app().add_subcommand("synth",
                               "Generate an H&M-shaped data set with pictures and a known truth (docs/synthetic.md). "
                               "Replaces the CSVs, images/ and truth/ in --out.");
  cli.bind(sub, "--out,-o", "synth.out");
  cli.bind_section(sub, "synth", {"images"});
  static bool images = false, no_images = false;
  sub->add_flag("--images", images, "Write pictures (the default for tiny and small)");
  sub->add_flag("--no-images", no_images, "Write no pictures (the default for medium and hm-full)");
  cli.on(sub, [&cli] {
    if (images && no_images) throw UsageError("--images and --no-images exclude each other");
    if (images) cli.config().set("synth.images", "yes");
    if (no_images) cli.config().set("synth.images", "no");
    auto c = cli.config().section("synth").get<synth::SynthConfig>();
    auto s = synth::run_synth(c, cli.threads());
    std::cout << "synth: " << s["customers"] << " customers, " << s["articles"] << " articles, " << s["purchases"]
              << " purchases";
    if (s.contains("images")) std::cout << ", " << s["images"] << " pictures";
    std::cout << "; truth for " << s["truth_customers"] << " customers buying from "
              << s["truth_day"].get<std::string>() << "\n  written to " << c.out << " in "
              << s["seconds_total"].get<double>() << " s\n";
    return 0;
  });
}

}  // namespace fr::cli
