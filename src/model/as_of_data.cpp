#include "model/as_of_data.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <numeric>

#include "core/error.h"
#include "core/parallel.h"
#include "features/features_stage.h"
#include "features/raw_features.h"
#include "features/transform.h"
#include "image/image_artifact.h"

namespace fr {

namespace {

std::vector<int32_t> top_by(const std::vector<double>& score, size_t n) {
  std::vector<int32_t> out;
  for (size_t a = 0; a < score.size(); ++a)
    if (score[a] > 0) out.push_back(int32_t(a));
  n = std::min(n, out.size());
  std::partial_sort(out.begin(), out.begin() + long(n), out.end(), [&](int32_t a, int32_t b) {
    return score[size_t(a)] != score[size_t(b)] ? score[size_t(a)] > score[size_t(b)] : a < b;
  });
  out.resize(n);
  return out;
}

}  // namespace

AsOfData::AsOfData(const Workspace& ws, const Dataset& d, const Split& validation, When when, int threads) : d_(d) {
  features_ = std::make_unique<Artifact>(Artifact::open(ws.path(kFeaturesFile), kFeaturesArtifact, kFeaturesVersion));
  if (when == When::kValidation) {
    split_ = validation;
    rows_ = mapped_rows(*features_, "cust", size_t(d.n_customers()));
  } else {
    int32_t last = validation.val_end;
    for (int32_t day : d.tx_day) last = std::max(last, day);
    split_ = {last + 1, last + 1};
    auto ct = FeatureTransform::from_json(features_->meta().at("customer_transform"));
    rows_ = computed_rows(customer_features(d, split_, threads), ct, threads);
  }
  build(threads);
  load_pictures(ws, threads);
}

AsOfData::AsOfData(const Dataset& d, const Split& as_of, const FeatureRows& rows, int threads) : d_(d), split_(as_of) {
  rows_.x = rows.x;
  rows_.idx = rows.idx;
  rows_.dim = rows.dim;
  rows_.n_index = rows.n_index;
  build(threads);
}

void AsOfData::build(int threads) {
  const Dataset& d = d_;
  const size_t nc = size_t(d.n_customers()), na = size_t(d.n_articles());
  pairs_ = std::make_unique<PairFeaturizer>(d, split_);
  by_customer_ = group_train_rows(d, split_, true);
  parallel_for((nc + 4095) / 4096, resolve_threads(threads), [&](size_t blk) {
    for (size_t cu = blk * 4096; cu < std::min(nc, (blk + 1) * 4096); ++cu)
      std::stable_sort(by_customer_.rows.begin() + long(by_customer_.offsets[cu]),
                       by_customer_.rows.begin() + long(by_customer_.offsets[cu + 1]),
                       [&](uint32_t a, uint32_t b) { return d.tx_day[a] < d.tx_day[b]; });
  });

  // Popularity: last 7 days overall and per age bucket, and time-decayed.
  const int32_t day = split_.val_start;
  const size_t n_buckets = age_bucket_names().size();
  std::vector<double> week(na, 0), decay(na, 0);
  std::vector<std::vector<double>> by_bucket(n_buckets, std::vector<double>(na, 0));
  for (size_t i = 0; i < size_t(d.n_transactions()); ++i) {
    int32_t t = d.tx_day[i];
    if (t >= day) continue;
    size_t a = size_t(d.tx_article[i]);
    decay[a] += std::exp2(-double(day - t) / 7.0);
    if (t < day - 7) continue;
    week[a] += 1;
    int b = age_bucket(d.age[size_t(d.tx_customer[i])]);
    if (b >= 0) by_bucket[size_t(b)][a] += 1;
  }
  last_week_ = top_by(week, kListLength);
  decayed_ = top_by(decay, kListLength);
  for (auto& s : by_bucket) {
    age_popular_.push_back(top_by(s, kListLength));
    // A thin bucket is topped up with the overall list, so every list has kListLength entries.
    auto& l = age_popular_.back();
    for (int32_t a : last_week_) {
      if (l.size() >= kListLength) break;
      if (std::find(l.begin(), l.end(), a) == l.end()) l.push_back(a);
    }
  }

  // Co-purchases: pairs within one customer's day, 90 days back (a basket capped at 30 items).
  std::vector<uint64_t> pairs;
  for (size_t cu = 0; cu < nc; ++cu) {
    auto rows = purchases(int32_t(cu));
    auto first =
        std::lower_bound(rows.begin(), rows.end(), day - 90, [&](uint32_t r, int32_t t) { return d.tx_day[r] < t; });
    for (auto it = first; it != rows.end();) {
      auto end = it;
      while (end != rows.end() && d.tx_day[*end] == d.tx_day[*it]) ++end;
      std::vector<int32_t> basket;
      for (auto p = it; p != end && basket.size() < 30; ++p) basket.push_back(d.tx_article[*p]);
      std::sort(basket.begin(), basket.end());
      basket.erase(std::unique(basket.begin(), basket.end()), basket.end());
      for (int32_t a : basket)
        for (int32_t b : basket)
          if (a != b) pairs.push_back(uint64_t(uint32_t(a)) << 32 | uint32_t(b));
      it = end;
    }
  }
  std::sort(pairs.begin(), pairs.end());
  co_offsets_.assign(na + 1, 0);
  std::vector<std::pair<uint32_t, int32_t>> best;  // (count, article) of the current article
  auto flush = [&](uint32_t a) {
    size_t n = std::min(kCoBought, best.size());
    std::partial_sort(best.begin(), best.begin() + long(n), best.end(),
                      [](auto& x, auto& y) { return x.first != y.first ? x.first > y.first : x.second < y.second; });
    for (size_t k = 0; k < n; ++k) co_articles_.push_back(best[k].second);
    co_offsets_[a + 1] = uint32_t(co_articles_.size());
    best.clear();
  };
  uint32_t current = 0;
  for (size_t i = 0; i < pairs.size();) {
    uint32_t a = uint32_t(pairs[i] >> 32);
    while (current < a) flush(current++);
    size_t j = i;
    while (j < pairs.size() && pairs[j] == pairs[i]) ++j;
    best.emplace_back(uint32_t(j - i), int32_t(uint32_t(pairs[i])));
    i = j;
  }
  while (current < na) flush(current++);
  build_article_stats();
}

void AsOfData::build_article_stats() {
  const Dataset& d = d_;
  const size_t na = size_t(d.n_articles());
  const int32_t day = split_.val_start;
  sales1_.assign(na, 0), sales7_.assign(na, 0), sales28_.assign(na, 0), prev7_.assign(na, 0);
  first_day_.assign(na, kMissingInt);
  for (size_t i = 0; i < size_t(d.n_transactions()); ++i) {
    const int32_t t = d.tx_day[i];
    if (t >= day) continue;
    const size_t a = size_t(d.tx_article[i]);
    if (first_day_[a] == kMissingInt || t < first_day_[a]) first_day_[a] = t;
    if (t >= day - 1) sales1_[a] += 1;
    if (t >= day - 7) sales7_[a] += 1;
    if (t >= day - 28) sales28_[a] += 1;
    if (t >= day - 14 && t < day - 7) prev7_[a] += 1;
  }
  std::vector<double> growth(na);
  for (size_t a = 0; a < na; ++a) growth[a] = double(sales7_[a]) - double(prev7_[a]);
  trending_ = top_by(growth, kListLength);

  // Products: articles sorted by (product code, 28-day sales desc, id).
  auto codes = d.article_int("product_code");
  std::vector<int32_t> order(na);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int32_t x, int32_t y) {
    if (codes[size_t(x)] != codes[size_t(y)]) return codes[size_t(x)] < codes[size_t(y)];
    if (sales28_[size_t(x)] != sales28_[size_t(y)]) return sales28_[size_t(x)] > sales28_[size_t(y)];
    return x < y;
  });
  by_product_ = order;
  product_at_.assign(na, 0), product_end_.assign(na, 0);
  for (size_t i = 0; i < na;) {
    size_t j = i;
    while (j < na && codes[size_t(order[j])] == codes[size_t(order[i])]) ++j;
    for (size_t k = i; k < j; ++k) {
      // A missing code is no product: such articles have no siblings.
      bool missing = codes[size_t(order[k])] == kMissingInt;
      product_at_[size_t(order[k])] = uint32_t(missing ? k : i);
      product_end_[size_t(order[k])] = uint32_t(missing ? k : j);
    }
    i = j;
  }

  // Departments: dense indexes of department_no, each with its last week's best sellers.
  auto dno = d.article_int("department_no");
  std::map<int32_t, int32_t> dense;
  dept_.assign(na, -1);
  for (size_t a = 0; a < na; ++a)
    if (dno[a] != kMissingInt) dept_[a] = dense.emplace(dno[a], int32_t(dense.size())).first->second;
  dept_popular_.assign(dense.size(), {});
  for (size_t a = 0; a < na; ++a)
    if (dept_[a] >= 0 && sales7_[a] > 0) dept_popular_[size_t(dept_[a])].push_back(int32_t(a));
  for (auto& l : dept_popular_) {
    size_t n = std::min(kDepartmentList, l.size());
    std::partial_sort(l.begin(), l.begin() + long(n), l.end(), [&](int32_t x, int32_t y) {
      if (sales7_[size_t(x)] != sales7_[size_t(y)]) return sales7_[size_t(x)] > sales7_[size_t(y)];
      return x < y;
    });
    l.resize(n);
  }
}

