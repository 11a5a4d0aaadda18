#include "synth/world.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <thread>

#include "core/parallel.h"
#include "synth/rng.h"

namespace fr::synth {
namespace {

constexpr const char* kClub[] = {"ACTIVE", "PRE-CREATE", "LEFT CLUB", ""};
constexpr double kClubShare[] = {0.927, 0.068, 0.0005, 0.0045};
constexpr const char* kNews[] = {"NONE", "Regularly", "Monthly", "None", ""};
constexpr double kNewsShare[] = {0.635, 0.351, 0.0007, 0.0013, 0.012};

constexpr const char* kNameWords[] = {"Atlanta", "Luna",    "Tilda",   "Harlow", "Jade",      "Marty",
                                      "Skinny",  "Slim",    "Relaxed", "Basic",  "Essential", "Soft",
                                      "Cosy",    "Perrie",  "Mom",     "Wide",   "Cropped",   "Oversized",
                                      "Fancy",   "Classic", "Summer",  "Winter", "Nora",      "Kim"};
constexpr const char* kMaterials[] = {"soft cotton jersey", "fine-knit fabric",   "woven viscose", "washed denim",
                                      "ribbed jersey",      "recycled polyester", "linen blend",   "stretch twill"};
constexpr const char* kFeatures[] = {"a round neckline",       "long sleeves",       "short sleeves",
                                     "a concealed zip",        "side pockets",       "an elasticated waist",
                                     "narrow shoulder straps", "a straight-cut hem", "buttons down the front",
                                     "dropped shoulders"};

template <size_t N>
size_t pick(Rng& r, const double (&share)[N]) {
  double u = r.uniform(), acc = 0;
  for (size_t i = 0; i < N; ++i)
    if ((acc += share[i]) > u) return i;
  return 0;
}

size_t pick_weighted(Rng& r, const std::vector<double>& cum) {
  double u = r.uniform() * cum.back();
  return size_t(std::upper_bound(cum.begin(), cum.end(), u) - cum.begin());
}

std::vector<double> cumulative(const std::vector<double>& w) {
  std::vector<double> c(w.size());
  std::partial_sum(w.begin(), w.end(), c.begin());
  return c;
}

void random_vec(Rng& r, float s, float* v) {
  for (int k = 0; k < kDim; ++k) v[k] = float(r.normal() * s);
}

std::string hex_id(uint64_t seed, uint64_t index, uint64_t salt) {
  static const char* d = "0123456789abcdef";
  std::string s(64, '0');
  for (int w = 0; w < 4; ++w) {
    uint64_t x = mix64(seed * 0x9E3779B97F4A7C15ULL ^ mix64(index * 4 + uint64_t(w) + salt));
    for (int i = 0; i < 16; ++i, x >>= 4) s[size_t(w * 16 + i)] = d[x & 15];
  }
  return s;
}

/// Day of the year (0-based) of day index t, where t = 0 is 2018-09-20 (day 262 of 2018).
int day_of_year(int32_t t) { return ((t + 262) % 365 + 365) % 365; }

}  // namespace

const char* club_name(uint8_t i) { return kClub[i]; }
const char* news_name(uint8_t i) { return kNews[i]; }

int32_t WeekSampler::draw(uint64_t r) const {
  uint32_t i = uint32_t((uint64_t(uint32_t(r >> 32)) * article.size()) >> 32);
  float u = float(uint32_t(r) >> 8) * 0x1.0p-24f;
  return u < prob[i] ? article[i] : article[size_t(alias[i])];
}

float World::score(const Customer& c, const Article& a) const {
  float dot = 0;
  for (int k = 0; k < kDim; ++k) dot += c.u[k] * a.v[k];
  // taste scales the taste term (1: the presets' worlds, bit for bit).
  return std::min(dot * float(config.taste) / kTau + c.beta * a.price_score, kMaxScore);
}

double World::popularity(const Article& a, int32_t t) const {
  double age = double(t - a.launch);
  if (age < 0) return 0;
  double life = (1 - std::exp(-(age + 1) / 4.0)) * std::exp(-age / a.half_life);
  if (life < 0.01) return 0;
  const ProductType& pt = product_types()[a.type];
  double season = 1 + pt.season_amp * std::cos(6.283185307179586 * (day_of_year(t) - pt.season_peak_day) / 365.0);
  return a.base_pop * life * season;
}

World build_world(const SynthConfig& cfg, int threads) {
  World w;
  w.config = cfg;
  w.days = int32_t(cfg.days);
  Rng r(uint64_t(cfg.seed), 1);
  auto types = product_types();
  auto cols = colours();
  auto apps = appearances();
  auto depts = departments();

  // Factor vectors of the observable attributes (hidden from the data, not their effect).
  std::vector<std::array<float, kDim>> T(types.size()), K(cols.size()), P(apps.size()), D(depts.size());
  for (auto& v : T) random_vec(r, 0.40f, v.data());
  for (auto& v : K) random_vec(r, 0.40f, v.data());
  for (auto& v : P) random_vec(r, 0.30f, v.data());
  for (auto& v : D) random_vec(r, 0.30f, v.data());
  std::array<float, kDim> S;
  random_vec(r, 0.30f, S.data());

  std::vector<double> type_w, col_w, app_w;
  for (size_t i = 0; i < types.size(); ++i) type_w.push_back(1.0 / (double(i) + 3));
  for (size_t i = 0; i < cols.size(); ++i) col_w.push_back(1.0 / (double(i) + 1.5));
  for (auto& a : apps) app_w.push_back(a.share);
  auto type_c = cumulative(type_w), col_c = cumulative(col_w), app_c = cumulative(app_w);

  // Products and their colour variants.
  const int64_t n_articles = cfg.articles;
  int64_t est_products = std::max<int64_t>(1, n_articles * 10 / 22);
  int32_t code = 108775;
  int32_t max_gap = std::max<int32_t>(2, int32_t(2 * (959000 - 108775) / est_products));
  while (int64_t(w.articles.size()) < n_articles) {
    Rng pr(uint64_t(cfg.seed), 1000000 + w.products.size());
    Product p;
    p.code = code;
    code += 1 + int32_t(pr.below(uint32_t(max_gap)));
    int variants = 1;
    while (variants < 8 && pr.chance(0.55)) ++variants;
    variants = int(std::min<int64_t>(variants, n_articles - int64_t(w.articles.size())));
    size_t type = pick_weighted(pr, type_c);
    const ProductType& pt = types[type];
    // Departments that fit the product group.
    std::vector<size_t> fit;
    std::string g = pt.group;
    for (size_t k = 0; k < depts.size(); ++k) {
      std::string idx = depts[k].index_code;
      bool under = g == "Underwear" || g == "Swimwear" || g == "Socks & Tights" || g == "Nightwear";
      bool acc = g == "Accessories" || g == "Shoes";
      if (under ? (idx == "B" || depts[k].no == 5832 || depts[k].no == 8316)
          : acc ? idx == "C"
                : (idx != "B" && idx != "C"))
        fit.push_back(k);
    }
    size_t dept = fit[pr.below(uint32_t(fit.size()))];
    size_t app = pick_weighted(pr, app_c);
    bool basic = pr.chance(0.1);
    double sek = 0.85 * pt.base_sek * std::exp(0.25 * pr.normal());
    int32_t sek_i = std::max<int32_t>(29, int32_t(std::lround(sek / 50.0)) * 50 - 1);
    int32_t launch = int32_t(pr.uniform() * (w.days + 300)) - 300;
    // The knobs draw only when set, so the presets' worlds stay the same.
    if (cfg.new_articles > 0 && pr.chance(cfg.new_articles)) launch = w.days - 28 + int32_t(pr.below(28));
    p.name = std::string(kNameWords[pr.below(std::size(kNameWords))]) + " " + pt.name;
    if (!pr.chance(0.005)) {
      std::string t = pt.name;
      std::transform(t.begin(), t.end(), t.begin(), ::tolower);
      uint32_t f1 = pr.below(std::size(kFeatures));
      uint32_t f2 = (f1 + 1 + pr.below(std::size(kFeatures) - 1)) % uint32_t(std::size(kFeatures));
      p.desc = t + " in " + kMaterials[pr.below(std::size(kMaterials))] + " with " + kFeatures[f1] + ", " +
               kFeatures[f2] + " and a regular fit.";
      p.desc[0] = char(::toupper(p.desc[0]));
    }
    p.first = int32_t(w.articles.size());
    p.count = variants;
    int suffix = 0;
    std::vector<bool> used_colour(cols.size(), false);
    for (int v = 0; v < variants; ++v) {
      Article a;
      suffix += 1 + int(pr.below(3));
      a.id = int64_t(p.code) * 1000 + suffix;
      a.product = int32_t(w.products.size());
      a.type = uint8_t(type);
      size_t c;
      do c = pick_weighted(pr, col_c);
      while (used_colour[c] && variants < int(cols.size()) && pr.chance(0.9));
      used_colour[c] = true;
      a.colour = uint8_t(c);
      a.appearance = uint8_t(pr.chance(0.8) ? app : pick_weighted(pr, app_c));
      a.colour_meta = a.colour;
      a.appearance_meta = a.appearance;
      if (pr.chance(cfg.metadata_noise))
        a.colour_meta = uint8_t((c + 1 + pr.below(uint32_t(cols.size() - 1))) % cols.size());
      if (pr.chance(cfg.metadata_noise))
        a.appearance_meta = uint8_t((a.appearance + 1 + pr.below(uint32_t(apps.size() - 1))) % apps.size());
      a.dept = uint8_t(dept);
      a.shade = float(pr.uniform() * 2 - 1);
      a.sek = sek_i;
      a.base_pop = float(std::exp(0.5 * pr.normal()));
      a.launch = launch + (v == 0 ? 0 : int32_t(pr.below(60)));
      a.half_life = basic ? 500.f : float(45 * std::exp(0.6 * pr.normal()) * cfg.article_life);
      for (int k = 0; k < kDim; ++k)
        a.v[k] = T[type][k] + K[c][k] + P[a.appearance][k] + D[dept][k] + a.shade * S[k] + float(0.2 * pr.normal());
      w.articles.push_back(a);
    }
    w.products.push_back(std::move(p));
  }
  std::vector<int32_t> seks;
  for (auto& a : w.articles) seks.push_back(a.sek);
  std::nth_element(seks.begin(), seks.begin() + ptrdiff_t(seks.size() / 2), seks.end());
  w.median_sek = float(seks[seks.size() / 2]);
  for (auto& a : w.articles) a.price_score = -std::log(float(a.sek) / w.median_sek);

  // Customers: observable attributes drive the taste vector.
  const int64_t n_cust = cfg.customers;
  std::vector<std::array<float, kDim>> A(8), B(std::size(kClub)), C(std::size(kNews)), F(2);
  for (auto& v : A) random_vec(r, 0.35f, v.data());
  for (auto& v : B) random_vec(r, 0.35f, v.data());
  for (auto& v : C) random_vec(r, 0.35f, v.data());
  for (auto& v : F) random_vec(r, 0.25f, v.data());
  int32_t n_postal = int32_t(std::max<int64_t>(1, n_cust / 4));
  w.postal_codes.resize(size_t(n_postal));
  for (int32_t i = 0; i < n_postal; ++i) w.postal_codes[size_t(i)] = hex_id(uint64_t(cfg.seed), uint64_t(i), 777);
  w.customers.resize(size_t(n_cust));
  std::vector<double> raw(static_cast<size_t>(n_cust), 0.0);
  parallel_for(size_t(n_cust), threads, [&](size_t i) {
    Rng cr(uint64_t(cfg.seed), 50000000 + i);
    Customer& c = w.customers[i];
    c.id = hex_id(uint64_t(cfg.seed), i, 0);
    c.age = float(cr.chance(0.55) ? 25 + 4 * cr.normal() : 48 + 10 * cr.normal());
    c.age = std::clamp(std::round(c.age), 16.f, 95.f);
    int bucket = std::min(7, int((c.age - 16) / 8));
    if (cr.chance(0.011)) c.age = std::numeric_limits<float>::quiet_NaN();
    c.club = uint8_t(pick(cr, kClubShare));
    c.news = uint8_t(pick(cr, kNewsShare));
    c.fn = cr.chance(0.345) ? 1 : -1;
    c.active = c.fn == 1 ? (cr.chance(0.96) ? 1 : -1) : (cr.chance(0.01) ? 1 : -1);
    c.postal = int32_t(double(n_postal) * std::pow(cr.uniform(), 3.0));
    for (int k = 0; k < kDim; ++k)
      c.u[k] = A[size_t(bucket)][k] + B[c.club][k] + C[c.news][k] + (c.fn == 1 ? F[1][k] : F[0][k]) +
               float(1.0 * cr.normal());
    bool young = bucket <= 1;
    c.beta = float((young ? 0.6 : 0.25) * (0.5 + cr.uniform()));
    c.p_online = float(std::clamp(0.7 + 0.25 * cr.normal(), 0.02, 0.98));
    c.r_rep = float((0.005 + 0.055 * cr.uniform()) * cfg.repurchase);
    c.q_same = float((0.01 + 0.07 * cr.uniform()) * cfg.repurchase);
    if (c.r_rep + c.q_same > 0.9f) {  // strong habits still leave room for new choices
      const float s = 0.9f / (c.r_rep + c.q_same);
      c.r_rep *= s, c.q_same *= s;
    }
    raw[i] = cr.chance(0.01) ? 0 : std::exp(1.4 * cr.normal());
    double start = cr.uniform() * 1.2 - 0.3;
    c.start = std::clamp(int32_t(start * w.days), 0, w.days - 1);
    if (cfg.new_customers > 0 && cr.chance(cfg.new_customers))
      c.start = std::max(0, w.days - 28 + int32_t(cr.below(28)));
    double life = -std::log(1 - cr.uniform()) * 0.6 * w.days;
    c.end = std::clamp(int32_t(c.start + life), c.start, w.days - 1);
  });
  // Exactly cfg.purchases items: scale, floor (at least 1), then hand out the remainder.
  double total = std::accumulate(raw.begin(), raw.end(), 0.0);
  double scale = total > 0 ? double(cfg.purchases) / total : 0;
  int64_t sum = 0;
  for (size_t i = 0; i < raw.size(); ++i) {
    w.customers[i].n_items = raw[i] > 0 ? std::max<int32_t>(1, int32_t(raw[i] * scale)) : 0;
    sum += w.customers[i].n_items;
  }
  bool changed = true;
  while (sum != cfg.purchases && changed) {  // stops if the target cannot be met (1 item each)
    changed = false;
    for (size_t i = 0; i < raw.size() && sum != cfg.purchases; ++i) {
      Customer& c = w.customers[i];
      if (sum < cfg.purchases && raw[i] > 0)
        ++c.n_items, ++sum, changed = true;
      else if (sum > cfg.purchases && c.n_items > 1)
        --c.n_items, --sum, changed = true;
    }
  }
  std::sort(w.customers.begin(), w.customers.end(), [](const Customer& a, const Customer& b) { return a.id < b.id; });

  // Popularity by week, as alias tables over the alive articles.
  int32_t n_weeks = (w.days + 6) / 7;
  w.weeks.resize(size_t(n_weeks));
  parallel_for(size_t(n_weeks), threads, [&](size_t wk) {
    WeekSampler& s = w.weeks[wk];
    int32_t mid = std::max(0, w.days - 1 - int32_t(wk) * 7 - 3);
    for (size_t a = 0; a < w.articles.size(); ++a) {
      double p = w.popularity(w.articles[a], mid);
      if (p > 0) {
        s.article.push_back(int32_t(a));
        s.weight.push_back(float(p));
      }
    }
    if (s.article.empty()) {  // never empty: the most popular article stands in
      s.article.push_back(0);
      s.weight.push_back(1);
    }
    size_t n = s.article.size();
    double tot = std::accumulate(s.weight.begin(), s.weight.end(), 0.0);
    std::vector<double> q(n);
    std::vector<int32_t> small, large;
    for (size_t i = 0; i < n; ++i) {
      q[i] = s.weight[i] * double(n) / tot;
      (q[i] < 1 ? small : large).push_back(int32_t(i));
    }
    s.prob.assign(n, 1.f);
    s.alias.assign(n, 0);
    while (!small.empty() && !large.empty()) {
      int32_t l = small.back(), g = large.back();
      small.pop_back();
      s.prob[size_t(l)] = float(q[size_t(l)]);
      s.alias[size_t(l)] = g;
      q[size_t(g)] -= 1 - q[size_t(l)];
      if (q[size_t(g)] < 1) {
        large.pop_back();
        small.push_back(g);
      }
    }
    for (auto i : small) s.alias[size_t(i)] = i;
    for (auto i : large) s.alias[size_t(i)] = i;
  });
  return w;
}

}  // namespace fr::synth
