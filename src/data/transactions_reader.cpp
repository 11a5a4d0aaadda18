#include "data/transactions_reader.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <thread>

#include "data/parse.h"

#include <spdlog/spdlog.h>

namespace fr {
namespace {

/// Ids not in the metadata are stored as -1 - (index in this chunk's new_* table) until
/// the chunks are merged.
class TxHandler : public RowHandler {
 public:
  TxHandler(const StringIdIndex& c, const IntIdIndex& a, size_t expected_rows) : customers_(c), articles_(a) {
    day.reserve(expected_rows);
    customer.reserve(expected_rows);
    article.reserve(expected_rows);
    price.reserve(expected_rows);
    channel.reserve(expected_rows);
  }

  void row(std::span<const std::string_view> f) override {
    int32_t d;
    if (f[0].size() == 10 && std::memcmp(f[0].data(), last_date_, 10) == 0) {
      d = last_day_;
    } else {
      if (!parse_date(f[0], d)) throw RowError{0, "not a date (YYYY-MM-DD): '" + std::string(f[0]) + "'"};
      if (f[0].size() == 10) std::memcpy(last_date_, f[0].data(), 10);
      last_day_ = d;
    }
    if (f[1].empty()) throw RowError{1, "empty customer_id"};
    int64_t aid;
    if (!parse_article_id(f[2], aid))
      throw RowError{2, "article_id is not a number of 1 to 10 digits: '" + std::string(f[2]) + "'"};
    float p;
    if (!parse_float(f[3], p)) throw RowError{3, "price is not a number: '" + std::string(f[3]) + "'"};
    int64_t ch;
    if (!parse_int(f[4], ch) || ch < 0 || ch > 127)
      throw RowError{4, "sales_channel_id is not a small integer: '" + std::string(f[4]) + "'"};

    Pending& q = pend_[n_pend_++];
    q = Pending{d, f[1], aid, p, int8_t(ch), f[2].size() < 10};
    if (n_pend_ == pend_.size()) flush();
  }

  /// Resolves the pending rows' ids in a batch: the hash-table slots and keys of all of them
  /// are prefetched first, so their cache misses overlap instead of following each other.
  void flush() override {
    uint64_t h[kBatch];
    for (size_t i = 0; i < n_pend_; ++i) {
      h[i] = StringIdIndex::hash(pend_[i].customer);
      customers_.prefetch_slot(h[i]);
      new_customers.prefetch_slot(h[i]);
      articles_.prefetch(pend_[i].article);
    }
    for (size_t i = 0; i < n_pend_; ++i) {
      customers_.prefetch_key(h[i]);
      new_customers.prefetch_key(h[i]);
    }
    for (size_t i = 0; i < n_pend_; ++i) {
      const Pending& q = pend_[i];
      int32_t c = customers_.find(q.customer, h[i]);
      if (c < 0) c = -1 - new_customers.insert(q.customer, h[i]);
      int32_t a = articles_.find(q.article);
      if (a < 0) a = -1 - new_articles.insert(q.article);
      if (q.short_id) ++short_ids;
      if (!day.empty() && day.back() == q.day && customer.back() == c && article.back() == a &&
          price.back() == q.price && channel.back() == q.channel)
        ++repeated;
      day.push_back(q.day);
      customer.push_back(c);
      article.push_back(a);
      price.push_back(q.price);
      channel.push_back(q.channel);
      min_day = std::min(min_day, q.day);
      max_day = std::max(max_day, q.day);
    }
    n_pend_ = 0;
  }

  struct Pending {
    int32_t day;
    std::string_view customer;  // into the reader's buffer: valid until flush()
    int64_t article;
    float price;
    int8_t channel;
    bool short_id;
  };
  static constexpr size_t kBatch = 16;
  std::array<Pending, kBatch> pend_;
  size_t n_pend_ = 0;

  const StringIdIndex& customers_;
  const IntIdIndex& articles_;
  char last_date_[10] = {};
  int32_t last_day_ = 0;
  std::vector<int32_t> day, customer, article;
  std::vector<float> price;
  std::vector<int8_t> channel;
  StringIdIndex new_customers;
  IntIdIndex new_articles;
  int64_t short_ids = 0, repeated = 0;
  int32_t min_day = std::numeric_limits<int32_t>::max(), max_day = std::numeric_limits<int32_t>::min();
};

}  // namespace

TransactionChunks read_transactions(const std::string& path, StringIdIndex& customers, IntIdIndex& articles,
                                    const CsvOptions& opt) {
  TransactionChunks out;
  size_t expected = opt.chunk_bytes / 90 + 1024;
  auto handlers = read_csv(
      path, {"t_dat", "customer_id", "article_id", "price", "sales_channel_id"}, opt,
      [&](size_t) { return std::make_unique<TxHandler>(customers, articles, expected); }, out.report);
  spdlog::debug("transactions: {} chunks parsed", handlers.size());
  // Give ids to the customers and articles seen only here, in file order, then patch the
  // placeholders (in parallel: it touches every row).
  std::vector<std::vector<int32_t>> cust_map(handlers.size()), art_map(handlers.size());
  out.min_day = std::numeric_limits<int32_t>::max();
  out.max_day = std::numeric_limits<int32_t>::min();
  for (size_t i = 0; i < handlers.size(); ++i) {
    auto& h = static_cast<TxHandler&>(*handlers[i]);
    if (i == 0 && customers.size() == 0) {
      // No metadata ids: chunk 0's new ids are the first ids, in the same order. Take its
      // table as is instead of inserting 1 M keys again.
      cust_map[i].resize(h.new_customers.size());
      for (size_t k = 0; k < cust_map[i].size(); ++k) cust_map[i][k] = int32_t(k);
      customers = std::move(h.new_customers);
      h.new_customers = StringIdIndex{};
    } else {
      cust_map[i] = customers.insert_all(h.new_customers);
    }
    for (size_t k = 0; k < h.new_articles.size(); ++k)
      art_map[i].push_back(articles.insert(h.new_articles.key(int32_t(k))));
    out.short_article_ids += h.short_ids;
    out.repeated_rows += h.repeated;
    if (!h.day.empty()) {
      out.min_day = std::min(out.min_day, h.min_day);
      out.max_day = std::max(out.max_day, h.max_day);
    }
  }
  spdlog::debug("transactions: new ids merged");
  std::atomic<size_t> next{0};
  auto patch = [&] {
    for (size_t i; (i = next.fetch_add(1)) < handlers.size();) {
      auto& h = static_cast<TxHandler&>(*handlers[i]);
      for (auto& c : h.customer)
        if (c < 0) c = cust_map[i][size_t(-1 - c)];
      for (auto& a : h.article)
        if (a < 0) a = art_map[i][size_t(-1 - a)];
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < opt.threads; ++t) pool.emplace_back(patch);
  patch();
  for (auto& t : pool) t.join();
  for (auto& hp : handlers) {
    auto& h = static_cast<TxHandler&>(*hp);
    out.rows += int64_t(h.day.size());
    out.day.push_back(std::move(h.day));
    out.customer.push_back(std::move(h.customer));
    out.article.push_back(std::move(h.article));
    out.price.push_back(std::move(h.price));
    out.channel.push_back(std::move(h.channel));
    hp.reset();
  }
  if (out.rows == 0) out.min_day = out.max_day = 0;
  return out;
}

}  // namespace fr
