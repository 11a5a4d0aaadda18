#include "eval/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace fr {

namespace {

constexpr const char* kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '<')
      o += "&lt;";
    else if (c == '>')
      o += "&gt;";
    else if (c == '&')
      o += "&amp;";
    else if (c == '"')
      o += "&quot;";
    else
      o += c;
  }
  return o;
}

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.4g", v);
  return b;
}

std::string text(double x, double y, const std::string& s, const char* anchor = "middle", int size = 12,
                 const char* extra = "") {
  char b[128];
  std::snprintf(b, sizeof b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\" %s>", x, y, size, anchor,
                extra);
  return b + esc(s) + "</text>\n";
}

std::string header(int w, int h, const std::string& title) {
  char b[256];
  std::snprintf(b, sizeof b,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                "font-family=\"sans-serif\">\n<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n",
                w, h, w, h, w, h);
  return b + text(w / 2.0, 20, title, "middle", 15, "font-weight=\"bold\"");
}

}  // namespace

std::string svg_line_chart(const std::string& title, const std::string& x_label, const std::string& y_label,
                           const std::vector<ChartSeries>& series) {
  const double W = 700, H = 360, L = 60, R = 210, T = 35, B = 45;
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y1 = 0;
  for (auto& s : series)
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.y[i])) continue;
      x0 = std::min(x0, s.x[i]), x1 = std::max(x1, s.x[i]), y1 = std::max(y1, s.y[i]);
    }
  if (!std::isfinite(x0)) x0 = 0, x1 = 1;
  if (x1 == x0) x1 = x0 + 1;
  if (y1 <= 0) y1 = 1;
  y1 *= 1.08;
  auto px = [&](double x) { return L + (x - x0) / (x1 - x0) * (W - L - R); };
  auto py = [&](double y) { return H - B - y / y1 * (H - T - B); };
  std::string o = header(int(W), int(H), title);
  char b[256];
  std::snprintf(b, sizeof b, "<path d=\"M%.1f %.1f V%.1f H%.1f\" stroke=\"#333\" fill=\"none\"/>\n", L, T, H - B,
                W - R);
  o += b;
  for (int t = 0; t <= 4; ++t) {
    double y = y1 * t / 4, x = x0 + (x1 - x0) * t / 4;
    std::snprintf(b, sizeof b, "<path d=\"M%.1f %.1f H%.1f\" stroke=\"#eee\"/>\n", L, py(y), W - R);
    o += b + text(L - 5, py(y) + 4, num(y), "end", 10) + text(px(x), H - B + 15, num(x), "middle", 10);
  }
  o += text((L + W - R) / 2, H - 8, x_label) +
       text(14, (T + H - B) / 2, y_label, "middle", 12,
            ("transform=\"rotate(-90 14 " + num((T + H - B) / 2) + ")\"").c_str());
  for (size_t k = 0; k < series.size(); ++k) {
    const auto& s = series[k];
    const char* col = kPalette[k % std::size(kPalette)];
    std::string d;
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.y[i])) continue;
      std::snprintf(b, sizeof b, "%s%.1f %.1f ", d.empty() ? "M" : "L", px(s.x[i]), py(s.y[i]));
      d += b;
    }
    std::snprintf(b, sizeof b, "<path d=\"%s\" stroke=\"%s\" stroke-width=\"2\" fill=\"none\"%s/>\n", d.c_str(), col,
                  s.dashed ? " stroke-dasharray=\"6 4\"" : "");
    o += b;
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.y[i])) continue;
      std::snprintf(b, sizeof b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>", px(s.x[i]), py(s.y[i]),
                    col);
      o += b + esc(s.name) + " " + num(s.x[i]) + ": " + num(s.y[i]) + "</title></circle>\n";
    }
    double ly = T + 10 + 18.0 * double(k);
    std::snprintf(b, sizeof b, "<path d=\"M%.1f %.1f h18\" stroke=\"%s\" stroke-width=\"3\"%s/>\n", W - R + 12, ly, col,
                  s.dashed ? " stroke-dasharray=\"6 4\"" : "");
    o += b + text(W - R + 35, ly + 4, s.name, "start", 11);
  }
  return o + "</svg>\n";
}

std::string svg_bar_chart(const std::string& title, const std::string& x_label,
                          const std::vector<std::pair<std::string, double>>& bars) {
  const double W = 640, L = 150, R = 70, T = 35, row = 26;
  const double H = T + row * double(bars.size()) + 40;
  double m = 0;
  for (auto& [l, v] : bars) m = std::max(m, v);
  if (m <= 0) m = 1;
  std::string o = header(int(W), int(H), title);
  char b[256];
  for (size_t i = 0; i < bars.size(); ++i) {
    double y = T + row * double(i), w = bars[i].second / m * (W - L - R);
    std::snprintf(b, sizeof b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n", L, y + 3,
                  std::max(0.0, w), row - 8, kPalette[i % std::size(kPalette)]);
    o += b + text(L - 6, y + row / 2 + 3, bars[i].first, "end", 11) +
         text(L + std::max(0.0, w) + 5, y + row / 2 + 3, num(bars[i].second), "start", 11);
  }
  o += text((L + W - R) / 2, H - 10, x_label);
  return o + "</svg>\n";
}

}  // namespace fr
