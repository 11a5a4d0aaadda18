#include "synth/synth.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "core/artifact.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "data/parse.h"
#include "synth/picture.h"
#include "synth/rng.h"
#include "synth/world.h"

namespace fs = std::filesystem;
namespace fr::synth {

SynthConfig resolve_preset(const SynthConfig& in) {
  struct Preset {
    const char* name;
    int64_t customers, articles, purchases, days;
    bool images;
    int64_t top_k;
  };
  static const Preset presets[] = {
      {"tiny", 1000, 400, 20000, 182, true, 0},
      {"small", 20000, 5000, 500000, 365, true, 0},
      {"medium", 200000, 30000, 5000000, 734, false, 1000},
      {"hm-full", 1371980, 105542, 31788324, 734, false, 1000},
  };
  const Preset* p = nullptr;
  for (auto& x : presets)
    if (in.preset == x.name) p = &x;
  if (!p) throw UsageError("unknown preset '" + in.preset + "' (tiny, small, medium, hm-full)");
  SynthConfig c = in;
  check_settings(settings_table(&c), nlohmann::json(c));
  if (c.customers <= 0) c.customers = p->customers;
  if (c.articles <= 0) c.articles = p->articles;
  if (c.purchases <= 0) c.purchases = p->purchases;
  if (c.days <= 0) c.days = p->days;
  if (c.truth_top_k < 0) c.truth_top_k = p->top_k;
  if (c.images == "auto") c.images = p->images ? "yes" : "no";
  if (c.images != "yes" && c.images != "no") throw UsageError("images must be yes, no or auto");
  if (c.days < 14 || c.days > 20000) throw UsageError("days must be between 14 and 20000");
  if (c.image_width < 16 || c.image_width > 2048) throw UsageError("image_width must be between 16 and 2048");
  if (c.metadata_noise < 0 || c.metadata_noise > 1) throw UsageError("metadata_noise must be in [0, 1]");
  if (c.purchases < c.customers / 2) throw UsageError("purchases must be at least half the customers");
  return c;
}

namespace {

/// One purchase row (16 bytes). sek is the paid price in SEK; the CSV shows sek / 5900
/// (H&M's normalised prices: 0.0508 = 299.9 / 5900).
struct Rec {
  int16_t day;
  int8_t channel;
  int8_t pad;
  int32_t customer;
  int32_t article;
  int32_t sek;
};

struct TruthRow {
  int32_t customer;
  std::vector<std::pair<float, int32_t>> top;  // (prob, article), descending
};

bool in_sale(int32_t t) {
  int doy = ((t + 262) % 365 + 365) % 365;
  return (doy >= 175 && doy < 215) || doy >= 355 || doy < 20;
}

/// Picks one of the first n history items with weight exp(-(t - day) / 90). The weights
/// relative to each other do not depend on t, so a prefix sum of exp(day / 90) (kept in cum,
/// days counted from the customer's first day) makes each pick a binary search.
size_t pick_recent(Rng& r, const std::vector<double>& cum, size_t n) {
  double u = r.uniform() * cum[n - 1];
  return std::min(n - 1, size_t(std::upper_bound(cum.begin(), cum.begin() + ptrdiff_t(n), u) - cum.begin()));
}

int32_t choose(const World& w, const Customer& c, int32_t t, Rng& r) {
  const WeekSampler& s = w.weeks[size_t(w.week_of(t))];
  for (int tries = 0;; ++tries) {
    int32_t a = s.draw(r.next());
    float sc = w.score(c, w.articles[size_t(a)]);
    if (tries > 2000 || r.uniform() < std::exp(sc - kMaxScore)) return a;
  }
}

/// The purchase-model probability of every article for customer c at day t0, given the
/// history before t0 (world.h states the model).
TruthRow truth_row(const World& w, int32_t ci, const std::vector<std::pair<int32_t, int32_t>>& hist, int32_t t0,
                   int64_t top_k) {
  const Customer& c = w.customers[size_t(ci)];
  std::vector<float> p(w.articles.size(), 0.f);
  double choice_mass = 1;
  if (!hist.empty()) {
    double tot = 0;
    for (auto& h : hist) tot += std::exp(-(t0 - h.second) / 90.0);
    double same_single = 0;
    for (auto& h : hist) {
      double wi = std::exp(-(t0 - h.second) / 90.0) / tot;
      p[size_t(h.first)] += float(c.r_rep * wi);
      const Product& pr = w.products[size_t(w.articles[size_t(h.first)].product)];
      if (pr.count < 2) {
        same_single += wi;
        continue;
      }
      for (int32_t k = pr.first; k < pr.first + pr.count; ++k)
        if (k != h.first) p[size_t(k)] += float(c.q_same * wi / (pr.count - 1));
    }
    choice_mass = 1 - c.r_rep - c.q_same + c.q_same * same_single;
  }
  const WeekSampler& s = w.weeks[size_t(w.week_of(t0))];
  std::vector<double> e(s.article.size());
  double z = 0;
  for (size_t i = 0; i < s.article.size(); ++i) {
    e[i] = s.weight[i] * std::exp(double(w.score(c, w.articles[size_t(s.article[i])])));
    z += e[i];
  }
  for (size_t i = 0; i < s.article.size(); ++i) p[size_t(s.article[i])] += float(choice_mass * e[i] / z);
  TruthRow row{ci, {}};
  for (size_t a = 0; a < p.size(); ++a)
    if (p[a] > 0) row.top.push_back({p[a], int32_t(a)});
  auto cmp = [](auto& x, auto& y) { return x.first > y.first || (x.first == y.first && x.second < y.second); };
  if (top_k > 0 && int64_t(row.top.size()) > top_k) {
    std::partial_sort(row.top.begin(), row.top.begin() + top_k, row.top.end(), cmp);
    row.top.resize(size_t(top_k));
    row.top.shrink_to_fit();  // the capacity held every article: 8 bytes x n_articles per row
  } else {
    std::sort(row.top.begin(), row.top.end(), cmp);
  }
  return row;
}

/// Writes through a temporary name; rename() on close, so a killed run leaves no half file.
class AtomicOut {
 public:
  explicit AtomicOut(std::string path) : path_(std::move(path)), tmp_(path_ + ".tmp." + std::to_string(::getpid())) {
    out_.open(tmp_, std::ios::binary);
    if (!out_) throw DataError(SourceLocation{path_}, "cannot create file");
  }
  ~AtomicOut() {
    if (!done_) std::filesystem::remove(tmp_);
  }
  std::ofstream& os() { return out_; }
  void close() {
    out_.close();
    if (!out_) throw DataError(SourceLocation{path_}, "write failed");
    fs::rename(tmp_, path_);
    done_ = true;
  }

