#include "model/train_data.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "core/error.h"
#include "core/parallel.h"
#include "features/features_stage.h"
#include "features/transform.h"

namespace fr {

void pair_input(const float* raw, float* out) {
  for (size_t k = 0; k < PairFeaturizer::kDim; ++k) {
    float v = raw[k];
    bool missing = std::isnan(v);
    out[2 * k] = missing ? 0.f : std::copysign(std::log1p(std::fabs(v)), v);
    out[2 * k + 1] = missing ? 1.f : 0.f;
  }
}

namespace {

// splitmix64: a batch's random draws depend only on (seed, what, epoch, batch), so any loader
// thread can make any batch and a resumed run draws exactly what an unbroken one would.
uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}
uint64_t seed_of(int64_t seed, uint64_t what, int64_t a, int64_t b) {
  return mix(mix(mix(uint64_t(seed) ^ what) ^ uint64_t(a)) ^ uint64_t(b));
}

}  // namespace

FeatureRows mapped_rows(const Artifact& a, const std::string& prefix, size_t rows) {
  FeatureRows r;
  r.x = a.column<float>(prefix + ".x");
  r.idx = a.column<int32_t>(prefix + ".idx");
  r.dim = rows ? r.x.size() / rows : 0;
  r.n_index = rows ? r.idx.size() / rows : 0;
  return r;
}

FeatureRows computed_rows(const RawTable& t, const FeatureTransform& tr, int threads) {
  FeatureRows r;
  tr.apply(t, r.own_x, r.own_idx, threads);
  r.x = r.own_x;
  r.idx = r.own_idx;
  r.dim = tr.dim();
  r.n_index = tr.n_index();
  return r;
}

void fill_history(const Dataset& d, std::span<const uint32_t> rows, int32_t before_day, int64_t H, double half_life,
                  int64_t* ids, float* w) {
  for (int64_t k = 0; k < H; ++k) ids[k] = -1, w[k] = 0.f;
  auto stop = std::lower_bound(rows.begin(), rows.end(), before_day,
                               [&](uint32_t row, int32_t day) { return d.tx_day[row] < day; });
  int64_t k = 0;
  for (auto it = stop; it != rows.begin() && k < H; ++k) {
    uint32_t row = *--it;
    ids[k] = d.tx_article[row];
    w[k] = float(std::exp2(-double(before_day - d.tx_day[row]) / half_life));
  }
}

