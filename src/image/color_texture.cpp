#include "image/color_texture.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>

namespace fr {
namespace {

/// Box-filter downscale to `width` pixels wide (height in proportion, at least 1).
RgbImage downscale(const RgbImage& in, int width) {
  if (in.width <= width) return in;
  RgbImage out;
  out.width = width;
  out.height = std::max(1, int(std::lround(double(in.height) * width / in.width)));
  out.data.resize(size_t(out.width) * size_t(out.height) * 3);
  for (int y = 0; y < out.height; ++y) {
    int y0 = y * in.height / out.height, y1 = std::max(y0 + 1, (y + 1) * in.height / out.height);
    for (int x = 0; x < out.width; ++x) {
      int x0 = x * in.width / out.width, x1 = std::max(x0 + 1, (x + 1) * in.width / out.width);
      int sum[3] = {0, 0, 0}, n = 0;
      for (int yy = y0; yy < y1; ++yy)
        for (int xx = x0; xx < x1; ++xx, ++n)
          for (int c = 0; c < 3; ++c) sum[c] += in.at(xx, yy)[c];
      for (int c = 0; c < 3; ++c) out.at(x, y)[c] = uint8_t(sum[c] / n);
    }
  }
  return out;
}

void rgb_to_hsv(const uint8_t* p, float& h, float& s, float& v) {
  float r = p[0] / 255.f, g = p[1] / 255.f, b = p[2] / 255.f;
  float mx = std::max({r, g, b}), mn = std::min({r, g, b}), d = mx - mn;
  v = mx;
  s = mx > 0 ? d / mx : 0;
  if (d <= 0) {
    h = 0;
    return;
  }
  if (mx == r)
    h = std::fmod((g - b) / d + 6.f, 6.f);
  else if (mx == g)
    h = (b - r) / d + 2.f;
  else
    h = (r - g) / d + 4.f;
  h /= 6.f;  // [0, 1)
}

}  // namespace

std::vector<float> color_texture_descriptor(const RgbImage& full) {
  RgbImage img = downscale(full, 96);
  const int w = img.width, h = img.height;
  // Background: the per-channel median of the border pixels.
  std::array<std::vector<uint8_t>, 3> border;
  for (int x = 0; x < w; ++x)
    for (int y : {0, h - 1})
      for (int c = 0; c < 3; ++c) border[size_t(c)].push_back(img.at(x, y)[c]);
  for (int y = 0; y < h; ++y)
    for (int x : {0, w - 1})
      for (int c = 0; c < 3; ++c) border[size_t(c)].push_back(img.at(x, y)[c]);
  int bg[3];
  for (int c = 0; c < 3; ++c) {
    auto& v = border[size_t(c)];
    std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(v.size() / 2), v.end());
    bg[c] = v[v.size() / 2];
  }
  std::vector<uint8_t> mask(size_t(w) * size_t(h), 0);
  size_t on = 0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const uint8_t* p = img.at(x, y);
      int diff = std::max({std::abs(p[0] - bg[0]), std::abs(p[1] - bg[1]), std::abs(p[2] - bg[2])});
      if (diff > 12) mask[size_t(y) * size_t(w) + size_t(x)] = 1, ++on;
    }
  if (on < mask.size() / 50) std::fill(mask.begin(), mask.end(), 1), on = mask.size();  // no garment found

  std::vector<float> out(kColorTextureDim, 0.f);
  // Colour.
  float* hist = out.data();
  double mean[3] = {0, 0, 0}, sq[3] = {0, 0, 0};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      if (!mask[size_t(y) * size_t(w) + size_t(x)]) continue;
      const uint8_t* p = img.at(x, y);
      float hh, s, v;
      rgb_to_hsv(p, hh, s, v);
      int bin;
      if (s < 0.15f || v < 0.15f)
        bin = 48 + std::min(3, int(v * 4));
      else
        bin = std::min(11, int(hh * 12)) * 4 + (s >= 0.5f) * 2 + (v >= 0.6f);
      hist[bin] += 1;
      for (int c = 0; c < 3; ++c) mean[c] += p[c] / 255.0, sq[c] += (p[c] / 255.0) * (p[c] / 255.0);
    }
  for (int b = 0; b < 52; ++b) hist[b] = std::sqrt(hist[b] / float(on));
  for (int c = 0; c < 3; ++c) {
    double m = mean[c] / double(on);
    out[size_t(52 + c)] = float(m);
    out[size_t(55 + c)] = float(std::sqrt(std::max(0.0, sq[c] / double(on) - m * m)));
  }
  // Texture: gradients and local binary patterns of the grey picture, over the garment.
  std::vector<float> grey(size_t(w) * size_t(h));
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const uint8_t* p = img.at(x, y);
      grey[size_t(y) * size_t(w) + size_t(x)] = (0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2]) / 255.f;
    }
  auto g = [&](int x, int y) { return grey[size_t(y) * size_t(w) + size_t(x)]; };
  float* orient = out.data() + 58;
  float* lbp = out.data() + 67;
  double mag_sum = 0, lbp_n = 0;
  for (int y = 1; y + 1 < h; ++y)
    for (int x = 1; x + 1 < w; ++x) {
      if (!mask[size_t(y) * size_t(w) + size_t(x)]) continue;
      float gx =
          (g(x + 1, y - 1) + 2 * g(x + 1, y) + g(x + 1, y + 1)) - (g(x - 1, y - 1) + 2 * g(x - 1, y) + g(x - 1, y + 1));
      float gy =
          (g(x - 1, y + 1) + 2 * g(x, y + 1) + g(x + 1, y + 1)) - (g(x - 1, y - 1) + 2 * g(x, y - 1) + g(x + 1, y - 1));
      float mag = std::sqrt(gx * gx + gy * gy);
      float ang = std::atan2(gy, gx);  // orientation modulo pi: 8 bins
      if (ang < 0) ang += 3.14159265f;
      orient[std::min(7, int(ang / 3.14159265f * 8))] += mag;
      mag_sum += mag;
      static const int dx[8] = {-1, 0, 1, 1, 1, 0, -1, -1}, dy[8] = {-1, -1, -1, 0, 1, 1, 1, 0};
      float c = g(x, y);
      int bits[8], ones = 0, transitions = 0;
      for (int k = 0; k < 8; ++k) bits[k] = g(x + dx[k], y + dy[k]) >= c + 0.02f, ones += bits[k];
      for (int k = 0; k < 8; ++k) transitions += bits[k] != bits[(k + 1) % 8];
      lbp[transitions <= 2 ? ones : 9] += 1;
      lbp_n += 1;
    }
  for (int k = 0; k < 8; ++k) orient[k] = mag_sum > 0 ? float(orient[k] / mag_sum) : 0.f;
  out[66] = float(lbp_n > 0 ? mag_sum / lbp_n : 0.0);
  for (int k = 0; k < 10; ++k) lbp[k] = lbp_n > 0 ? float(lbp[k] / lbp_n) : 0.f;
  return out;
}

}  // namespace fr