 private:
  std::string path_, tmp_;
  std::ofstream out_;
  bool done_ = false;
};

void write_articles(const World& w, const std::string& path) {
  AtomicOut out(path);
  auto& o = out.os();
  o << "article_id,product_code,prod_name,product_type_no,product_type_name,product_group_name,"
       "graphical_appearance_no,graphical_appearance_name,colour_group_code,colour_group_name,"
       "perceived_colour_value_id,perceived_colour_value_name,perceived_colour_master_id,"
       "perceived_colour_master_name,department_no,department_name,index_code,index_name,index_group_no,"
       "index_group_name,section_no,section_name,garment_group_no,garment_group_name,detail_desc\n";
  char code[8];
  for (auto& a : w.articles) {
    const Product& p = w.products[size_t(a.product)];
    const ProductType& t = product_types()[a.type];
    const Colour& c = colours()[a.colour_meta];
    const Appearance& g = appearances()[a.appearance_meta];
    const Department& d = departments()[a.dept];
    std::snprintf(code, sizeof code, "%02d", c.code);
    o << format_article_id(a.id) << ',' << p.code << ',' << csv_quote(p.name) << ',' << t.no << ',' << csv_quote(t.name)
      << ',' << csv_quote(t.group) << ',' << g.no << ',' << csv_quote(g.name) << ',' << code << ',' << c.name << ','
      << c.value_id << ',' << c.value_name << ',' << c.master_id << ',' << c.master_name << ',' << d.no << ','
      << csv_quote(d.name) << ',' << d.index_code << ',' << csv_quote(d.index_name) << ',' << d.index_group_no << ','
      << csv_quote(d.index_group_name) << ',' << d.section_no << ',' << csv_quote(d.section_name) << ','
      << t.garment_group_no << ',' << csv_quote(t.garment_group_name) << ',' << csv_quote(p.desc) << '\n';
  }
  out.close();
}

void write_customers(const World& w, const std::string& path) {
  AtomicOut out(path);
  auto& o = out.os();
  o << "customer_id,FN,Active,club_member_status,fashion_news_frequency,age,postal_code\n";
  for (auto& c : w.customers) {
    o << c.id << ',' << (c.fn == 1 ? "1.0" : "") << ',' << (c.active == 1 ? "1.0" : "") << ',' << club_name(c.club)
      << ',' << news_name(c.news) << ',';
    if (!std::isnan(c.age)) o << int(c.age);
    o << ',' << w.postal_codes[size_t(c.postal)] << '\n';
  }
  out.close();
}

void write_transactions(const World& w, const std::vector<Rec>& recs, const std::string& path, int threads) {
  // Every piece of text a row needs is made once; formatting a row is then a few copies.
  std::vector<std::string> day_text(size_t(w.days));
  for (int32_t t = 0; t < w.days; ++t) day_text[size_t(t)] = format_date(kFirstDay + t);
  std::vector<std::string> art_text(w.articles.size());
  for (size_t a = 0; a < w.articles.size(); ++a) art_text[a] = format_article_id(w.articles[a].id);
  std::map<int32_t, std::string> price_text;
  for (auto& a : w.articles)
    for (int32_t sek : {a.sek, std::max<int32_t>(9, int32_t(std::lround(a.sek * 0.7 / 10.0)) * 10 - 1)}) {
      char buf[40];
      auto r = std::to_chars(buf, buf + sizeof buf, double(sek) / 5900.0);
      price_text[sek] = std::string(buf, r.ptr);
    }
  AtomicOut out(path);
  out.os() << "t_dat,customer_id,article_id,price,sales_channel_id\n";
  const size_t piece = 1 << 20;
  size_t n_pieces = (recs.size() + piece - 1) / piece;
  Progress progress("write transactions", recs.size(), "rows");
  for (size_t round = 0; round < n_pieces; round += size_t(threads)) {
    size_t m = std::min(n_pieces - round, size_t(threads));
    std::vector<std::string> text(m);
    parallel_for(m, threads, [&](size_t k) {
      size_t b = (round + k) * piece, e = std::min(recs.size(), b + piece);
      std::string& s = text[k];
      s.reserve((e - b) * 112);
      for (size_t i = b; i < e; ++i) {
        const Rec& r = recs[i];
        s += day_text[size_t(r.day)];
        s += ',';
        s += w.customers[size_t(r.customer)].id;
        s += ',';
        s += art_text[size_t(r.article)];
        s += ',';
        s += price_text.at(r.sek);
        s += ',';
        s += char('0' + r.channel);
        s += '\n';
      }
    });
    for (auto& s : text) {
      out.os().write(s.data(), std::streamsize(s.size()));
      progress.add(std::count(s.begin(), s.end(), '\n'));
    }
  }
  progress.finish();
  out.close();
}

void write_truth(const World& w, std::vector<TruthRow>& rows, const std::string& path, int32_t t0) {
  std::sort(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.customer < b.customer; });
  std::vector<std::string> ids;
  std::vector<uint64_t> offsets{0};
  std::vector<int64_t> article;
  std::vector<float> prob;
  for (auto& r : rows) {
    ids.push_back(w.customers[size_t(r.customer)].id);
    for (auto& [p, a] : r.top) {
      article.push_back(w.articles[size_t(a)].id);
      prob.push_back(p);
    }
    offsets.push_back(article.size());
  }
  ArtifactWriter aw(path, "synth-truth", 1);
  aw.add_strings("customer_id", ids);
  aw.add("offsets", offsets);
  aw.add("article_id", article);
  aw.add("prob", prob);
  nlohmann::json config = w.config;
  config.erase("out");  // the same seed gives the same bytes wherever they are written
  aw.set_meta({{"config", config},
               {"truth_day", format_date(kFirstDay + t0)},
               {"model", "P(first item bought on truth_day = article); see docs/synthetic.md"},
               {"tau", kTau},
               {"max_score", kMaxScore},
               {"customers", rows.size()}});
  aw.commit();
}

}  // namespace