TrainData::TrainData(const Workspace& ws, const TrainConfig& c, int threads)
    : c_(c),
      threads_(resolve_threads(threads)),
      d_(Dataset::load(ws.path(kDatasetFile))),
      features_(Artifact::open(ws.path(kFeaturesFile), kFeaturesArtifact, kFeaturesVersion)) {
  split_ = load_split(ws, &truth_);
  if (features_.meta().value("as_of_day", -1) != split_.val_start)
    throw ArtifactError(ws.path(kFeaturesFile), "made for another split: run fashionrec features again");
  const size_t nc = size_t(d_.n_customers()), na = size_t(d_.n_articles());
  cust_ = mapped_rows(features_, "cust", nc);
  art_ = mapped_rows(features_, "art", na);

  // Training purchases per customer in time order (file order is time order in H&M data,
  // but nothing here relies on it).
  by_customer_ = group_train_rows(d_, split_, true);
  parallel_for((nc + 4095) / 4096, threads_, [&](size_t blk) {
    for (size_t cu = blk * 4096; cu < std::min(nc, (blk + 1) * 4096); ++cu)
      std::stable_sort(by_customer_.rows.begin() + long(by_customer_.offsets[cu]),
                       by_customer_.rows.begin() + long(by_customer_.offsets[cu + 1]),
                       [&](uint32_t a, uint32_t b) { return d_.tx_day[a] < d_.tx_day[b]; });
  });
  {
    GroupedRows by_article = group_train_rows(d_, split_, false);
    art_offsets_ = std::move(by_article.offsets);
    art_days_.resize(by_article.rows.size());
    parallel_for((na + 4095) / 4096, threads_, [&](size_t blk) {
      for (size_t a = blk * 4096; a < std::min(na, (blk + 1) * 4096); ++a) {
        for (uint64_t k = art_offsets_[a]; k < art_offsets_[a + 1]; ++k) art_days_[k] = d_.tx_day[by_article.rows[k]];
        std::sort(art_days_.begin() + long(art_offsets_[a]), art_days_.begin() + long(art_offsets_[a + 1]));
      }
    });
  }
  if (c.popularity_bias) {
    int32_t first = split_.val_start;
    for (int32_t day : art_days_) first = std::min(first, day);
    pop_weeks_ = (split_.val_start - first + 6) / 7 + 1;
    pop_table_.resize(size_t(pop_weeks_) * na * kArticleDynamic);
    parallel_for(size_t(pop_weeks_), threads_, [&](size_t w) {
      const int32_t start = split_.val_start - 7 * int32_t(pop_weeks_ - 1 - int64_t(w));
      for (size_t a = 0; a < na; ++a) fill_dynamic(int32_t(a), start, &pop_table_[(w * na + a) * kArticleDynamic]);
    });
  }
  const int32_t first_day = c.retrieval_days > 0 ? split_.val_start - int32_t(c.retrieval_days) : INT32_MIN;
  std::vector<double> sales(na, 0);
  for (size_t cu = 0; cu < nc; ++cu)
    for (uint64_t p = by_customer_.offsets[cu]; p < by_customer_.offsets[cu + 1]; ++p) {
      uint32_t row = by_customer_.rows[p];
      sales[size_t(d_.tx_article[row])] += 1;
      if (d_.tx_day[row] < first_day) continue;
      ex_pos_.push_back(uint32_t(p));
      ex_cust_.push_back(int32_t(cu));
    }
  if (ex_pos_.empty()) throw DataError("no training purchases to learn from (check the split and retrieval_days)");
  // logQ: each article's share of the examples, the probability it is an in-batch candidate.
  std::vector<double> ex_sales(na, 0);
  for (uint32_t p : ex_pos_) ex_sales[size_t(d_.tx_article[by_customer_.rows[p]])] += 1;
  log_q_.resize(na);
  for (size_t a = 0; a < na; ++a) log_q_[a] = float(std::log(std::max(ex_sales[a], 0.5) / double(ex_pos_.size())));
  popularity_cum_.resize(na);
  std::partial_sum(sales.begin(), sales.end(), popularity_cum_.begin());

  // The popularity baseline: the best sellers of the last 7 training days.
  std::vector<int64_t> recent(na, 0);
  for (size_t i = 0; i < size_t(d_.n_transactions()); ++i)
    if (split_.is_train(d_.tx_day[i]) && d_.tx_day[i] >= split_.val_start - 7) ++recent[size_t(d_.tx_article[i])];
  size_t top = std::min<size_t>(na, size_t(std::max<int64_t>(c.candidates, 12)));
  auto best_sellers = [&](const auto& count) {
    std::vector<int32_t> out(na);
    std::iota(out.begin(), out.end(), 0);
    std::partial_sort(out.begin(), out.begin() + long(top), out.end(), [&](int32_t a, int32_t b) {
      return count[size_t(a)] != count[size_t(b)] ? count[size_t(a)] > count[size_t(b)] : a < b;
    });
    out.resize(top);
    return out;
  };
  popular_ = best_sellers(recent);
  popular_all_ = best_sellers(sales);

  // Evaluation customers: every k-th validation buyer, so the sample spans the id range.
  const size_t nv = truth_.customers.size();
  size_t want = c.eval_customers > 0 ? std::min(nv, size_t(c.eval_customers)) : nv;
  for (size_t k = 0; k < want; ++k) eval_.push_back(uint32_t(k * nv / want));
  eval_pairs_ = std::make_unique<PairFeaturizer>(d_, split_);

  // The ranker's label window and its features as of the window's first day.
  rank_split_ = {split_.val_start - int32_t(c.rank_days), split_.val_start - 1};
  rank_truth_ = validation_truth(d_, rank_split_);
  if (rank_truth_.customers.empty())
    spdlog::warn("train: no purchases in the ranker's {}-day label window", c.rank_days);
  auto ct = FeatureTransform::from_json(features_.meta().at("customer_transform"));
  auto at = FeatureTransform::from_json(features_.meta().at("article_transform"));
  RawTable rc = customer_features(d_, rank_split_, threads_);
  RawTable ra = article_features(d_, rank_split_, threads_);
  join_image_features(ws, d_, ra);
  rank_cust_ = computed_rows(rc, ct, threads_);
  rank_art_ = computed_rows(ra, at, threads_);
  if (rank_cust_.dim != cust_.dim || rank_art_.dim != art_.dim)
    throw ArtifactError(ws.path(kFeaturesFile), "its columns differ from today's features: run features again");
  rank_pairs_ = std::make_unique<PairFeaturizer>(d_, rank_split_);
  LabelledPairs base =
      sample_negatives(rank_truth_, d_, rank_split_, NegativeConfig{c.rank_negatives, "popularity", uint64_t(c.seed)});
  rank_cust_id_ = std::move(base.customer);
  rank_art_id_ = std::move(base.article);
  rank_label_.assign(base.label.begin(), base.label.end());
  featurize_pairs(0);
}

