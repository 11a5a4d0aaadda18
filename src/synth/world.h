#pragma once
// The hidden world behind a synthetic data set: articles with a look, a taste vector and a
// popularity curve; customers with a taste vector, an activity window and habits. The
// purchase model (also used to write the truth):
//
//   P(next item = a | customer c, day t, history H) =
//       r_c * Repurchase(a | H, t) + q_c * SameProduct(a | H, t) + (1 - r_c - q_c) * Choice(a | c, t)
//   Choice(a | c, t) ∝ pop_a(week(t)) * exp(min(u_c . v_a / tau - beta_c * log(price_a / median), kMaxScore))
//
// Repurchase picks a past item with weight exp(-(t - day) / 90); SameProduct picks one the
// same way and then another colour of its product (falling back to Choice when there is
// none). Weeks count back from the last day: week 0 is the last 7 days.
#include <cstdint>
#include <string>
#include <vector>

#include "synth/synth.h"
#include "synth/vocab.h"

namespace fr::synth {

inline constexpr int kDim = 8;
inline constexpr float kTau = 1.2f;
inline constexpr float kMaxScore = 5.0f;

struct Article {
  int64_t id = 0;
  int32_t product = 0;  // index into World::products
  uint8_t type = 0, colour = 0, colour_meta = 0, appearance = 0, appearance_meta = 0, dept = 0;
  float shade = 0;  // hidden: lighter (>0) or darker (<0) than the colour's swatch
  int32_t sek = 0;  // list price in SEK; the CSV price is sek / 5900
  float base_pop = 0;
  int32_t launch = 0;   // day index (0 = first day), may be negative
  float half_life = 0;  // days
  float v[kDim] = {};
  float price_score = 0;  // -log(sek / median sek)
};

struct Product {
  int32_t code = 0;
  int32_t first = 0, count = 0;  // its articles are [first, first + count)
  std::string name, desc;
};

struct Customer {
  std::string id;  // 64 hex
  int8_t fn = -1, active = -1;
  uint8_t club = 0, news = 0;  // indexes into the vocabularies in world.cpp
  float age = 0;               // NaN = not given
  int32_t postal = 0;
  float u[kDim] = {};
  float beta = 0;      // price sensitivity
  float p_online = 0;  // sales channel 2
  float r_rep = 0, q_same = 0;
  int32_t n_items = 0;
  int32_t start = 0, end = 0;  // active days, inclusive
};

/// Alias table over the articles alive in one week, weighted by popularity.
struct WeekSampler {
  std::vector<int32_t> article;
  std::vector<float> prob;
  std::vector<int32_t> alias;
  std::vector<float> weight;  // popularity of article[i] this week
  int32_t draw(uint64_t r) const;
};

struct World {
  SynthConfig config;
  int32_t days = 0;
  std::vector<Article> articles;  // sorted by id
  std::vector<Product> products;
  std::vector<Customer> customers;  // sorted by id
  std::vector<std::string> postal_codes;
  std::vector<WeekSampler> weeks;  // weeks[w], w = (days - 1 - t) / 7
  float median_sek = 1;

  int32_t week_of(int32_t t) const { return (days - 1 - t) / 7; }
  /// The clipped choice score of article a for customer c.
  float score(const Customer& c, const Article& a) const;
  double popularity(const Article& a, int32_t t) const;
};

const char* club_name(uint8_t i);  // "" = empty field
const char* news_name(uint8_t i);

World build_world(const SynthConfig& c, int threads);

}  // namespace fr::synth
