#pragma once
// The name, file and format version of the image-embeddings artifact (embed_stage.h
// documents its sections). Header-only, so later stages can read it without linking the
// image stage.
#include <cstdint>

namespace fr {
inline constexpr const char* kImageArtifact = "image_embeddings";
inline constexpr const char* kImageFile = "image_embeddings.frc";
inline constexpr uint32_t kImageVersion = 1;
}  // namespace fr
