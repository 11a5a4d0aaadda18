#include "features/raw_features.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "core/error.h"
#include "core/parallel.h"

namespace fr {
namespace {
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

float median_of(std::vector<float>& v) {
  if (v.empty()) return kNaN;
  size_t m = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + ptrdiff_t(m), v.end());
  float hi = v[m];
  if (v.size() % 2) return hi;
  float lo = *std::max_element(v.begin(), v.begin() + ptrdiff_t(m));
  return (lo + hi) / 2;
}

/// A categorical column of the Dataset as a RawTable column, with a fixed dictionary.
RawTable::Cat& copy_category(RawTable& t, const Dataset& d, const std::string& name, bool embed) {
  Categorical c = d.category(name);
  RawTable::Cat& out = t.add_cat(name, embed);
  out.codes.assign(c.codes.begin(), c.codes.end());
  for (size_t i = 0; i < c.values.size(); ++i) out.values.emplace_back(c.values[i]);
  return out;
}
}  // namespace

std::vector<float>& RawTable::add_num(const std::string& name) {
  num_names.push_back(name);
  num.emplace_back(rows, kNaN);
  return num.back();
}

RawTable::Cat& RawTable::add_cat(const std::string& name, bool embed) {
  cats.push_back(Cat{name, std::vector<int32_t>(rows, -1), {}, embed});
  return cats.back();
}

const std::vector<float>& RawTable::num_col(const std::string& name) const {
  for (size_t i = 0; i < num_names.size(); ++i)
    if (num_names[i] == name) return num[i];
  throw InternalError("no numeric feature " + name);
}

const RawTable::Cat& RawTable::cat(const std::string& name) const {
  for (auto& c : cats)
    if (c.name == name) return c;
  throw InternalError("no categorical feature " + name);
}

int age_bucket(float age) {
  if (std::isnan(age)) return -1;
  if (age < 20) return 0;
  if (age < 25) return 1;
  if (age < 30) return 2;
  if (age < 40) return 3;
  if (age < 50) return 4;
  if (age < 60) return 5;
  return 6;
}

const std::vector<std::string>& age_bucket_names() {
  static const std::vector<std::string> v = {"<20", "20-24", "25-29", "30-39", "40-49", "50-59", "60+"};
  return v;
}

GroupedRows group_train_rows(const Dataset& d, const Split& s, bool by_customer) {
  const size_t groups = size_t(by_customer ? d.n_customers() : d.n_articles());
  auto key = by_customer ? d.tx_customer : d.tx_article;
  GroupedRows g;
  g.offsets.assign(groups + 1, 0);
  const size_t n = size_t(d.n_transactions());
  for (size_t i = 0; i < n; ++i)
    if (s.is_train(d.tx_day[i])) ++g.offsets[size_t(key[i]) + 1];
  for (size_t k = 1; k <= groups; ++k) g.offsets[k] += g.offsets[k - 1];
  g.rows.resize(g.offsets[groups]);
  std::vector<uint64_t> pos(g.offsets.begin(), g.offsets.end() - 1);
  for (size_t i = 0; i < n; ++i)
    if (s.is_train(d.tx_day[i])) g.rows[pos[size_t(key[i])]++] = uint32_t(i);
  return g;
}