std::vector<int64_t> TrainData::customer_cardinality() const {
  return FeatureTransform::from_json(features_.meta().at("customer_transform")).index_cardinality();
}
std::vector<int64_t> TrainData::article_cardinality() const {
  return FeatureTransform::from_json(features_.meta().at("article_transform")).index_cardinality();
}

size_t TrainData::epoch_examples() const {
  return c_.max_examples > 0 ? std::min(n_examples(), size_t(c_.max_examples)) : n_examples();
}
size_t TrainData::batches_per_epoch() const {
  return (epoch_examples() + size_t(c_.batch_size) - 1) / size_t(c_.batch_size);
}
size_t TrainData::n_rank_positives() const { return size_t(std::count(rank_label_.begin(), rank_label_.end(), 1.f)); }
size_t TrainData::rank_batches() const {
  return (rank_label_.size() + size_t(c_.rank_batch_size) - 1) / size_t(c_.rank_batch_size);
}

std::shared_ptr<const std::vector<uint32_t>> TrainData::permutation(uint64_t salt, size_t n, size_t need) const {
  std::lock_guard lk(perm_mu_);  // the first thread to ask computes it; the others wait
  salt ^= mix(need);
  for (auto& [s, size, p] : perms_)
    if (s == salt && size == n) return p;
  // Fisher-Yates with our own generator (the same order on every standard library), from the
  // front: the first `need` entries are a uniform sample on their own, so an epoch capped by
  // max_examples shuffles only what it uses. The rest stays in order and is never read.
  auto p = std::make_shared<std::vector<uint32_t>>(n);
  std::iota(p->begin(), p->end(), 0u);
  uint64_t x = salt;
  const size_t upto = n == 0 ? 0 : std::min(need, n - 1);
  for (size_t i = 0; i < upto; ++i) {
    x = mix(x);
    std::swap((*p)[i], (*p)[i + size_t(x % (n - i))]);
  }
  if (perms_.size() >= 4) perms_.erase(perms_.begin());
  perms_.emplace_back(salt, n, p);
  return p;
}

void TrainData::fill_history(int32_t customer, int32_t before_day, int64_t* ids, float* w) const {
  std::span<const uint32_t> all(by_customer_.rows);
  size_t from = by_customer_.offsets[size_t(customer)], to = by_customer_.offsets[size_t(customer) + 1];
  fr::fill_history(d_, all.subspan(from, to - from), before_day, c_.history, c_.history_half_life, ids, w);
}

CustomerInputs TrainData::customer_inputs_template() const {
  CustomerInputs in;
  in.dense = int64_t(cust_.dim);
  in.n_index = int64_t(cust_.n_index);
  in.history = c_.history;
  return in;
}
ArticleInputs TrainData::article_inputs_template() const {
  ArticleInputs in;
  in.dense = int64_t(art_.dim) + kArticleDynamic;
  in.n_index = int64_t(art_.n_index);
  return in;
}

void TrainData::fill_customer_row(size_t i, int32_t customer, int32_t as_of_day, const FeatureRows& rows,
                                  CustomerInputs& out) const {
  size_t cu = size_t(customer);
  std::memcpy(&out.x[i * rows.dim], &rows.x[cu * rows.dim], rows.dim * sizeof(float));
  for (size_t j = 0; j < rows.n_index; ++j) out.idx[i * rows.n_index + j] = rows.idx[cu * rows.n_index + j];
  out.id[i] = int64_t(cu);
  fill_history(customer, as_of_day, &out.hist[i * size_t(c_.history)], &out.hist_w[i * size_t(c_.history)]);
}