std::span<const int32_t> AsOfData::same_product(int32_t a) const {
  return std::span<const int32_t>(by_product_)
      .subspan(product_at_[size_t(a)], product_end_[size_t(a)] - product_at_[size_t(a)]);
}

void AsOfData::set_pictures(std::vector<float> unit_vectors, size_t dim, std::vector<uint8_t> has, int threads) {
  const size_t na = size_t(d_.n_articles());
  if (dim == 0 || unit_vectors.size() != na * dim || has.size() != na)
    throw InternalError("AsOfData::set_pictures: vectors of the wrong shape");
  picture_dim_ = dim;
  pictures_ = std::move(unit_vectors);
  has_picture_ = std::move(has);
  // Neighbours among the articles sold in the last 28 days (the ones worth proposing): an exact
  // search, O(active^2 * dim) (~20k active articles at full H&M scale: a few seconds).
  std::vector<int32_t> active;
  for (size_t a = 0; a < na; ++a)
    if (has_picture_[a] && sales28_[a] > 0) active.push_back(int32_t(a));
  std::vector<std::vector<int32_t>> nb(na);
  parallel_for(active.size(), resolve_threads(threads), [&](size_t i) {
    const float* q = picture(active[i]);
    std::vector<std::pair<float, int32_t>> best;
    best.reserve(active.size());
    for (int32_t b : active) {
      if (b == active[i]) continue;
      const float* v = picture(b);
      float s = 0;
      for (size_t k = 0; k < dim; ++k) s += q[k] * v[k];
      best.emplace_back(-s, b);
    }
    size_t n = std::min(kPictureNeighbours, best.size());
    std::partial_sort(best.begin(), best.begin() + long(n), best.end());
    for (size_t k = 0; k < n; ++k) nb[size_t(active[i])].push_back(best[k].second);
  });
  nb_offsets_.assign(na + 1, 0);
  nb_articles_.clear();
  for (size_t a = 0; a < na; ++a) {
    nb_articles_.insert(nb_articles_.end(), nb[a].begin(), nb[a].end());
    nb_offsets_[a + 1] = uint32_t(nb_articles_.size());
  }
}

