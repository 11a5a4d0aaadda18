#pragma once
// JPEG reading and writing with libjpeg-turbo (Debian's libjpeg62-turbo).
#include <cstdint>
#include <string>
#include <vector>

namespace fr {

/// An 8-bit RGB picture, row-major: pixel (x, y) channel c is data[(y * width + x) * 3 + c].
struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> data;  /// [height, width, 3]
  bool from_cmyk = false;     ///< decoded from a CMYK / YCCK JPEG and converted
  uint8_t* at(int x, int y) { return &data[(size_t(y) * size_t(width) + size_t(x)) * 3]; }
  const uint8_t* at(int x, int y) const { return &data[(size_t(y) * size_t(width) + size_t(x)) * 3]; }
};

/// Encodes to JPEG bytes (quality 1..100).
std::vector<uint8_t> encode_jpeg(const RgbImage& img, int quality = 90);
/// Writes atomically (temporary name, then rename).
void write_jpeg(const std::string& path, const RgbImage& img, int quality = 90);

/// Decodes a JPEG (grayscale, RGB/YCbCr and CMYK/YCCK are converted to RGB). A file that is
/// missing, not a JPEG (a PNG named .jpg), truncated or corrupt throws DataError naming it.
RgbImage read_jpeg(const std::string& path);
RgbImage decode_jpeg(const uint8_t* data, size_t size, const std::string& name);

}  // namespace fr