RawTable customer_features(const Dataset& d, const Split& s, int threads) {
  const size_t n = size_t(d.n_customers());
  const int32_t ref = s.val_start;
  GroupedRows g = group_train_rows(d, s, true);
  RawTable t;
  t.rows = n;
  auto& cnt = t.add_num("purchases");
  auto& freq = t.add_num("purchase_days_per_week");
  auto& total = t.add_num("spend_total");
  auto& mean = t.add_num("spend_mean");
  auto& stdev = t.add_num("spend_std");
  auto& median = t.add_num("spend_median");
  auto& c7 = t.add_num("purchases_7d");
  auto& s7 = t.add_num("spend_7d");
  auto& c30 = t.add_num("purchases_30d");
  auto& s30 = t.add_num("spend_30d");
  auto& since_first = t.add_num("days_since_first");
  auto& since_last = t.add_num("days_since_last");
  auto& weeks = t.add_num("active_weeks");
  auto& online = t.add_num("online_share");
  auto& level = t.add_num("price_level");

  // Preferences: shares of purchases by index group, product group and colour master, one
  // column per value ("share_index_group_name=Ladieswear").
  struct Pref {
    Categorical cat;
    size_t first_col;
  };
  std::vector<Pref> prefs;
  for (const char* name : {"index_group_name", "product_group_name", "perceived_colour_master_name"}) {
    Pref p{d.category(name), t.num.size()};
    for (size_t v = 0; v < p.cat.values.size(); ++v)
      t.add_num(std::string("share_") + name + "=" + std::string(p.cat.values[v]));
    prefs.push_back(p);
  }

  std::vector<float> train_prices;  // the reference price level: training days only
  for (uint32_t r : g.rows) train_prices.push_back(d.tx_price[r]);
  float global_median = median_of(train_prices);
  std::vector<float>().swap(train_prices);

  parallel_for((n + 4095) / 4096, threads, [&](size_t block) {
    std::vector<float> prices;
    std::vector<int32_t> wk;
    for (size_t c = block * 4096; c < std::min(n, (block + 1) * 4096); ++c) {
      uint64_t b = g.offsets[c], e = g.offsets[c + 1];
      cnt[c] = float(e - b);
      c7[c] = s7[c] = c30[c] = s30[c] = 0;
      total[c] = 0;
      weeks[c] = 0;
      freq[c] = 0;
      if (b == e) continue;  // no training purchase: the rest stays missing
      prices.clear();
      wk.clear();
      double sum = 0, sq = 0;
      int32_t first = INT32_MAX, last = INT32_MIN;
      int64_t on = 0;
      std::vector<int32_t> days;
      for (uint64_t k = b; k < e; ++k) {
        size_t r = g.rows[k];
        float p = d.tx_price[r];
        int32_t day = d.tx_day[r];
        prices.push_back(p);
        sum += p;
        sq += double(p) * p;
        first = std::min(first, day);
        last = std::max(last, day);
        on += d.tx_channel[r] == 2;
        if (ref - day <= 7) c7[c] += 1, s7[c] += p;
        if (ref - day <= 30) c30[c] += 1, s30[c] += p;
        wk.push_back((ref - 1 - day) / 7);
        days.push_back(day);
      }
      double m = sum / double(e - b);
      total[c] = float(sum);
      mean[c] = float(m);
      stdev[c] = float(std::sqrt(std::max(0.0, sq / double(e - b) - m * m)));
      median[c] = median_of(prices);
      since_first[c] = float(ref - first);
      since_last[c] = float(ref - last);
      std::sort(wk.begin(), wk.end());
      weeks[c] = float(std::unique(wk.begin(), wk.end()) - wk.begin());
      std::sort(days.begin(), days.end());
      float distinct_days = float(std::unique(days.begin(), days.end()) - days.begin());
      freq[c] = distinct_days / (float(ref - first) / 7.f + 1.f);
      online[c] = float(on) / float(e - b);
      level[c] = float(m / global_median);
      for (auto& pr : prefs) {
        for (size_t v = 0; v < pr.cat.values.size(); ++v) t.num[pr.first_col + v][c] = 0;
        for (uint64_t k = b; k < e; ++k) {
          int32_t code = pr.cat.codes[size_t(d.tx_article[g.rows[k]])];
          if (code >= 0) t.num[pr.first_col + size_t(code)][c] += 1.f / float(e - b);
        }
      }
    }
  });

  // Metadata.
  auto& fn = t.add_num("FN");
  auto& active = t.add_num("Active");
  auto& age = t.add_num("age");
  auto& postal_freq = t.add_num("postal_code_frequency");
  std::vector<int64_t> postal_count(d.postal_code.values.size(), 0);
  for (int32_t code : d.postal_code.codes)
    if (code >= 0) ++postal_count[size_t(code)];
  for (size_t c = 0; c < n; ++c) {
    fn[c] = d.fn[c] == 1 ? 1.f : 0.f;  // empty means "not 1" in the H&M data
    active[c] = d.active[c] == 1 ? 1.f : 0.f;
    age[c] = d.age[c];
    int32_t pc = d.postal_code.codes[c];
    postal_freq[c] = pc >= 0 ? float(postal_count[size_t(pc)]) / float(n) : kNaN;
  }
  copy_category(t, d, "club_member_status", false);
  // "NONE", "None" and empty are one answer in the H&M data: "NONE"; empty stays unknown.
  {
    RawTable::Cat& f = t.add_cat("fashion_news_frequency", false);
    const Categorical& src = d.fashion_news_frequency;
    std::vector<int32_t> remap(src.values.size());
    for (size_t v = 0; v < src.values.size(); ++v) {
      std::string val(src.values[v]);
      if (val == "None") val = "NONE";
      auto it = std::find(f.values.begin(), f.values.end(), val);
      if (it == f.values.end()) {
        f.values.push_back(val);
        it = f.values.end() - 1;
      }
      remap[v] = int32_t(it - f.values.begin());
    }
    for (size_t c = 0; c < n; ++c) f.codes[c] = src.codes[c] < 0 ? -1 : remap[size_t(src.codes[c])];
  }
  {
    RawTable::Cat& a = t.add_cat("age_bucket", false);
    a.values = age_bucket_names();
    for (size_t c = 0; c < n; ++c) a.codes[c] = age_bucket(d.age[c]);
  }
  copy_category(t, d, "postal_code", true);
  return t;
}