nlohmann::json run_synth(const SynthConfig& cfg_in, int threads) {
  SynthConfig cfg = resolve_preset(cfg_in);
  if (cfg.out.empty()) throw UsageError("synth needs --out DIR");
  threads = std::max(1, threads);
  auto t_start = std::chrono::steady_clock::now();
  auto secs = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count(); };
  fs::create_directories(cfg.out);
  fs::create_directories(cfg.out + "/truth");
  fs::remove_all(cfg.out + "/images");  // pictures of an earlier data set would not match this one
  nlohmann::json summary = {{"config", cfg}};

  World w = build_world(cfg, threads);
  summary["seconds_world"] = secs();
  const int32_t t0 = w.days - 7;

  // Purchases, customer by customer, in blocks (fixed size, so the output does not depend
  // on the thread count).
  const size_t block = 4096;
  size_t n_blocks = (w.customers.size() + block - 1) / block;
  std::vector<std::vector<Rec>> out(n_blocks);
  std::vector<std::vector<TruthRow>> truth(n_blocks);
  Progress progress("synth purchases", uint64_t(cfg.purchases), "rows");
  parallel_for(n_blocks, threads, [&](size_t b) {
    std::vector<std::pair<int32_t, int32_t>> hist;  // (article, day)
    std::vector<double> cum;                        // prefix sums of exp((day - start) / 90)
    std::vector<int32_t> session_days;
    std::vector<int32_t> session_sizes;
    for (size_t ci = b * block; ci < std::min(w.customers.size(), (b + 1) * block); ++ci) {
      const Customer& c = w.customers[ci];
      Rng r(uint64_t(cfg.seed), 2000000000ULL + ci);
      hist.clear();
      cum.clear();
      session_days.clear();
      session_sizes.clear();
      for (int32_t left = c.n_items; left > 0;) {
        int32_t k = 1;
        while (k < left && r.chance(0.6)) ++k;
        session_sizes.push_back(k);
        left -= k;
        int32_t day;
        do day = c.start + int32_t(r.below(uint32_t(c.end - c.start + 1)));
        while (r.uniform() > 0.8 + 0.2 * std::cos(6.283185307179586 * (((day + 262) % 365) - 190) / 365.0));
        session_days.push_back(day);
      }
      std::sort(session_days.begin(), session_days.end());
      bool truth_done = false;
      for (size_t s = 0; s < session_days.size(); ++s) {
        int32_t t = session_days[s];
        if (t >= t0 && !truth_done) {
          truth[b].push_back(truth_row(w, int32_t(ci), hist, t0, cfg.truth_top_k));
          truth_done = true;
        }
        int8_t channel = r.chance(c.p_online) ? 2 : 1;
        size_t hist_before = hist.size();  // items of this session are not history yet
        for (int32_t j = 0; j < session_sizes[s]; ++j) {
          int32_t a;
          if (j > 0 && r.chance(0.14)) {
            a = out[b].back().article;  // a second unit: a repeated row
          } else {
            double u = r.uniform();
            if (hist_before > 0 && u < c.r_rep) {
              a = hist[pick_recent(r, cum, hist_before)].first;
            } else if (hist_before > 0 && u < c.r_rep + c.q_same) {
              // Another colour of the product of a recent purchase.
              int32_t picked = hist[pick_recent(r, cum, hist_before)].first;
              const Product& p = w.products[size_t(w.articles[size_t(picked)].product)];
              if (p.count >= 2) {
                a = p.first + int32_t(r.below(uint32_t(p.count - 1)));
                if (a >= picked) ++a;
              } else {
                a = choose(w, c, t, r);
              }
            } else {
              a = choose(w, c, t, r);
            }
          }
          const Article& art = w.articles[size_t(a)];
          bool sale = in_sale(t) && (mix64(uint64_t(art.id) ^ uint64_t(t / 365)) % 3 == 0);
          int32_t sek = sale ? std::max<int32_t>(9, int32_t(std::lround(art.sek * 0.7 / 10.0)) * 10 - 1) : art.sek;
          out[b].push_back(Rec{int16_t(t), channel, 0, int32_t(ci), a, sek});
          hist.push_back({a, t});
          cum.push_back((cum.empty() ? 0 : cum.back()) + std::exp((t - c.start) / 90.0));
        }
        progress.add(uint64_t(session_sizes[s]));
      }
    }
  });
  progress.finish();
  summary["seconds_purchases"] = secs();

  // File order: by day, then customer (a stable counting sort of the customer-major blocks).
  std::vector<uint64_t> start(size_t(w.days) + 1, 0);
  for (auto& blk : out)
    for (auto& rec : blk) ++start[size_t(rec.day) + 1];
  for (size_t d = 1; d < start.size(); ++d) start[d] += start[d - 1];
  std::vector<Rec> recs(start.back());
  for (auto& blk : out) {
    for (auto& rec : blk) recs[start[size_t(rec.day)]++] = rec;
    std::vector<Rec>().swap(blk);
  }
  summary["purchases"] = recs.size();
  summary["customers"] = w.customers.size();
  summary["articles"] = w.articles.size();

  write_articles(w, cfg.out + "/articles.csv");
  write_customers(w, cfg.out + "/customers.csv");
  write_transactions(w, recs, cfg.out + "/transactions_train.csv", threads);
  summary["seconds_csv"] = secs();

  std::vector<TruthRow> rows;
  for (auto& t : truth)
    for (auto& r : t) rows.push_back(std::move(r));
  summary["truth_customers"] = rows.size();
  write_truth(w, rows, cfg.out + "/truth/truth.frc", t0);
  summary["truth_day"] = format_date(kFirstDay + t0);

  if (cfg.images == "yes") {
    Progress pics("synth images", w.articles.size(), "images");
    parallel_for(w.articles.size(), threads, [&](size_t i) {
      const Article& a = w.articles[i];
      std::string id = format_article_id(a.id);
      std::string dir = cfg.out + "/images/" + id.substr(0, 3);
      fs::create_directories(dir);
      Look look{product_types()[a.type].shape, a.colour, a.appearance, a.shade};
      write_jpeg(dir + "/" + id + ".jpg",
                 draw_picture(look, int(cfg.image_width), uint64_t(cfg.seed) ^ uint64_t(a.id)));
      pics.add(1);
    });
    pics.finish();
    summary["images"] = w.articles.size();
  }
  summary["seconds_total"] = secs();
  return summary;
}

}  // namespace fr::synth
