#pragma once
// Product pictures for synthetic articles: a garment silhouette for the product type,
// filled with the article's true colour (shaded by its hidden shade) and pattern, on a flat
// light-grey studio background. Pictures are width x 1.5 width, like H&M's 360x540.
#include <cstdint>

#include "image/jpeg.h"
#include "synth/vocab.h"

namespace fr::synth {

inline constexpr uint8_t kBackground[3] = {235, 235, 235};

struct Look {
  Shape shape;
  uint8_t colour;      // index into colours()
  uint8_t appearance;  // index into appearances()
  float shade;         // -1..1: brightness -4 % .. +4 %
};

RgbImage draw_picture(const Look& look, int width, uint64_t seed);

/// The palette colour nearest to an RGB value; -1 when the background is nearer.
int nearest_colour(const uint8_t* rgb);

/// The palette colour that covers most of the picture's non-background pixels.
int dominant_colour(const RgbImage& img);

}  // namespace fr::synth
