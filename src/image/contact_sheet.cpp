#include "image/contact_sheet.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.h"
#include "image/jpeg.h"
#include "image/png.h"

namespace fr {

void write_contact_sheet(const std::string& png_path, const std::vector<std::vector<std::string>>& rows,
                         int cell_width) {
  const int cw = cell_width, ch = cell_width * 3 / 2, gap = 6;
  size_t cols = 0;
  for (auto& r : rows) cols = std::max(cols, r.size());
  RgbImage sheet;
  sheet.width = int(cols) * (cw + gap) + gap;
  sheet.height = int(rows.size()) * (ch + gap) + gap;
  sheet.data.assign(size_t(sheet.width) * size_t(sheet.height) * 3, 255);
  for (size_t r = 0; r < rows.size(); ++r)
    for (size_t c = 0; c < rows[r].size(); ++c) {
      int ox = gap + int(c) * (cw + gap), oy = gap + int(r) * (ch + gap);
      RgbImage img;
      try {
        img = read_jpeg(rows[r][c]);
      } catch (const DataError&) {
        img.width = img.height = 1;
        img.data = {160, 160, 160};
      }
      for (int y = 0; y < ch; ++y)
        for (int x = 0; x < cw; ++x) {
          const uint8_t* p =
              img.at(std::min(img.width - 1, x * img.width / cw), std::min(img.height - 1, y * img.height / ch));
          std::memcpy(sheet.at(ox + x, oy + y), p, 3);
        }
      if (c == 0)  // the query gets a dark frame
        for (int x = -3; x < cw + 3; ++x)
          for (int y : {oy - 3, oy + ch + 2})
            if (ox + x >= 0 && ox + x < sheet.width && y >= 0 && y < sheet.height)
              std::memset(sheet.at(ox + x, y), 40, 3);
    }
  write_png(png_path, sheet);
}

std::vector<int32_t> nearest_rows(const float* x, int64_t n, int64_t d, const uint8_t* mask, int64_t q, int k) {
  auto norm = [&](int64_t r) {
    double s = 0;
    for (int64_t j = 0; j < d; ++j) s += double(x[r * d + j]) * x[r * d + j];
    return std::sqrt(s) + 1e-12;
  };
  double nq = norm(q);
  std::vector<std::pair<double, int32_t>> sims;
  for (int64_t r = 0; r < n; ++r) {
    if (r == q || (mask && !mask[r])) continue;
    double dot = 0;
    for (int64_t j = 0; j < d; ++j) dot += double(x[q * d + j]) * x[r * d + j];
    sims.push_back({-dot / (nq * norm(r)), int32_t(r)});
  }
  size_t m = std::min(sims.size(), size_t(k));
  std::partial_sort(sims.begin(), sims.begin() + std::ptrdiff_t(m), sims.end());
  std::vector<int32_t> out;
  for (size_t i = 0; i < m; ++i) out.push_back(sims[i].second);
  return out;
}

}  // namespace fr
