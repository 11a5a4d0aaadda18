#pragma once
// The colour-texture descriptor: an image embedding that needs no model weights.
//
// The garment is separated from the studio background (pixels far from the median colour of
// the picture's border). Over the garment it describes
//   colour:  a hue x saturation x value histogram (12 x 2 x 2 chromatic bins + 4 grey levels),
//            square-rooted (Hellinger), and the mean and spread of R, G, B;
//   texture: a histogram of gradient orientations (8 bins, weighted by magnitude), the mean
//            gradient magnitude, and uniform local binary patterns (10 bins).
// The picture is first scaled to 96 pixels wide, so the cost does not depend on its size.
#include <vector>

#include "image/jpeg.h"

namespace fr {

inline constexpr int kColorTextureDim = 52 + 6 + 8 + 1 + 10;

/// [kColorTextureDim]
std::vector<float> color_texture_descriptor(const RgbImage& img);

}  // namespace fr
