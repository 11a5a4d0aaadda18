#pragma once
// `fashionrec embed-images`: every article's photo -> an embedding, PCA-reduced.
//
// image_embeddings.frc sections:
//   raw [n_articles, raw_dim] f32 (zeros where mask is 0), mask [n_articles] u8 (1 = embedded),
//   pca [n_articles, pca_dim] f32, pca.mean [raw_dim] f32, pca.components [pca_dim, raw_dim] f32,
//   pca.explained [pca_dim] f64
// meta: extractor, dims, counts (embedded, missing, bad by reason, first few), explained share.
//
// Work is cached per article in image_cache.<extractor>.bin (fixed-size records appended and
// fsynced in batches), so a re-run, or a run after a killed one, embeds only what is missing.
#include <nlohmann/json.hpp>
#include <string>

#include "core/workspace.h"
#include "image/image_artifact.h"
#include "image/pca.h"

namespace fr {

struct EmbedConfig {
  std::string images;              ///< folder holding 0XX/0XXXXXXXXX.jpg
  std::string extractor = "auto";  ///< auto | color-texture | resnet
  std::string model;               ///< TorchScript file (resnet)
  int64_t pca_dim = 256;
  double pca_variance = 0;  ///< > 0: keep the components that explain this share
  int64_t batch = 32;
};
void to_json(nlohmann::json& j, const EmbedConfig& c);
void from_json(const nlohmann::json& j, EmbedConfig& c);

nlohmann::json run_embed_images(const Workspace& ws, const EmbedConfig& c, int threads, bool force,
                                const std::string& contact_sheet = "");

/// The fitted PCA, to project a new photo's vector exactly as the stored ones (serving).
Pca load_image_pca(const Workspace& ws);

/// images/0XX/0XXXXXXXXX.jpg for an article id.
std::string article_image_path(const std::string& images_dir, int64_t article_id);

}  // namespace fr