RawTable article_features(const Dataset& d, const Split& s, int threads) {
  const size_t n = size_t(d.n_articles());
  const int32_t ref = s.val_start;
  GroupedRows g = group_train_rows(d, s, false);
  RawTable t;
  t.rows = n;
  auto& cnt = t.add_num("sales");
  auto& uniq = t.add_num("unique_customers");
  auto& c7 = t.add_num("sales_7d");
  auto& u7 = t.add_num("unique_customers_7d");
  auto& c30 = t.add_num("sales_30d");
  auto& u30 = t.add_num("unique_customers_30d");
  auto& trend = t.add_num("trend_7d");
  auto& pmean = t.add_num("price_mean");
  auto& pstd = t.add_num("price_std");
  auto& pmed = t.add_num("price_median");
  auto& since_first = t.add_num("days_since_first_sale");
  parallel_for((n + 1023) / 1024, threads, [&](size_t block) {
    std::vector<float> prices;
    std::vector<int32_t> all, last7, last30;
    for (size_t a = block * 1024; a < std::min(n, (block + 1) * 1024); ++a) {
      uint64_t b = g.offsets[a], e = g.offsets[a + 1];
      cnt[a] = float(e - b);
      prices.clear();
      all.clear();
      last7.clear();
      last30.clear();
      int64_t prev7 = 0;
      int32_t first = INT32_MAX;
      double sum = 0, sq = 0;
      for (uint64_t k = b; k < e; ++k) {
        size_t r = g.rows[k];
        int32_t day = d.tx_day[r], c = d.tx_customer[r];
        float p = d.tx_price[r];
        prices.push_back(p);
        sum += p;
        sq += double(p) * p;
        first = std::min(first, day);
        all.push_back(c);
        if (ref - day <= 7)
          last7.push_back(c);
        else if (ref - day <= 14)
          ++prev7;
        if (ref - day <= 30) last30.push_back(c);
      }
      auto distinct = [](std::vector<int32_t>& v) {
        std::sort(v.begin(), v.end());
        return float(std::unique(v.begin(), v.end()) - v.begin());
      };
      uniq[a] = distinct(all);
      c7[a] = float(last7.size());
      u7[a] = distinct(last7);
      c30[a] = float(last30.size());
      u30[a] = distinct(last30);
      trend[a] = std::log((c7[a] + 1.f) / (float(prev7) + 1.f));
      if (b == e) continue;  // never sold: prices and first sale stay missing
      double m = sum / double(e - b);
      pmean[a] = float(m);
      pstd[a] = float(std::sqrt(std::max(0.0, sq / double(e - b) - m * m)));
      pmed[a] = median_of(prices);
      since_first[a] = float(ref - first);
    }
  });
  // Every categorical column of articles.csv (the *_no / *_id integer columns carry the same
  // information as their names): low cardinality one-hot, high an embedding index.
  for (const char* name :
       {"product_group_name", "graphical_appearance_name", "colour_group_name", "perceived_colour_value_name",
        "perceived_colour_master_name", "index_code", "index_name", "index_group_name", "garment_group_name"})
    copy_category(t, d, name, false);
  for (const char* name : {"product_type_name", "department_name", "section_name", "prod_name"})
    copy_category(t, d, name, true);
  {
    RawTable::Cat& pc = t.add_cat("product_code", true);
    auto codes = d.article_int("product_code");
    std::vector<std::pair<int32_t, size_t>> order;
    for (size_t a = 0; a < n; ++a)
      if (codes[a] != kMissingInt) order.push_back({codes[a], a});
    std::sort(order.begin(), order.end());
    for (size_t k = 0; k < order.size(); ++k) {
      if (k == 0 || order[k].first != order[k - 1].first) pc.values.push_back(std::to_string(order[k].first));
      pc.codes[order[k].second] = int32_t(pc.values.size() - 1);
    }
  }
  {
    RawTable::Cat& id = t.add_cat("article", true);  // the article's own id embedding
    for (size_t a = 0; a < n; ++a) id.codes[a] = int32_t(a);
    id.values.resize(n);
    for (size_t a = 0; a < n; ++a) id.values[a] = std::to_string(d.article_id[a]);
  }
  return t;
}

bool is_history_column(const std::string& name) {
  static const std::set<std::string> names = {
      // customer_features
      "purchases", "purchase_days_per_week", "spend_total", "spend_mean", "spend_std", "spend_median", "purchases_7d",
      "spend_7d", "purchases_30d", "spend_30d", "days_since_first", "days_since_last", "active_weeks", "online_share",
      "price_level",
      // article_features
      "sales", "unique_customers", "sales_7d", "unique_customers_7d", "sales_30d", "unique_customers_30d", "trend_7d",
      "days_since_first_sale"};
  if (name.starts_with("share_")) return true;
  const std::string_view suffix = "_missing";
  std::string base = name;
  if (base.ends_with(suffix)) base.resize(base.size() - suffix.size());
  return names.contains(base);
}

}  // namespace fr