void AsOfData::load_pictures(const Workspace& ws, int threads) {
  if (!std::filesystem::exists(ws.path(kImageFile))) return;
  Artifact img = Artifact::open(ws.path(kImageFile), kImageArtifact, kImageVersion, true, threads);
  auto mask = img.column<uint8_t>("mask");
  auto pca = img.column<float>("pca");
  const size_t na = size_t(d_.n_articles());
  if (mask.size() != na || pca.empty() || pca.size() % na != 0)
    throw ArtifactError(ws.path(kImageFile), "made for another dataset: run fashionrec embed-images --force");
  const size_t dim = pca.size() / na;
  std::vector<float> unit(pca.begin(), pca.end());
  std::vector<uint8_t> has(mask.begin(), mask.end());
  for (size_t a = 0; a < na; ++a) {
    double norm = 0;
    for (size_t k = 0; k < dim; ++k) norm += double(unit[a * dim + k]) * unit[a * dim + k];
    if (norm <= 0) has[a] = 0;
    for (size_t k = 0; k < dim && norm > 0; ++k) unit[a * dim + k] = float(unit[a * dim + k] / std::sqrt(norm));
  }
  set_pictures(std::move(unit), dim, std::move(has), threads);
}

const float* AsOfData::picture(int32_t a) const {
  if (picture_dim_ == 0 || !has_picture_[size_t(a)]) return nullptr;
  return &pictures_[size_t(a) * picture_dim_];
}

std::span<const int32_t> AsOfData::picture_neighbours(int32_t a) const {
  if (nb_offsets_.empty()) return {};
  return std::span<const int32_t>(nb_articles_)
      .subspan(nb_offsets_[size_t(a)], nb_offsets_[size_t(a) + 1] - nb_offsets_[size_t(a)]);
}

std::span<const uint32_t> AsOfData::purchases(int32_t customer) const {
  size_t from = by_customer_.offsets[size_t(customer)], to = by_customer_.offsets[size_t(customer) + 1];
  return std::span<const uint32_t>(by_customer_.rows).subspan(from, to - from);
}

const std::vector<int32_t>& AsOfData::age_popular(int32_t customer) const {
  return customer < 0 ? last_week_ : age_popular_for(d_.age[size_t(customer)]);
}

const std::vector<int32_t>& AsOfData::age_popular_for(float age) const {
  int b = age_bucket(age);
  return b < 0 ? last_week_ : age_popular_[size_t(b)];
}

std::span<const int32_t> AsOfData::co_bought(int32_t article) const {
  return std::span<const int32_t>(co_articles_)
      .subspan(co_offsets_[size_t(article)], co_offsets_[size_t(article) + 1] - co_offsets_[size_t(article)]);
}

std::vector<std::pair<int32_t, float>> AsOfData::repurchase(int32_t customer, size_t max) const {
  std::vector<std::pair<int32_t, float>> all, out;
  if (customer < 0) return out;
  for (uint32_t r : purchases(customer))
    all.emplace_back(d_.tx_article[r], float(std::exp2(-double(split_.val_start - d_.tx_day[r]) / 30.0)));
  std::sort(all.begin(), all.end());
  for (auto& [a, w] : all)
    if (!out.empty() && out.back().first == a)
      out.back().second += w;
    else
      out.emplace_back(a, w);
  std::stable_sort(out.begin(), out.end(), [](auto& x, auto& y) { return x.second > y.second; });
  if (out.size() > max) out.resize(max);
  return out;
}

}  // namespace fr
