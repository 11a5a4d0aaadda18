#include "model/trainer.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "core/artifact.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "data/parse.h"
#include "eval/metrics.h"
#include "features/features_stage.h"
#include "features/raw_features.h"
#include "model/as_of_data.h"
#include "model/batch_loader.h"
#include "model/candidates.h"
#include "model/optimizer.h"
#include "model/retrieval_loss.h"
#include "model/towers.h"
#include "model/train_data.h"
#include "model/trained_model.h"

namespace fr {

namespace {

using Clock = std::chrono::steady_clock;

/// Where training stands; saved in the checkpoint.
struct State {
  std::string phase = "main";  ///< main (joint or staged retrieval) | rank (staged ranking)
  int64_t epoch = 0, batch = 0, step = 0;
  double best = -1;  ///< best early-stopping figure so far
  int64_t bad_epochs = 0;
  bool hard_mined = false;  ///< hard negatives were mined for this epoch
  // This epoch's running sums (kept so a resumed epoch reports the same mean losses).
  double sum_loss = 0, sum_ret = 0, sum_rank = 0;
  int64_t steps = 0, rank_steps = 0;
  nlohmann::json curves = nlohmann::json::array();
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(State, phase, epoch, batch, step, best, bad_epochs, hard_mined, sum_loss, sum_ret,
                                   sum_rank, steps, rank_steps, curves)

void copy_weights(TwoStageModel& from, TwoStageModel& to) {
  torch::NoGradGuard g;
  auto src = from->parameters(), dst = to->parameters();
  for (size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
  auto sb = from->buffers(), db = to->buffers();
  for (size_t i = 0; i < sb.size(); ++i) db[i].copy_(sb[i]);
}

/// Zeroes the mask's entries of history columns (is_history_column): the tower ignores them.
void mask_columns(torch::Tensor mask, const nlohmann::json& names) {
  torch::NoGradGuard g;
  for (size_t i = 0; i < names.size(); ++i)
    if (is_history_column(names[i].get<std::string>())) mask[int64_t(i)] = 0.f;
}

std::string archive_bytes(const std::function<void(torch::serialize::OutputArchive&)>& fill) {
  torch::serialize::OutputArchive a;
  fill(a);
  std::ostringstream o;
  a.save_to(o);
  return o.str();
}

class Trainer {
 public:
  Trainer(const Workspace& ws, const TrainConfig& c, int threads)
      : ws_(ws), c_(c), threads_(resolve_threads(threads)), data_(ws, c, threads) {
    torch::manual_seed(uint64_t(c.seed));
    shape_.customer_dense = int64_t(data_.customer_rows().dim);
    shape_.article_dense = int64_t(data_.article_rows().dim) + kArticleDynamic;
    shape_.pair_dim = int64_t(kPairInputDim);
    shape_.customer_cardinality = data_.customer_cardinality();
    shape_.article_cardinality = data_.article_cardinality();
    shape_.tower = {c.dim, c.hidden, c.index_dim, c.id_buckets, data_.dataset().n_articles(), true, c.popularity_bias};
    std::vector<int64_t> static_cols;
    if (c.history_features && c.history > 0) {
      // Static article columns: those that do not sum up sales to the split.
      const auto& names = data_.features_meta().at("article_columns");
      for (size_t i = 0; i < names.size(); ++i)
        if (!is_history_column(names[i].get<std::string>())) static_cols.push_back(int64_t(i));
      shape_.tower.history_static = int64_t(static_cols.size());
      shape_.tower.history_embeddings = true;
    }
    model_ = TwoStageModel(shape_);
    if (!static_cols.empty()) {
      const FeatureRows& r = data_.article_rows();
      auto rows = torch::from_blob(const_cast<float*>(r.x.data()), {data_.dataset().n_articles(), int64_t(r.dim)},
                                   torch::kFloat);
      model_->customer->set_history_static(rows.index_select(1, torch::tensor(static_cols, torch::kLong)));
    }
    if (c.mask_history_columns == "all")
      mask_columns(model_->customer->x_mask, data_.features_meta().at("customer_columns"));
    if (c.mask_history_columns != "none")
      mask_columns(model_->article->x_mask, data_.features_meta().at("article_columns"));
    best_ = TwoStageModel(shape_);
    copy_weights(model_, best_);
    if (c.popularity_bias)
      pop_tab_ = torch::from_blob(const_cast<float*>(data_.pop_table().data()),
                                  {data_.pop_weeks(), data_.dataset().n_articles(), kArticleDynamic}, torch::kFloat);
    opt_ = std::make_unique<TrainOptimizer>(*model_, optimizer_config());
  }

  nlohmann::json run(const TrainOptions& o);

 private:
  OptimizerConfig optimizer_config() const { return {c_.optimizer, c_.lr, c_.weight_decay, c_.clip_norm}; }
  /// The staged ranking phase's optimiser, over the ranker only. Made when that phase starts:
  /// it re-points the ranker's weights into its own flat buffer (FlatAdam), so opt_ must not
  /// step after it exists.
  TrainOptimizer& rank_optimizer() {
    if (!rank_opt_) rank_opt_ = std::make_unique<TrainOptimizer>(*model_->ranker, optimizer_config());
    return *rank_opt_;
  }
  double lr_at(int64_t step, int64_t total) const {
    // Warmup takes at most a tenth of the run: a small data set has few steps per epoch.
    const int64_t warmup = std::min<int64_t>(c_.warmup_steps, std::max<int64_t>(1, total / 10));
    double warm = warmup > 0 ? std::min(1.0, double(step + 1) / double(warmup)) : 1.0;
    if (c_.schedule == "constant" || total <= warmup) return c_.lr * warm;
    double t = std::clamp(double(step - warmup) / double(total - warmup), 0.0, 1.0);
    return c_.lr * warm * (0.05 + 0.95 * 0.5 * (1 + std::cos(M_PI * t)));  // cosine to 5 %
  }
  int64_t main_steps() const { return c_.epochs * int64_t(data_.batches_per_epoch()); }
  void save_checkpoint();
  bool checkpoints_ = true;
  bool load_checkpoint();
  void mine_hard_negatives(int64_t epoch);
  nlohmann::json evaluate(bool with_ranker);
  torch::Tensor all_article_embeddings(const FeatureRows& rows, int32_t day);
  /// [n_articles] the popularity term as of `day`'s week (undefined without one).
  torch::Tensor article_bias(int32_t day);
  /// Retrieval scores [n, n_articles] of customer embeddings against every article embedded as
  /// of `day`: customer . article / temperature + the article's popularity term.
  torch::Tensor retrieval_scores(torch::Tensor q, torch::Tensor arts, int32_t day);
  /// [n] retrieval scores of row-aligned embeddings (articles `ids`) as of `day`, without
  /// gradient: the ranker's score input.
  torch::Tensor pair_scores(torch::Tensor qc, torch::Tensor ac, const std::vector<int64_t>& ids, int32_t day);
  bool end_epoch(nlohmann::json row, double figure);
  void export_model();
  void dump_inputs(const std::string& dir);

  const Workspace& ws_;
  TrainConfig c_;
  int threads_;
  TrainData data_;
  std::unique_ptr<AsOfData> rank_as_of_;  // the other candidate sources as of the rank window
  ModelShape shape_;
  torch::Tensor pop_tab_;  // [pop_weeks, n_articles, kArticleDynamic], a view of data_.pop_table()
  TwoStageModel model_{nullptr}, best_{nullptr};
  std::unique_ptr<TrainOptimizer> opt_, rank_opt_;
  State st_;
};

void Trainer::save_checkpoint() {
  if (!checkpoints_) return;  // tune's trials: a lost trial is run again, not resumed
  std::string bytes = archive_bytes([&](torch::serialize::OutputArchive& a) {
    torch::serialize::OutputArchive m, b, o, r;
    model_->save(m);
    best_->save(b);
    opt_->save(o);
    a.write("model", m);
    a.write("best", b);
    a.write("opt", o);
    if (rank_opt_) {
      rank_opt_->save(r);
      a.write("rank_opt", r);
    }
    a.write("state", c10::IValue(nlohmann::json(st_).dump()));
    a.write("config", c10::IValue(nlohmann::json(c_).dump()));
    a.write("mined", torch::tensor(int64_t(data_.mined())));
    if (data_.mined()) {
      a.write("rank_customers", torch::tensor(data_.rank_customers(), torch::kInt));
      a.write("rank_articles", torch::tensor(data_.rank_articles(), torch::kInt));
      a.write("rank_labels", torch::tensor(data_.rank_labels(), torch::kFloat));
    }
  });
  write_file_atomic(ws_.path(kCheckpointFile), bytes);
}

bool Trainer::load_checkpoint() {
  const std::string path = ws_.path(kCheckpointFile);
  if (!std::filesystem::exists(path)) return false;
  torch::serialize::InputArchive a;
  try {
    a.load_from(path);
  } catch (const c10::Error& e) {
    throw ArtifactError(path, "not a readable checkpoint (" + std::string(e.what_without_backtrace()).substr(0, 200) +
                                  "): delete it or train without --resume");
  }
  c10::IValue cfg, state;
  a.read("config", cfg);
  auto stored = nlohmann::json::parse(cfg.toStringRef());
  auto now = identity_json(c_);  // run-time knobs (checkpoint_every, loader_threads...) may differ
  for (auto& [k, v] : now.items())
    if (stored.value(k, nlohmann::json()) != v)
      throw UsageError("the checkpoint " + path + " was made with train." + k + " = " +
                       stored.value(k, nlohmann::json()).dump() + ", now " + v.dump() +
                       ": use the same config, or train without --resume");
  torch::serialize::InputArchive m, b, o, r;
  a.read("model", m);
  a.read("best", b);
  a.read("opt", o);
  model_->load(m);
  best_->load(b);
  opt_->load(o);
  if (a.try_read("rank_opt", r)) rank_optimizer().load(r);  // after opt_: it takes the ranker's weights
  a.read("state", state);
  st_ = nlohmann::json::parse(state.toStringRef()).get<State>();
  torch::Tensor mined;
  a.read("mined", mined);
  if (mined.item<int64_t>()) {
    torch::Tensor rc, ra, rl;
    a.read("rank_customers", rc);
    a.read("rank_articles", ra);
    a.read("rank_labels", rl);
    auto ints = [](const torch::Tensor& t) {
      return std::vector<int32_t>(t.data_ptr<int32_t>(), t.data_ptr<int32_t>() + t.numel());
    };
    data_.set_mined_pairs(ints(rc), ints(ra),
                          std::vector<float>(rl.data_ptr<float>(), rl.data_ptr<float>() + rl.numel()));
  }
  spdlog::info("train: resumed from {} at epoch {}, step {} ({})", path, st_.epoch + 1, st_.step, st_.phase);
  return true;
}

torch::Tensor Trainer::all_article_embeddings(const FeatureRows& rows, int32_t day) {
  torch::NoGradGuard g;
  const int32_t na = data_.dataset().n_articles();
  std::vector<torch::Tensor> parts;
  ArticleInputs in = data_.article_inputs_template();
  std::vector<int32_t> ids;
  for (int32_t from = 0; from < na; from += 8192) {
    ids.resize(size_t(std::min(na, from + 8192) - from));
    std::iota(ids.begin(), ids.end(), from);
    data_.fill_articles(ids, std::span(&day, 1), rows, in);
    parts.push_back(model_->embed_articles(in).clone());
  }
  return torch::cat(parts);
}

torch::Tensor Trainer::article_bias(int32_t day) {
  if (!pop_tab_.defined()) return {};
  return model_->article->popularity(pop_tab_[data_.pop_week(day)]);
}

torch::Tensor Trainer::retrieval_scores(torch::Tensor q, torch::Tensor arts, int32_t day) {
  auto s = torch::matmul(q, arts.t()) / c_.temperature;
  if (auto b = article_bias(day); b.defined()) s += b.unsqueeze(0);
  return s;
}

torch::Tensor Trainer::pair_scores(torch::Tensor qc, torch::Tensor ac, const std::vector<int64_t>& ids, int32_t day) {
  torch::NoGradGuard g;
  auto s = (qc * ac).sum(1) / c_.temperature;
  if (pop_tab_.defined())  // the term of these articles only, not of the whole catalogue each step
    s += model_->article->popularity(pop_tab_[data_.pop_week(day)].index_select(0, wrap(ids, {int64_t(ids.size())})));
  return s;
}

/// The neural ranker's mined pairs: the first three sources' defaults, as before there were more.
constexpr SourceCounts kMinedSources = {0, 20, 20, 20, 0, 0, 0, 0};

void Trainer::mine_hard_negatives(int64_t epoch) {
  // The ranker's pairs from the candidates of the rank window's buyers as of the window's first
  // day, as the recommender makes them (the retrieval model's top hard_pool, plus the other
  // sources with mine_sources): positives they found, hard negatives among the rest, popular
  // negatives (see TrainData).
  torch::NoGradGuard g;
  if (c_.mine_sources && !rank_as_of_)
    rank_as_of_ = std::make_unique<AsOfData>(data_.dataset(), data_.rank_split(), data_.rank_customer_rows(), threads_);
  const ValidationTruth& t = data_.rank_truth();
  auto arts = all_article_embeddings(data_.rank_article_rows(), data_.rank_split().val_start);
  const int64_t pool = std::min<int64_t>(c_.hard_pool, arts.size(0));
  std::vector<int32_t> rc, ra;
  std::vector<float> rl;
  size_t found = 0, positives = 0;
  CustomerInputs in = data_.customer_inputs_template();
  for (size_t from = 0; from < t.customers.size(); from += 1024) {
    size_t to = std::min(t.customers.size(), from + 1024);
    std::span<const int32_t> cs(t.customers.data() + from, to - from);
    data_.fill_customers(cs, data_.rank_split().val_start, data_.rank_customer_rows(), in);
    auto top =
        std::get<1>(retrieval_scores(model_->embed_customers(in), arts, data_.rank_split().val_start).topk(pool, 1))
            .contiguous();
    const int64_t* p = top.data_ptr<int64_t>();
    for (size_t i = from; i < to; ++i) {
      auto pos = t.of(i);
      positives += pos.size();
      CandidateList cand;
      for (int64_t k = 0; k < pool; ++k) cand.add(int32_t(p[int64_t(i - from) * pool + k]), 0, int32_t(k), 0.f);
      if (rank_as_of_)
        gather_candidates(*rank_as_of_, customer_view(*rank_as_of_, t.customers[i], {}, NAN), kMinedSources, cand);
      std::vector<int32_t> hits, misses;
      for (int32_t a : cand.articles()) (std::binary_search(pos.begin(), pos.end(), a) ? hits : misses).push_back(a);
      found += hits.size();
      std::mt19937_64 rng(uint64_t(c_.seed) * 1000003u + uint64_t(epoch) * 7919u + uint64_t(t.customers[i]));
      for (int32_t h : hits) {
        rc.push_back(t.customers[i]), ra.push_back(h), rl.push_back(1.f);
        for (int64_t k = 0; k < c_.hard_negatives && !misses.empty(); ++k)
          rc.push_back(t.customers[i]), ra.push_back(misses[rng() % misses.size()]), rl.push_back(0.f);
        for (int64_t k = 0; k < c_.rank_negatives; ++k) {
          int32_t a = data_.draw_popular(rng);
          if (std::binary_search(pos.begin(), pos.end(), a)) continue;
          rc.push_back(t.customers[i]), ra.push_back(a), rl.push_back(0.f);
        }
      }
    }
  }
  spdlog::info("train: ranker pairs from the top {} tower candidates{}: {} of {} window purchases found, {} pairs",
               pool, rank_as_of_ ? " and the other sources" : "", found, positives, rl.size());
  if (found == 0) {
    spdlog::warn("train: the retrieval model found none of the window's purchases; the ranker keeps its pairs");
    return;
  }
  data_.set_mined_pairs(std::move(rc), std::move(ra), std::move(rl));
}

nlohmann::json Trainer::evaluate(bool with_ranker) {
  // Full-catalogue retrieval for the validation buyers, then the ranker over the candidates.
  torch::NoGradGuard g;
  const ValidationTruth& t = data_.truth();
  const auto& eval = data_.eval_customers();
  auto arts = all_article_embeddings(data_.article_rows(), data_.split().val_start);
  const int64_t N = std::min<int64_t>(c_.candidates, arts.size(0));
  double recall = 0, ndcg_ret = 0, ndcg_rank = 0, pop_recall = 0, pop_ndcg = 0, all_recall = 0;
  const auto& pop = data_.popular_articles();
  CustomerInputs in = data_.customer_inputs_template();
  for (size_t from = 0; from < eval.size(); from += 512) {
    size_t to = std::min(eval.size(), from + 512);
    std::vector<int32_t> cs;
    for (size_t i = from; i < to; ++i) cs.push_back(t.customers[eval[i]]);
    data_.fill_customers(cs, data_.split().val_start, data_.customer_rows(), in);
    auto q = model_->embed_customers(in);
    auto [top_score, top_index] = retrieval_scores(q, arts, data_.split().val_start).topk(N, 1);
    auto top = top_index.to(torch::kInt).contiguous();
    const int32_t* p = top.data_ptr<int32_t>();
    const size_t m = cs.size();
    std::vector<float> order_logits;
    if (with_ranker) {
      std::vector<float> pair(m * size_t(N) * kPairInputDim);
      parallel_for(m, threads_, [&](size_t i) {
        float raw[PairFeaturizer::kDim];
        for (int64_t k = 0; k < N; ++k) {
          data_.eval_pair_featurizer().compute(cs[i], p[i * size_t(N) + size_t(k)], raw);
          pair_input(raw, &pair[(i * size_t(N) + size_t(k)) * kPairInputDim]);
        }
      });
      auto qc = q.repeat_interleave(N, 0);
      auto ac = arts.index_select(0, top.view({-1}).to(torch::kLong));
      auto logits = model_->rank(qc, ac, pair, top_score.reshape({-1})).contiguous();
      order_logits.assign(logits.data_ptr<float>(), logits.data_ptr<float>() + logits.numel());
    }
    for (size_t i = 0; i < m; ++i) {
      auto truth = t.of(eval[from + i]);
      std::span<const int32_t> cand(p + i * size_t(N), size_t(N));
      recall += recall_at_k(cand, truth, size_t(N));
      ndcg_ret += ndcg_at_k(cand, truth, 12);
      pop_recall += recall_at_k(pop, truth, size_t(N));
      pop_ndcg += ndcg_at_k(pop, truth, 12);
      all_recall += recall_at_k(data_.popular_all_time(), truth, size_t(N));
      if (with_ranker) {
        std::vector<int32_t> idx(static_cast<size_t>(N));
        std::iota(idx.begin(), idx.end(), 0);
        const float* l = &order_logits[i * size_t(N)];
        std::stable_sort(idx.begin(), idx.end(), [&](int32_t a, int32_t b) { return l[a] > l[b]; });
        std::vector<int32_t> ranked;
        for (int32_t k : idx) ranked.push_back(cand[size_t(k)]);
        ndcg_rank += ndcg_at_k(ranked, truth, 12);
      }
    }
  }
  const double n = double(std::max<size_t>(1, eval.size()));
  std::string rk = "recall@" + std::to_string(N);
  nlohmann::json out = {{rk, recall / n},
                        {"ndcg@12_retrieval", ndcg_ret / n},
                        {"popularity_" + rk, pop_recall / n},
                        {"popularity_ndcg@12", pop_ndcg / n},
                        {"all_time_popularity_" + rk, all_recall / n},
                        {"eval_customers", eval.size()}};
  if (with_ranker) out["ndcg@12"] = ndcg_rank / n;
  return out;
}

bool Trainer::end_epoch(nlohmann::json row, double figure) {
  // No validation window (train --refit): every epoch counts as the best, the last one is kept.
  if (data_.eval_customers().empty()) figure = double(st_.epoch + 1);
  // Early stopping: keeps the best weights; stops after `patience` epochs without a better figure.
  if (figure > st_.best + 1e-5) {
    st_.best = figure;
    st_.bad_epochs = 0;
    copy_weights(model_, best_);
    row["best"] = true;
  } else {
    ++st_.bad_epochs;
  }
  st_.curves.push_back(row);
  ++st_.epoch;
  st_.batch = 0;
  st_.hard_mined = false;
  st_.sum_loss = st_.sum_ret = st_.sum_rank = 0;
  st_.steps = st_.rank_steps = 0;
  nlohmann::json curves = {{"config", c_}, {"epochs", st_.curves}};
  write_file_atomic(ws_.path(kCurvesFile), curves.dump(2) + "\n");
  std::string line = "train: " + row["phase"].get<std::string>() + " epoch " + std::to_string(st_.epoch) + ":";
  for (auto& [k, v] : row.items())
    if (v.is_number_float()) line += fmt::format(" {} {:.4f}", k, v.get<double>());
  spdlog::info("{}", line);
  return st_.bad_epochs >= c_.patience;
}

nlohmann::json Trainer::run(const TrainOptions& o) {
  checkpoints_ = o.checkpoints || o.stop_after_steps > 0;
  if (!o.dump_inputs.empty()) {
    dump_inputs(o.dump_inputs);
    return {{"dumped", o.dump_inputs}};
  }
  if (o.resume) load_checkpoint();
  torch::set_num_threads(threads_);
  const bool joint = c_.mode == "joint";
  const int64_t nb = int64_t(data_.batches_per_epoch());
  int64_t run_steps = 0;
  // Tests and drills: stop as if killed once this run has made stop_after_steps steps.
  auto stop_now = [&] { return o.stop_after_steps > 0 && run_steps >= o.stop_after_steps; };
  if (st_.phase == "main") {
    while (st_.epoch < c_.epochs) {
      const int64_t e = st_.epoch;
      if (joint && e > 0 && st_.batch == 0 && !st_.hard_mined) {
        mine_hard_negatives(e);
        st_.hard_mined = true;
      }
      if (shape_.tower.history_embeddings && st_.batch == 0)  // (a resumed epoch has them in the checkpoint)
        model_->customer->set_history_embeddings(all_article_embeddings(data_.article_rows(), data_.split().val_start));
      model_->train();
      Progress prog(fmt::format("train epoch {}/{}", e + 1, c_.epochs),
                    uint64_t(data_.epoch_examples()) -
                        uint64_t(std::min<int64_t>(st_.batch * c_.batch_size, int64_t(data_.epoch_examples()))),
                    "examples");
      BatchLoader<TrainBatch> loader(st_.batch, nb, int(c_.loader_threads), 4, [this, e, nb, joint](int64_t b) {
        return data_.make_batch(e, b, e * nb + b, joint);
      });
      double &sum_loss = st_.sum_loss, &sum_ret = st_.sum_ret, &sum_rank = st_.sum_rank;
      int64_t &steps = st_.steps, &rank_steps = st_.rank_steps, examples = 0;
      auto t0 = Clock::now();
      // Where the epoch's time goes (reported in the curves): waiting for the loader, forward,
      // backward, optimiser.
      double t_wait = 0, t_fwd = 0, t_bwd = 0, t_opt = 0;
      auto mark = Clock::now();
      auto lap = [&mark](double& acc) {
        auto now = Clock::now();
        acc += std::chrono::duration<double>(now - mark).count();
        mark = now;
      };
      while (auto b = loader.next()) {
        lap(t_wait);
        const double lr = lr_at(st_.step, main_steps());
        opt_->set_lr(lr);
        opt_->zero_grad();
        auto& r = b->retrieval;
        auto q = model_->embed_customers(r.customers);
        auto a = model_->embed_articles(r.articles);
        RetrievalBatch rb{q,
                          a,
                          wrap(r.articles.id, {r.articles.n}),
                          c_.logq ? wrap(r.log_q, {r.articles.n}) : torch::Tensor(),
                          wrap(r.hit_rows, {int64_t(r.hit_rows.size())}),
                          wrap(r.hit_cols, {int64_t(r.hit_cols.size())})};
        if (pop_tab_.defined()) {
          // The term of each (row's week, candidate): computed once per distinct week of the
          // batch (a few) and copied to the rows, not gathered per cell ([B, B + N, 5] is slow).
          auto [weeks, row_of] = torch::_unique(wrap(r.row_week, {int64_t(r.row_week.size())}), true, true);
          const int64_t n = pop_tab_.size(1), C = rb.candidate_ids.size(0);
          auto cells = (weeks.unsqueeze(1) * n + rb.candidate_ids.unsqueeze(0)).view({-1});  // one gather
          auto per_week = pop_tab_.view({-1, kArticleDynamic}).index_select(0, cells).view({-1, C, kArticleDynamic});
          rb.offset = model_->article->popularity(per_week).index_select(0, row_of);
        }
        auto l_ret = in_batch_softmax_loss(rb, c_.temperature);
        auto loss = l_ret;
        if (b->rank.customers.n > 0) {
          auto& k = b->rank;
          auto qc = model_->embed_customers(k.customers), ac = model_->embed_articles(k.articles);
          auto logits = model_->rank(qc, ac, k.pair, pair_scores(qc, ac, k.articles.id, data_.rank_split().val_start));
          auto l_rank = torch::binary_cross_entropy_with_logits(logits, wrap(k.label, {k.customers.n}));
          loss = loss + c_.rank_weight * l_rank;
          sum_rank += l_rank.item<double>();
          ++rank_steps;
        }
        lap(t_fwd);
        loss.backward();
        lap(t_bwd);
        opt_->step();
        lap(t_opt);
        sum_loss += loss.item<double>();
        sum_ret += l_ret.item<double>();
        ++steps, ++st_.batch, ++st_.step, ++run_steps;
        examples += r.customers.n;
        prog.add(uint64_t(r.customers.n));
        prog.set_note(fmt::format("loss {:.4f} (retrieval {:.4f}{}) lr {:.2g}", sum_loss / double(steps),
                                  sum_ret / double(steps),
                                  rank_steps ? fmt::format(", rank {:.4f}", sum_rank / double(rank_steps)) : "", lr));
        if (c_.checkpoint_every > 0 && st_.step % c_.checkpoint_every == 0) save_checkpoint();
        if (stop_now()) {
          save_checkpoint();
          return {{"stopped_at_step", st_.step}};
        }
        mark = Clock::now();
      }
      prog.finish();
      const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
      nlohmann::json row = evaluate(joint);
      row["time_split_s"] = {
          {"waiting_for_data", t_wait}, {"forward", t_fwd}, {"backward", t_bwd}, {"optimizer", t_opt}};
      const std::string rk = "recall@" + std::to_string(std::min<int64_t>(c_.candidates, data_.dataset().n_articles()));
      double figure = row[rk].get<double>() + (joint ? row["ndcg@12"].get<double>() : 0.0);
      row.update({{"phase", joint ? "joint" : "retrieval"},
                  {"epoch", e + 1},
                  {"steps", st_.step},
                  {"loss", steps ? sum_loss / double(steps) : NAN},
                  {"retrieval_loss", steps ? sum_ret / double(steps) : NAN},
                  {"examples_per_s", secs > 0 ? double(examples) / secs : 0.0},
                  {"seconds", secs},
                  {"lr", lr_at(st_.step - 1, main_steps())}});
      if (rank_steps) row["rank_loss"] = sum_rank / double(rank_steps);
      bool stop = end_epoch(row, figure);
      save_checkpoint();
      if (stop) break;
    }
    copy_weights(best_, model_);  // the ranking stage (or the export) starts from the best towers
    if (!joint) {
      st_.phase = "rank";
      st_.epoch = st_.batch = 0;
      st_.best = -1;
      st_.bad_epochs = 0;
      st_.hard_mined = false;
      save_checkpoint();
    }
  }
  // train.ranker = gbdt: the neural ranker is not trained in staged mode (recommend/gbdt_fit.h
  // fits the booster on the exported towers instead).
  if (st_.phase == "rank" && c_.ranker == "neural") {
    while (st_.epoch < c_.rank_epochs) {
      if (st_.epoch == 0 && st_.batch == 0 && !st_.hard_mined) {
        mine_hard_negatives(0);
        st_.hard_mined = true;
      }
      const int64_t e = st_.epoch, nr = int64_t(data_.rank_batches());
      model_->train();
      Progress prog(fmt::format("rank epoch {}/{}", e + 1, c_.rank_epochs), uint64_t(nr - st_.batch), "batches");
      BatchLoader<RankBatchData> loader(st_.batch, nr, int(c_.loader_threads), 4,
                                        [this, e](int64_t r) { return data_.make_rank_batch(e, r); });
      double& sum = st_.sum_rank;
      int64_t &steps = st_.steps, examples = 0;
      auto t0 = Clock::now();
      while (auto k = loader.next()) {
        rank_optimizer().set_lr(lr_at(e * nr + st_.batch, c_.rank_epochs * nr));
        rank_optimizer().zero_grad();
        torch::Tensor qc, ac;
        {
          torch::NoGradGuard frozen;  // staged: the towers are fixed, only the ranker learns
          qc = model_->embed_customers(k->customers);
          ac = model_->embed_articles(k->articles);
        }
        auto score = pair_scores(qc, ac, k->articles.id, data_.rank_split().val_start);
        auto loss = torch::binary_cross_entropy_with_logits(model_->rank(qc, ac, k->pair, score),
                                                            wrap(k->label, {k->customers.n}));
        loss.backward();
        rank_optimizer().step();
        sum += loss.item<double>();
        ++steps, ++st_.batch, ++st_.step, ++run_steps;
        examples += k->customers.n;
        prog.add(1);
        prog.set_note(fmt::format("rank loss {:.4f}", sum / double(steps)));
        if (stop_now()) {
          save_checkpoint();
          return {{"stopped_at_step", st_.step}};
        }
      }
      prog.finish();
      const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
      nlohmann::json row = evaluate(true);
      row.update({{"phase", "rank"},
                  {"epoch", e + 1},
                  {"steps", st_.step},
                  {"rank_loss", steps ? sum / double(steps) : NAN},
                  {"examples_per_s", secs > 0 ? double(examples) / secs : 0.0},
                  {"seconds", secs}});
      bool stop = end_epoch(row, row["ndcg@12"].get<double>());
      save_checkpoint();
      if (stop) break;
    }
    copy_weights(best_, model_);
  }
  export_model();
  std::filesystem::remove(ws_.path(kCheckpointFile));
  nlohmann::json last = st_.curves.empty() ? nlohmann::json::object() : st_.curves.back();
  nlohmann::json best = nlohmann::json::object();
  for (auto& row : st_.curves)
    if (row.value("best", false)) best = row;
  return {{"epochs", st_.curves.size()},
          {"best", best},
          {"last", last},
          {"model", ws_.path(kModelFile)},
          {"curves", ws_.path(kCurvesFile)}};
}

void Trainer::export_model() {
  torch::NoGradGuard g;
  auto arts = all_article_embeddings(data_.article_rows(), data_.split().val_start).contiguous();
  std::vector<float> emb(arts.data_ptr<float>(), arts.data_ptr<float>() + arts.numel());
  auto bias = article_bias(data_.split().val_start);
  auto ret =
      torch::cat({arts, bias.defined() ? (c_.temperature * bias).unsqueeze(1) : torch::zeros({arts.size(0), 1})}, 1)
          .contiguous();
  std::vector<float> retrieval(ret.data_ptr<float>(), ret.data_ptr<float>() + ret.numel());
  std::string bytes = archive_bytes([&](torch::serialize::OutputArchive& a) { model_->save(a); });
  std::vector<uint8_t> weights(bytes.begin(), bytes.end());
  const auto& fm = data_.features_meta();
  nlohmann::json meta = {{"shape", shape_.to_json()},
                         {"train", c_},
                         {"as_of_day", data_.split().val_start},
                         {"as_of", format_date(data_.split().val_start)},
                         {"history", c_.history},
                         {"history_half_life", c_.history_half_life},
                         {"customer_transform", fm.at("customer_transform")},
                         {"article_transform", fm.at("article_transform")},
                         {"customer_columns", fm.at("customer_columns")},
                         {"article_columns", fm.at("article_columns")},
                         {"pair_columns", fm.at("pair_columns")},
                         {"curves", st_.curves}};
  ArtifactWriter w(ws_.path(kModelFile), kModelArtifact, kModelVersion);
  w.add("article_embeddings", emb);
  w.add("retrieval_articles", retrieval);
  w.add("weights", weights);
  w.set_meta(meta);
  uint64_t sum = w.commit(threads_);
  nlohmann::json inputs = {{"artifact:dataset", ws_.artifact_input(kDatasetArtifact)},
                           {"artifact:split", ws_.artifact_input(kSplitArtifact)},
                           {"artifact:features", ws_.artifact_input(kFeaturesArtifact)}};
  ws_.record(kModelArtifact, kModelFile, kModelArtifact, kModelVersion, sum, identity_json(c_), inputs);
}

void Trainer::dump_inputs(const std::string& dir) {
  // The first epoch's retrieval inputs as raw little-endian arrays plus meta.json, for the
  // PyTorch script in bench/train (same examples, same order, same batch size).
  std::filesystem::create_directories(dir);
  auto put = [&](const std::string& name, const void* p, size_t bytes) {
    write_file_atomic(dir + "/" + name, std::string_view(static_cast<const char*>(p), bytes));
  };
  const auto& cr = data_.customer_rows();
  const auto& ar = data_.article_rows();
  put("cust_x.f32", cr.x.data(), cr.x.size_bytes());
  put("cust_idx.i32", cr.idx.data(), cr.idx.size_bytes());
  put("art_x.f32", ar.x.data(), ar.x.size_bytes());
  put("art_idx.i32", ar.idx.data(), ar.idx.size_bytes());
  std::vector<int32_t> ec, ea;
  std::vector<int64_t> hist;
  std::vector<float> hw, dyn, lq(size_t(data_.dataset().n_articles()));
  for (int64_t b = 0; b < int64_t(data_.batches_per_epoch()); ++b) {
    TrainBatch t = data_.make_batch(0, b, b, false);
    auto& r = t.retrieval;
    for (int64_t i = 0; i < r.customers.n; ++i) {
      ec.push_back(int32_t(r.customers.id[size_t(i)]));
      ea.push_back(int32_t(r.articles.id[size_t(i)]));
      lq[size_t(r.articles.id[size_t(i)])] = r.log_q[size_t(i)];
      const float* x = &r.articles.x[size_t(i * r.articles.dense) + ar.dim];
      dyn.insert(dyn.end(), x, x + kArticleDynamic);
    }
    hist.insert(hist.end(), r.customers.hist.begin(), r.customers.hist.end());
    hw.insert(hw.end(), r.customers.hist_w.begin(), r.customers.hist_w.end());
  }
  put("ex_customer.i32", ec.data(), ec.size() * 4);
  put("ex_article.i32", ea.data(), ea.size() * 4);
  put("ex_hist.i64", hist.data(), hist.size() * 8);
  put("ex_hist_w.f32", hw.data(), hw.size() * 4);
  put("ex_art_dyn.f32", dyn.data(), dyn.size() * 4);
  put("log_q.f32", lq.data(), lq.size() * 4);
  nlohmann::json meta = {{"shape", shape_.to_json()},
                         {"train", c_},
                         {"customers", data_.dataset().n_customers()},
                         {"articles", data_.dataset().n_articles()},
                         {"examples", ec.size()}};
  put("meta.json", meta.dump(2).data(), meta.dump(2).size());
}

}  // namespace

nlohmann::json run_train(const Workspace& ws, const TrainConfig& c, int threads, const TrainOptions& o) {
  validate(c);
  std::string why;
  if (!o.force && o.dump_inputs.empty() && ws.is_up_to_date(kModelArtifact, identity_json(c), {}, &why)) {
    auto a = Artifact::open(ws.path(kModelFile), kModelArtifact, kModelVersion, false);
    return {
        {"up_to_date", true}, {"model", ws.path(kModelFile)}, {"curves", a.meta().value("curves", nlohmann::json())}};
  }
  Trainer t(ws, c, threads);
  return t.run(o);
}

}  // namespace fr