void TrainData::fill_customers(std::span<const int32_t> customers, int32_t as_of_day, const FeatureRows& rows,
                               CustomerInputs& out) const {
  out.resize(int64_t(customers.size()));
  for (size_t i = 0; i < customers.size(); ++i) fill_customer_row(i, customers[i], as_of_day, rows, out);
}

int64_t TrainData::pop_week(int32_t day) const {
  // Week w covers [val_start - 7 * (W - 1 - w), + 7): floor division of the days from val_start.
  const int32_t rel = day - split_.val_start;
  const int64_t w = pop_weeks_ - 1 + int64_t(rel >= 0 ? rel / 7 : -((-rel + 6) / 7));
  return std::clamp<int64_t>(w, 0, pop_weeks_ - 1);
}

void TrainData::fill_dynamic(int32_t article, int32_t day, float* out) const {
  auto begin = art_days_.begin() + long(art_offsets_[size_t(article)]);
  auto end = art_days_.begin() + long(art_offsets_[size_t(article) + 1]);
  auto stop = std::lower_bound(begin, end, day);  // sales strictly before the day
  auto since = [&](int32_t d) { return double(stop - std::lower_bound(begin, stop, d)); };
  double s7 = since(day - 7), s14 = since(day - 14), s28 = since(day - 28);
  out[0] = float(std::log1p(s7) / 5);
  out[1] = float(std::log1p(s28) / 5);
  out[2] = float((std::log1p(s7) - std::log1p(s14 - s7)) / 5);
  out[3] = stop == begin ? 0.f : float(std::log1p(double(day - *begin)) / 5);
  out[4] = stop == begin ? 1.f : 0.f;
}

void TrainData::fill_articles(std::span<const int32_t> articles, std::span<const int32_t> days, const FeatureRows& rows,
                              ArticleInputs& out) const {
  out.resize(int64_t(articles.size()));
  const size_t w = size_t(out.dense);
  for (size_t i = 0; i < articles.size(); ++i) {
    size_t a = size_t(articles[i]);
    std::memcpy(&out.x[i * w], &rows.x[a * rows.dim], rows.dim * sizeof(float));
    fill_dynamic(articles[i], days.size() == 1 ? days[0] : days[i], &out.x[i * w + rows.dim]);
    for (size_t j = 0; j < rows.n_index; ++j) out.idx[i * rows.n_index + j] = rows.idx[a * rows.n_index + j];
    out.id[i] = int64_t(a);
  }
}

TrainBatch TrainData::make_batch(int64_t epoch, int64_t b, int64_t step, bool with_rank) const {
  // The epoch's order is a permutation of all examples; max_examples takes its head.
  auto order = permutation(seed_of(c_.seed, 1, epoch, 0), n_examples(), epoch_examples());
  const size_t from = size_t(b) * size_t(c_.batch_size);
  const size_t to = std::min(epoch_examples(), from + size_t(c_.batch_size));
  if (from >= to) throw InternalError("batch " + std::to_string(b) + " is past the epoch's end");
  TrainBatch out;
  out.index = b;
  RetrievalBatchData& r = out.retrieval;
  r.customers = customer_inputs_template();
  r.articles = article_inputs_template();
  const size_t B = to - from, N = size_t(c_.extra_negatives);
  r.customers.resize(int64_t(B));
  std::vector<int32_t> arts(B + N), days(B + N);
  for (size_t i = 0; i < B; ++i) {
    uint32_t e = (*order)[from + i];
    uint32_t row = by_customer_.rows[ex_pos_[e]];
    arts[i] = d_.tx_article[row];
    days[i] = d_.tx_day[row];
    fill_customer_row(i, ex_cust_[e], d_.tx_day[row], cust_, r.customers);  // history before that day
  }
  if (c_.popularity_bias) {
    r.row_week.resize(B);
    for (size_t i = 0; i < B; ++i) r.row_week[i] = pop_week(days[i]);
  }
  if (N > 0) {
    std::mt19937_64 rng(seed_of(c_.seed, 2, epoch, b));
    const size_t na = log_q_.size();
    std::uniform_real_distribution<double> unit(0, 1);
    for (size_t k = 0; k < N; ++k) {
      size_t a = c_.extra_negative_sampling == "uniform"
                     ? size_t(rng() % na)
                     : size_t(std::upper_bound(popularity_cum_.begin(), popularity_cum_.end(),
                                               unit(rng) * popularity_cum_.back()) -
                              popularity_cum_.begin());
      arts[B + k] = int32_t(std::min(a, na - 1));
      days[B + k] = days[k % B];
    }
  }
  fill_articles(arts, days, art_, r.articles);
  // Accidental hits: sort the columns by article, then each row's positive finds its twins.
  std::vector<std::pair<int32_t, int32_t>> by_article(B + N);
  for (size_t j = 0; j < B + N; ++j) by_article[j] = {arts[j], int32_t(j)};
  std::sort(by_article.begin(), by_article.end());
  for (size_t i = 0; i < B; ++i) {
    auto it = std::lower_bound(by_article.begin(), by_article.end(), std::make_pair(arts[i], INT32_MIN));
    for (; it != by_article.end() && it->first == arts[i]; ++it)
      if (size_t(it->second) != i) r.hit_rows.push_back(int64_t(i)), r.hit_cols.push_back(it->second);
  }
  r.log_q.resize(B + N);
  for (size_t i = 0; i < B + N; ++i) {
    // Extra negatives are drawn by their own distribution: their q is that draw's probability.
    if (i < B || c_.extra_negative_sampling == "popularity")
      r.log_q[i] = log_q_[size_t(arts[i])];
    else
      r.log_q[i] = float(-std::log(double(log_q_.size())));
  }
  if (with_rank && !rank_label_.empty()) {
    int64_t nb = int64_t(rank_batches());
    out.rank = make_rank_batch(step / nb, step % nb);
  }
  return out;
}

