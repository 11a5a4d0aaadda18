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
  cli.bind(sub, "--out,-o", "synth.out", "Output folder (CSVs, images/, truth/)");
  cli.bind(sub, "--preset", "synth.preset", "tiny, small, medium or hm-full")
      ->check(CLI::IsMember({"tiny", "small", "medium", "hm-full"}));
  cli.bind(sub, "--seed", "synth.seed", "Random seed: the same seed gives the same bytes");
  cli.bind(sub, "--customers", "synth.customers", "Number of customers (0 = the preset's)");
  cli.bind(sub, "--articles", "synth.articles", "Number of articles (0 = the preset's)");
  cli.bind(sub, "--purchases", "synth.purchases", "Number of purchase rows (0 = the preset's)");
  cli.bind(sub, "--days", "synth.days", "Days of purchases from 2018-09-20 (0 = the preset's)");
  cli.bind(sub, "--truth-top-k", "synth.truth_top_k", "Articles kept per truth row (0 = all, -1 = the preset's)");
  cli.bind(sub, "--metadata-noise", "synth.metadata_noise", "Share of articles whose colour/pattern columns lie");
  cli.bind(sub, "--image-width", "synth.image_width", "Picture width in pixels (height = 1.5 x width)");
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
