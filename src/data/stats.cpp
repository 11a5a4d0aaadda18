#include "data/stats.h"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <unordered_map>

namespace fr {
namespace {

template <class T>
nlohmann::json quantiles(std::vector<T> v) {
  if (v.empty()) return nlohmann::json::object();
  std::sort(v.begin(), v.end());
  auto q = [&](double p) { return v[std::min(v.size() - 1, size_t(p * double(v.size())))]; };
  double sum = 0;
  for (auto x : v) sum += double(x);
  return {{"p10", q(0.10)}, {"p25", q(0.25)}, {"p50", q(0.50)},  {"p75", q(0.75)},
          {"p90", q(0.90)}, {"p99", q(0.99)}, {"max", v.back()}, {"mean", sum / double(v.size())}};
}

}  // namespace

nlohmann::json dataset_stats(const Dataset& d) {
  const size_t n = size_t(d.n_transactions());
  nlohmann::json s;
  s["transactions"] = n;
  if (n == 0) return s;
  std::vector<int32_t> per_c(size_t(d.n_customers()), 0), per_a(size_t(d.n_articles()), 0),
      last_day(size_t(d.n_customers()), INT32_MIN);
  int32_t first = d.tx_day[0], last = d.tx_day[0];
  int64_t online = 0, repeated = 0, repurchase = 0;
  std::unordered_map<uint64_t, int32_t> first_buy;
  first_buy.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    int32_t c = d.tx_customer[i], a = d.tx_article[i], t = d.tx_day[i];
    ++per_c[size_t(c)];
    ++per_a[size_t(a)];
    last_day[size_t(c)] = std::max(last_day[size_t(c)], t);
    first = std::min(first, t);
    last = std::max(last, t);
    online += d.tx_channel[i] == 2;
    if (i > 0 && d.tx_customer[i - 1] == c && d.tx_article[i - 1] == a && d.tx_day[i - 1] == t) ++repeated;
    auto [it, inserted] = first_buy.emplace((uint64_t(uint32_t(c)) << 32) | uint32_t(a), t);
    if (!inserted) {
      if (t > it->second) ++repurchase;
      it->second = std::min(it->second, t);
    }
  }
  std::vector<int32_t> pc, pa;
  int64_t one = 0, inactive = 0;
  for (size_t c = 0; c < per_c.size(); ++c)
    if (per_c[c] > 0) {
      pc.push_back(per_c[c]);
      one += per_c[c] == 1;
      inactive += last_day[c] < last - 27;
    }
  for (auto x : per_a)
    if (x > 0) pa.push_back(x);
  s["purchases_per_customer"] = quantiles(pc);
  s["purchases_per_customer"]["share_one"] = double(one) / double(pc.size());
  s["purchases_per_customer"]["customers"] = pc.size();
  s["purchases_per_article"] = quantiles(pa);
  std::sort(pa.rbegin(), pa.rend());
  auto top_share = [&](double frac) {
    size_t k = std::max<size_t>(1, size_t(frac * double(pa.size())));
    int64_t sum = 0;
    for (size_t i = 0; i < k; ++i) sum += pa[i];
    return double(sum) / double(n);
  };
  s["purchases_per_article"]["top1pct_share"] = top_share(0.01);
  s["purchases_per_article"]["top10pct_share"] = top_share(0.10);
  s["purchases_per_article"]["articles"] = pa.size();
  s["repurchase_rate"] = double(repurchase) / double(n);
  s["repeated_row_rate"] = double(repeated) / double(n);
  s["online_share"] = double(online) / double(n);
  s["inactive_last_28_days"] = double(inactive) / double(pc.size());
  std::vector<float> price(d.tx_price.begin(), d.tx_price.end());
  s["price"] = quantiles(price);
  int32_t weeks = (last - first) / 7 + 1;
  std::vector<int64_t> per_w(size_t(weeks), 0);
  for (size_t i = 0; i < n; ++i) ++per_w[size_t((last - d.tx_day[i]) / 7)];
  s["per_week"] = quantiles(per_w);
  s["weeks"] = weeks;
  return s;
}

std::string format_stats(const nlohmann::json& s) {
  std::ostringstream o;
  char buf[256];
  auto row = [&](const char* name, const std::string& v) {
    std::snprintf(buf, sizeof buf, "%-36s %s\n", name, v.c_str());
    o << buf;
  };
  auto q = [&](const nlohmann::json& j, bool real = false) {
    char b[200];
    if (real)
      std::snprintf(b, sizeof b, "p10 %.4f  p50 %.4f  p90 %.4f  mean %.4f", j["p10"].get<double>(),
                    j["p50"].get<double>(), j["p90"].get<double>(), j["mean"].get<double>());
    else
      std::snprintf(b, sizeof b, "p10 %g  p25 %g  p50 %g  p75 %g  p90 %g  p99 %g  max %g", j["p10"].get<double>(),
                    j["p25"].get<double>(), j["p50"].get<double>(), j["p75"].get<double>(), j["p90"].get<double>(),
                    j["p99"].get<double>(), j["max"].get<double>());
    return std::string(b);
  };
  auto pct = [](double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f %%", v * 100);
    return std::string(b);
  };
  row("transactions", std::to_string(s["transactions"].get<int64_t>()));
  if (!s.contains("purchases_per_customer")) return o.str();
  row("purchases per customer", q(s["purchases_per_customer"]));
  row("customers with one purchase", pct(s["purchases_per_customer"]["share_one"]));
  row("purchases per article", q(s["purchases_per_article"]));
  row("share of top 1 % / 10 % articles",
      pct(s["purchases_per_article"]["top1pct_share"]) + " / " + pct(s["purchases_per_article"]["top10pct_share"]));
  row("repurchase rate (earlier day)", pct(s["repurchase_rate"]));
  row("repeated rows (same day)", pct(s["repeated_row_rate"]));
  row("price", q(s["price"], true));
  row("purchases per week", q(s["per_week"]));
  row("online share (channel 2)", pct(s["online_share"]));
  row("buyers inactive in the last 28 days", pct(s["inactive_last_28_days"]));
  return o.str();
}

}  // namespace fr
