#pragma once
// Field parsers for the H&M formats. Each returns false on text it cannot take whole.
#include <cstdint>
#include <string>
#include <string_view>

namespace fr {

/// "YYYY-MM-DD" -> days since 1970-01-01.
bool parse_date(std::string_view s, int32_t& day);
std::string format_date(int32_t day);
/// Day number of a civil date.
int32_t days_from_civil(int y, int m, int d);

/// A decimal number as float ("0.0508305084745762", "1e-3", "-2.5"). H&M prices carry 16+
/// digits; a float keeps ~7, which is all the models use.
bool parse_float(std::string_view s, float& out);
/// An integer, also written as "55.0" (pandas re-saves int columns with NaN as floats).
bool parse_int(std::string_view s, int64_t& out, bool* had_decimal = nullptr);

/// An article id: 1 to 10 digits; "0663713001" and "663713001" are the same article.
bool parse_article_id(std::string_view s, int64_t& out);
/// The 10-digit form with leading zeros, as in the H&M files and image names.
std::string format_article_id(int64_t id);

/// A CSV field as written: quoted (with "" for ") when it holds a comma, quote or line end.
std::string csv_quote(std::string_view s);

/// Shortest decimal text that reads back as the same float.
std::string format_float(float v);

}  // namespace fr
