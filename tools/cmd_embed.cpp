#include <iostream>

#include "cli.h"
#include "image/embed_stage.h"

namespace fr::cli {

void register_embed(Cli& cli) {
  auto* sub =
      cli.app().add_subcommand("embed-images",
                               "Every article's photo -> an embedding (ResNet via TorchScript, or the colour-texture "
                               "descriptor), then PCA; cached and resumable");
  cli.bind_section(sub, "embed");
  static bool force = false;
  static std::string sheet;
  sub->add_flag("--force", force, "Rebuild the artifact even if inputs and config are unchanged (the cache is kept)");
  sub->add_option("--contact-sheet", sheet, "Also write a PNG: 6 query photos and their 5 nearest neighbours");
  cli.on(sub, [&cli] {
    auto c = cli.config().section("embed").get<EmbedConfig>();
    auto m = run_embed_images(cli.workspace(), c, cli.threads(), force, sheet);
    if (m.value("up_to_date", false)) std::cout << "image embeddings are up to date\n";
    std::cout << "embed-images (" << m["extractor"].get<std::string>() << "): " << m["articles"] << " articles, counts "
              << m["counts"].dump() << "; " << m["embedded_this_run"] << " looked at this run, "
              << m["resumed_from_cache"] << " from the cache\n  " << m["raw_dim"] << " dimensions -> PCA "
              << m["pca_dim"] << " keeping " << m["explained_variance"].get<double>() * 100 << " % of the variance\n";
    if (!m["first_bad"].empty()) {
      std::cout << "  bad photos (first few):\n";
      for (auto& b : m["first_bad"]) std::cout << "    " << b.get<std::string>() << "\n";
    }
    if (m.contains("contact_sheet")) std::cout << "  contact sheet: " << m["contact_sheet"].get<std::string>() << "\n";
    return 0;
  });
}

}  // namespace fr::cli
