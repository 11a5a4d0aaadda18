#pragma once
// Small self-contained SVG charts for the report (no scripts, no fonts to fetch): a line
// chart of named series and a bar chart. Written by hand because no packaged C++ library
// draws SVG charts; the format is plain text.
#include <string>
#include <utility>
#include <vector>

namespace fr {

struct ChartSeries {
  std::string name;
  std::vector<double> x, y;  ///< same length
  bool dashed = false;
};

/// A line chart with markers, axes with ticks, and a legend. 700 x 360 px.
std::string svg_line_chart(const std::string& title, const std::string& x_label, const std::string& y_label,
                           const std::vector<ChartSeries>& series);
/// A horizontal bar chart: one bar per (label, value), the value printed at its end.
std::string svg_bar_chart(const std::string& title, const std::string& x_label,
                          const std::vector<std::pair<std::string, double>>& bars);

}  // namespace fr
