#include "data/parse.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace fr {

int32_t days_from_civil(int y, int m, int d) {  // H. Hinnant's algorithm
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = unsigned((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + int(doe) - 719468;
}

static bool digits(const char* p, int n, int& out) {
  int v = 0;
  for (int i = 0; i < n; ++i) {
    unsigned c = unsigned(p[i]) - '0';
    if (c > 9) return false;
    v = v * 10 + int(c);
  }
  out = v;
  return true;
}

bool parse_date(std::string_view s, int32_t& day) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int y, m, d;
  if (!digits(s.data(), 4, y) || !digits(s.data() + 5, 2, m) || !digits(s.data() + 8, 2, d)) return false;
  if (m < 1 || m > 12 || d < 1) return false;
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > mdays[m - 1] + (m == 2 && leap)) return false;
  day = days_from_civil(y, m, d);
  return true;
}

std::string format_date(int32_t z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = unsigned(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int y = int(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

namespace {
/// Whether the 8 bytes at p are all ASCII digits, and their value (the SWAR trick of
/// fast_float / simdjson: prices carry 16+ digits, so 8 at a time halves the work).
inline bool eight_digits(const char* p, uint64_t& value) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  if (((v & 0xF0F0F0F0F0F0F0F0ULL) | (((v + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4)) !=
      0x3333333333333333ULL)
    return false;
  v -= 0x3030303030303030ULL;
  v = (v * 10) + (v >> 8);
  v = (((v & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
       (((v >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
      32;
  value = v;
  return true;
}
}  // namespace

bool parse_float(std::string_view s, float& out) {
  // Fast path for plain decimals: up to 19 digits into an integer mantissa.
  const char* p = s.data();
  const char* e = p + s.size();
  if (p == e) return false;
  bool neg = false;
  if (*p == '-' || *p == '+') neg = *p++ == '-';
  uint64_t mant = 0;
  int frac_digits = 0, used = 0, dropped = 0;
  bool any = false, dot = false;
  while (p < e) {
    uint64_t eight;
    if (used + 8 <= 19 && e - p >= 8 && eight_digits(p, eight)) {
      mant = mant * 100000000ULL + eight;
      used += 8;
      if (dot) frac_digits += 8;
      any = true;
      p += 8;
      continue;
    }
    unsigned c = unsigned(*p) - '0';
    if (c <= 9) {
      any = true;
      if (used < 19) {
        mant = mant * 10 + c;
        if (mant) ++used;
        if (dot) ++frac_digits;
      } else if (!dot) {
        ++dropped;
      }
    } else if (*p == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
    ++p;
  }
  if (p == e && any) {
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    int exp10 = dropped - frac_digits;
    double v = double(mant);
    if (exp10 < 0 && -exp10 <= 22)
      v /= pow10[-exp10];
    else if (exp10 > 0 && exp10 <= 22)
      v *= pow10[exp10];
    else if (exp10 != 0)
      v *= std::pow(10.0, exp10);
    out = float(neg ? -v : v);
    return true;
  }
  // Exponents, "nan", "inf": the standard parser.
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(out);
}

bool parse_int(std::string_view s, int64_t& out, bool* had_decimal) {
  if (had_decimal) *had_decimal = false;
  if (s.size() > 2 && s.substr(s.size() - 2) == ".0") {
    s.remove_suffix(2);
    if (had_decimal) *had_decimal = true;
  }
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty();
}

bool parse_article_id(std::string_view s, int64_t& out) {
  if (s.empty() || s.size() > 10) return false;
  int64_t v = 0;
  for (char ch : s) {
    unsigned c = unsigned(ch) - '0';
    if (c > 9) return false;
    v = v * 10 + c;
  }
  out = v;
  return true;
}

std::string format_article_id(int64_t id) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%010lld", static_cast<long long>(id));
  return buf;
}

std::string csv_quote(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string o = "\"";
  for (char c : s) {
    if (c == '"') o += '"';
    o += c;
  }
  return o + "\"";
}

std::string format_float(float v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

}  // namespace fr
