#include "synth/picture.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "synth/rng.h"

namespace fr::synth {
namespace {

bool in_rect(float x, float y, float x0, float x1, float y0, float y1) {
  return x >= x0 && x < x1 && y >= y0 && y < y1;
}
bool in_ellipse(float x, float y, float cx, float cy, float rx, float ry) {
  float dx = (x - cx) / rx, dy = (y - cy) / ry;
  return dx * dx + dy * dy <= 1;
}
/// A trapezoid centred on x = 0.5: width w0 at y0 growing linearly to w1 at y1.
bool in_trapezoid(float x, float y, float y0, float y1, float w0, float w1) {
  if (y < y0 || y >= y1) return false;
  float w = w0 + (w1 - w0) * (y - y0) / (y1 - y0);
  return std::fabs(x - 0.5f) < w / 2;
}

/// Whether normalised point (x, y) is on the garment.
bool inside(Shape s, float x, float y) {
  switch (s) {
    case Shape::kTop:
      return in_rect(x, y, 0.3f, 0.7f, 0.2f, 0.75f) || in_rect(x, y, 0.15f, 0.3f, 0.2f, 0.38f) ||
             in_rect(x, y, 0.7f, 0.85f, 0.2f, 0.38f);
    case Shape::kLongSleeve:
      return in_rect(x, y, 0.3f, 0.7f, 0.18f, 0.78f) || in_rect(x, y, 0.12f, 0.3f, 0.18f, 0.72f) ||
             in_rect(x, y, 0.7f, 0.88f, 0.18f, 0.72f);
    case Shape::kTrousers:
      return in_rect(x, y, 0.3f, 0.7f, 0.1f, 0.3f) || in_rect(x, y, 0.3f, 0.48f, 0.3f, 0.92f) ||
             in_rect(x, y, 0.52f, 0.7f, 0.3f, 0.92f);
    case Shape::kShorts:
      return in_rect(x, y, 0.28f, 0.72f, 0.25f, 0.42f) || in_rect(x, y, 0.28f, 0.48f, 0.42f, 0.62f) ||
             in_rect(x, y, 0.52f, 0.72f, 0.42f, 0.62f);
    case Shape::kSkirt:
      return in_trapezoid(x, y, 0.2f, 0.72f, 0.4f, 0.66f);
    case Shape::kDress:
      return in_trapezoid(x, y, 0.12f, 0.4f, 0.3f, 0.34f) || in_trapezoid(x, y, 0.4f, 0.9f, 0.34f, 0.72f);
    case Shape::kBra:
      return in_ellipse(x, y, 0.38f, 0.45f, 0.13f, 0.11f) || in_ellipse(x, y, 0.62f, 0.45f, 0.13f, 0.11f) ||
             in_rect(x, y, 0.22f, 0.78f, 0.5f, 0.56f);
    case Shape::kBriefs:
      return in_trapezoid(x, y, 0.35f, 0.62f, 0.56f, 0.16f);
    case Shape::kSock:
      return in_rect(x, y, 0.4f, 0.56f, 0.2f, 0.72f) || in_rect(x, y, 0.4f, 0.72f, 0.6f, 0.72f);
    case Shape::kShoe:
      return in_ellipse(x, y, 0.5f, 0.62f, 0.32f, 0.11f) || in_rect(x, y, 0.3f, 0.5f, 0.42f, 0.6f);
    case Shape::kBag:
      return in_rect(x, y, 0.25f, 0.75f, 0.4f, 0.8f) ||
             (in_ellipse(x, y, 0.5f, 0.4f, 0.18f, 0.14f) && !in_ellipse(x, y, 0.5f, 0.4f, 0.13f, 0.1f));
    case Shape::kSmall:
      return in_ellipse(x, y, 0.5f, 0.5f, 0.2f, 0.14f);
  }
  return false;
}

}  // namespace

RgbImage draw_picture(const Look& look, int width, uint64_t seed) {
  RgbImage img;
  img.width = width;
  img.height = width * 3 / 2;
  img.data.resize(size_t(img.width) * size_t(img.height) * 3);
  Rng r(seed, 99);
  const Colour& base = colours()[look.colour];
  float f = 1 + 0.04f * look.shade;
  float b[3] = {std::min(255.f, base.r * f), std::min(255.f, base.g * f), std::min(255.f, base.b * f)};
  float lum = 0.3f * b[0] + 0.59f * b[1] + 0.11f * b[2];
  float acc[3];
  Pattern pat = appearances()[look.appearance].pattern;
  if (pat == Pattern::kPrint || pat == Pattern::kBlock) {
    const Colour& o = colours()[(look.colour + 1 + r.below(uint32_t(colours().size() - 1))) % colours().size()];
    acc[0] = o.r, acc[1] = o.g, acc[2] = o.b;
  } else {
    float v = lum > 128 ? 30.f : 245.f;
    acc[0] = acc[1] = acc[2] = v;
  }
  // Print: random blobs in normalised coordinates.
  struct Blob {
    float x, y, r;
  };
  std::vector<Blob> blobs;
  if (pat == Pattern::kPrint)
    for (int i = 0; i < 14; ++i)
      blobs.push_back({float(r.uniform()), float(r.uniform()), float(0.03 + 0.05 * r.uniform())});
  int period = std::max(6, width / 14);
  float garment_top = 1, garment_bottom = 0;
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; x += 4)
      if (inside(look.shape, (x + 0.5f) / float(img.width), (y + 0.5f) / float(img.height))) {
        garment_top = std::min(garment_top, float(y) / float(img.height));
        garment_bottom = std::max(garment_bottom, float(y) / float(img.height));
      }
  for (int y = 0; y < img.height; ++y) {
    for (int x = 0; x < img.width; ++x) {
      float nx = (x + 0.5f) / float(img.width), ny = (y + 0.5f) / float(img.height);
      uint8_t* px = img.at(x, y);
      if (!inside(look.shape, nx, ny)) {
        px[0] = kBackground[0], px[1] = kBackground[1], px[2] = kBackground[2];
        continue;
      }
      bool accent = false;
      float mult = 1;
      switch (pat) {
        case Pattern::kSolid:
          break;
        case Pattern::kStripe:
          accent = (y % period) < period * 3 / 10;
          break;
        case Pattern::kDot: {
          int cx = (x % period) - period / 2, cy = (y % period) - period / 2;
          accent = cx * cx + cy * cy <= (period / 4) * (period / 4);
          break;
        }
        case Pattern::kCheck:
          accent = (x % period) < period / 5 || (y % period) < period / 5;
          break;
        case Pattern::kPrint:
          for (auto& bl : blobs)
            if (in_ellipse(nx, ny, bl.x, bl.y, bl.r, bl.r / 1.5f)) accent = true;
          break;
        case Pattern::kMelange:
          mult = 1 + 0.12f * float(r.uniform() * 2 - 1);
          break;
        case Pattern::kDenim:
          mult = ((x + y) % 4 == 0) ? 0.75f : 1.f;
          break;
        case Pattern::kBlock:
          accent = ny > garment_top + 0.62f * (garment_bottom - garment_top);
          break;
      }
      const float* c = accent ? acc : b;
      for (int k = 0; k < 3; ++k) px[k] = uint8_t(std::clamp(c[k] * mult, 0.f, 255.f));
    }
  }
  return img;
}

int nearest_colour(const uint8_t* rgb) {
  auto d2 = [&](int r, int g, int b) {
    int dr = rgb[0] - r, dg = rgb[1] - g, db = rgb[2] - b;
    return dr * dr + dg * dg + db * db;
  };
  int best = -1, best_d = d2(kBackground[0], kBackground[1], kBackground[2]);
  auto cols = colours();
  for (size_t i = 0; i < cols.size(); ++i) {
    int d = d2(cols[i].r, cols[i].g, cols[i].b);
    if (d < best_d) best_d = d, best = int(i);
  }
  return best;
}

int dominant_colour(const RgbImage& img) {
  std::vector<int64_t> count(colours().size(), 0);
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      int c = nearest_colour(img.at(x, y));
      if (c >= 0) ++count[size_t(c)];
    }
  return int(std::max_element(count.begin(), count.end()) - count.begin());
}

}  // namespace fr::synth
