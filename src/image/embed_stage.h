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
#include "core/setting.h"

#include "core/workspace.h"
#include "image/image_artifact.h"
#include "image/pca.h"

namespace fr {

// clang-format off
#define FR_EMBED_SETTINGS(X)                                                                                        \
  X(std::string, images, "", "Photos folder holding 0XX/0XXXXXXXXX.jpg (run: DATA/images when it exists)", any(),   \
    kModel, no_tune())                                                                                               \
  X(std::string, extractor, "auto", "auto (resnet when a model is given), color-texture or resnet",                 \
    choices({"auto", "color-texture", "resnet"}), kModel, no_tune())                                                 \
  X(std::string, model, "", "TorchScript ResNet (scripts/export-resnet); \"\" = the colour-texture descriptor",      \
    any(), kModel, no_tune())                                                                                        \
  X(int64_t, pca_dim, 256, "Dimensions kept by the PCA", range(1, 4096), kModel, no_tune())                        \
  X(double, pca_variance, 0, "> 0: keep the components that explain this share of the variance instead",           \
    range(0, 1), kModel, no_tune())                                                                                  \
  X(int64_t, batch, 32, "Pictures per model batch", range(1, 4096), kRun, no_tune())
// clang-format on
FR_SETTINGS_SECTION(EmbedConfig, "embed", FR_EMBED_SETTINGS)

nlohmann::json run_embed_images(const Workspace& ws, const EmbedConfig& c, int threads, bool force,
                                const std::string& contact_sheet = "");

/// The fitted PCA, to project a new photo's vector exactly as the stored ones (serving).
Pca load_image_pca(const Workspace& ws);

/// images/0XX/0XXXXXXXXX.jpg for an article id.
std::string article_image_path(const std::string& images_dir, int64_t article_id);

}  // namespace fr
