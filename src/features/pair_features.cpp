#include "features/pair_features.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "core/error.h"

namespace fr {
namespace {
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
}

const std::vector<std::string>& PairFeaturizer::names() {
  static const std::vector<std::string> n = {"times_bought",       "days_since_bought",     "same_product_bought",
                                             "share_product_type", "share_colour",          "share_department",
                                             "price_vs_customer",  "age_bucket_popularity", "customer_purchases"};
  return n;
}

PairFeaturizer::PairFeaturizer(const Dataset& d, const Split& s) : d_(d), s_(s) {
  by_customer_ = group_train_rows(d, s, true);
  const size_t na = size_t(d.n_articles());
  std::vector<double> sum(na, 0);
  std::vector<int64_t> cnt(na, 0);
  size_t n_buckets = age_bucket_names().size();
  std::vector<std::vector<double>> bucket(n_buckets, std::vector<double>(na, 0));
  std::vector<double> bucket_total(n_buckets, 0);
  for (int64_t i = 0; i < d.n_transactions(); ++i) {
    size_t r = size_t(i);
    int32_t day = d.tx_day[r];
    if (!s.is_train(day)) continue;
    size_t a = size_t(d.tx_article[r]);
    sum[a] += d.tx_price[r];
    ++cnt[a];
    if (s.val_start - day <= 30) {
      int b = age_bucket(d.age[size_t(d.tx_customer[r])]);
      if (b >= 0) {
        bucket[size_t(b)][a] += 1;
        bucket_total[size_t(b)] += 1;
      }
    }
  }
  article_mean_price_.resize(na);
  for (size_t a = 0; a < na; ++a) article_mean_price_[a] = cnt[a] ? float(sum[a] / double(cnt[a])) : kNaN;
  bucket_share_.assign(n_buckets, std::vector<float>(na, 0.f));
  for (size_t b = 0; b < n_buckets; ++b)
    for (size_t a = 0; a < na; ++a)
      bucket_share_[b][a] = bucket_total[b] > 0 ? float(1000.0 * bucket[b][a] / bucket_total[b]) : 0.f;
  auto codes = [&](const char* name) {
    Categorical c = d.category(name);
    return std::vector<int32_t>(c.codes.begin(), c.codes.end());
  };
  auto pc = d.article_int("product_code");
  product_code_.assign(pc.begin(), pc.end());
  type_ = codes("product_type_name");
  colour_ = codes("colour_group_name");
  dept_ = codes("department_name");
}

void PairFeaturizer::compute(int32_t customer, int32_t article, float* out) const {
  const size_t c = size_t(customer);
  std::span<const uint32_t> rows(by_customer_.rows.data() + by_customer_.offsets[c],
                                 by_customer_.offsets[c + 1] - by_customer_.offsets[c]);
  compute_rows(rows, {}, d_.age[c], article, out);
}

void PairFeaturizer::compute(int32_t customer, std::span<const SessionItem> session, float age, int32_t article,
                             float* out) const {
  std::span<const uint32_t> rows;
  if (customer >= 0) {
    const size_t c = size_t(customer);
    rows = {by_customer_.rows.data() + by_customer_.offsets[c], by_customer_.offsets[c + 1] - by_customer_.offsets[c]};
  }
  compute_rows(rows, session, age, article, out);
}

void PairFeaturizer::compute_rows(std::span<const uint32_t> rows, std::span<const SessionItem> session, float age,
                                  int32_t article, float* out) const {
  const size_t a = size_t(article);
  float times = 0, same = 0, type = 0, colour = 0, dept = 0;
  int32_t last = INT32_MIN;
  double spend = 0;
  auto visit = [&](size_t x, int32_t day, float price) {
    spend += price;
    if (x == a) {
      times += 1;
      last = std::max(last, day);
    } else if (product_code_[x] != kMissingInt && product_code_[x] == product_code_[a]) {
      same += 1;
    }
    type += type_[x] >= 0 && type_[x] == type_[a];
    colour += colour_[x] >= 0 && colour_[x] == colour_[a];
    dept += dept_[x] >= 0 && dept_[x] == dept_[a];
  };
  for (uint32_t r : rows) visit(size_t(d_.tx_article[r]), d_.tx_day[r], d_.tx_price[r]);
  // Session purchases are as of the first "validation" (as-of) day; an unknown price counts 0.
  for (const SessionItem& item : session)
    visit(size_t(item.article), s_.val_start, std::isnan(item.price) ? 0.f : item.price);
  float n = float(rows.size() + session.size());
  out[0] = times;
  out[1] = last == INT32_MIN ? kNaN : float(s_.val_start - last);
  out[2] = same;
  out[3] = n > 0 ? type / n : kNaN;
  out[4] = n > 0 ? colour / n : kNaN;
  out[5] = n > 0 ? dept / n : kNaN;
  float cust_mean = n > 0 ? float(spend / n) : kNaN;
  out[6] = article_mean_price_[a] / cust_mean;  // NaN when either is unknown
  int bucket = age_bucket(age);
  out[7] = bucket < 0 ? kNaN : bucket_share_[size_t(bucket)][a];
  out[8] = n;
}

LabelledPairs sample_negatives(const ValidationTruth& positives, const Dataset& d, const Split& s,
                               const NegativeConfig& c) {
  if (c.mode != "uniform" && c.mode != "popularity")
    throw UsageError("negative sampling must be 'uniform' or 'popularity', not '" + c.mode + "'");
  const size_t na = size_t(d.n_articles());
  std::vector<double> cum(na);
  if (c.mode == "popularity") {
    std::vector<double> w(na, 0);
    for (int64_t i = 0; i < d.n_transactions(); ++i)
      if (s.is_train(d.tx_day[size_t(i)])) w[size_t(d.tx_article[size_t(i)])] += 1;
    std::partial_sum(w.begin(), w.end(), cum.begin());
    if (cum.empty() || cum.back() <= 0) throw DataError("no training sales to sample negatives by popularity");
  }
  std::mt19937_64 rng(c.seed);
  std::uniform_real_distribution<double> unit(0, 1);
  LabelledPairs out;
  for (size_t i = 0; i < positives.customers.size(); ++i) {
    auto pos = positives.of(i);
    if (pos.size() >= na) continue;  // bought everything: no negative exists
    int32_t cust = positives.customers[i];
    for (int32_t a : pos) {
      out.customer.push_back(cust);
      out.article.push_back(a);
      out.label.push_back(1);
      for (int64_t k = 0; k < c.per_positive; ++k) {
        int32_t neg;
        int tries = 0;
        do {  // after 1000 popular draws that were all positives, draw uniformly
          bool uniform = c.mode == "uniform" || ++tries > 1000;
          neg = uniform ? int32_t(rng() % na)
                        : int32_t(std::upper_bound(cum.begin(), cum.end(), unit(rng) * cum.back()) - cum.begin());
          neg = std::min<int32_t>(neg, int32_t(na) - 1);
        } while (std::binary_search(pos.begin(), pos.end(), neg));
        out.customer.push_back(cust);
        out.article.push_back(neg);
        out.label.push_back(0);
      }
    }
  }
  return out;
}

}  // namespace fr
