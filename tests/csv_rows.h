#pragma once
// Test helper: every row of a CSV as strings, read with the project's reader (quoting included).
#include <string>
#include <vector>

#include "data/csv_reader.h"

namespace fr::test {

struct CollectRows : RowHandler {
  std::vector<std::vector<std::string>> rows;
  void row(std::span<const std::string_view> f) override { rows.emplace_back(f.begin(), f.end()); }
};

inline std::vector<std::vector<std::string>> read_rows(const std::string& path, const std::vector<std::string>& cols) {
  CsvReport rep;
  auto hs = read_csv(
      path, cols, CsvOptions{}, [](size_t) { return std::make_unique<CollectRows>(); }, rep);
  std::vector<std::vector<std::string>> out;
  for (auto& h : hs)
    for (auto& r : static_cast<CollectRows&>(*h).rows) out.push_back(r);
  return out;
}

}  // namespace fr::test