RankBatchData TrainData::make_rank_batch(int64_t pass, int64_t r) const {
  auto order = permutation(seed_of(c_.seed, 3, pass, 0), rank_label_.size(), rank_label_.size());
  const auto& perm = *order;
  const size_t from = size_t(r) * size_t(c_.rank_batch_size);
  const size_t to = std::min(perm.size(), from + size_t(c_.rank_batch_size));
  RankBatchData out;
  out.customers = customer_inputs_template();
  out.articles = article_inputs_template();
  const size_t n = to > from ? to - from : 0;
  std::vector<int32_t> cs(n), as(n);
  out.pair.resize(n * kPairInputDim);
  out.label.resize(n);
  for (size_t i = 0; i < n; ++i) {
    uint32_t p = perm[from + i];
    cs[i] = rank_cust_id_[p];
    as[i] = rank_art_id_[p];
    out.label[i] = rank_label_[p];
    pair_input(&rank_raw_[size_t(p) * PairFeaturizer::kDim], &out.pair[i * kPairInputDim]);
  }
  fill_customers(cs, rank_split_.val_start, rank_cust_, out.customers);
  const int32_t day = rank_split_.val_start;
  fill_articles(as, std::span(&day, 1), rank_art_, out.articles);
  return out;
}

void TrainData::featurize_pairs(size_t from) {
  const size_t n = rank_label_.size();
  rank_raw_.resize(n * PairFeaturizer::kDim);
  parallel_for((n - from + 4095) / 4096, threads_, [&](size_t blk) {
    for (size_t i = from + blk * 4096; i < std::min(n, from + (blk + 1) * 4096); ++i)
      rank_pairs_->compute(rank_cust_id_[i], rank_art_id_[i], &rank_raw_[i * PairFeaturizer::kDim]);
  });
}

void TrainData::set_mined_pairs(std::vector<int32_t> customer, std::vector<int32_t> article, std::vector<float> label) {
  if (customer.size() != article.size() || customer.size() != label.size())
    throw InternalError("mined pairs: customers, articles and labels differ in size");
  rank_cust_id_ = std::move(customer);
  rank_art_id_ = std::move(article);
  rank_label_ = std::move(label);
  mined_ = true;
  featurize_pairs(0);
}

int32_t TrainData::draw_popular(std::mt19937_64& rng) const {
  double u = std::uniform_real_distribution<double>(0, popularity_cum_.back())(rng);
  auto a = size_t(std::upper_bound(popularity_cum_.begin(), popularity_cum_.end(), u) - popularity_cum_.begin());
  return int32_t(std::min(a, popularity_cum_.size() - 1));
}

}  // namespace fr
