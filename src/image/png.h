#pragma once
#include <string>

#include "image/jpeg.h"

namespace fr {
/// Writes an RGB picture as PNG (libpng), for contact sheets and reports.
void write_png(const std::string& path, const RgbImage& img);
}  // namespace fr
