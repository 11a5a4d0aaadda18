#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace fr {

/// A PNG grid: one row per query, the query's picture then its neighbours' pictures.
/// rows[i][0] is the query's image path, the rest its neighbours'. Missing files are grey.
void write_contact_sheet(const std::string& png_path, const std::vector<std::vector<std::string>>& rows,
                         int cell_width = 120);

/// The k nearest rows of x ([n, d], rows with mask 0 skipped) to row q by cosine similarity.
std::vector<int32_t> nearest_rows(const float* x, int64_t n, int64_t d, const uint8_t* mask, int64_t q, int k);

}  // namespace fr
