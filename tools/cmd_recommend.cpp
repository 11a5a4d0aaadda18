#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "data/dataset.h"
#include "data/parse.h"
#include "features/split.h"
#include "model/trainer.h"
#include "recommend/index_stage.h"
#include "recommend/recommender.h"
#include "tune/refit.h"

namespace fr::cli {

namespace {

/// The Kaggle submission: customer_id,prediction (k 10-digit ids), every customer in
/// customers.csv once. Written to OUT.tmp and renamed, so a killed run leaves no half file.
void write_all(const Recommender& rec, const Dataset& d, const std::string& out, int threads) {
  std::vector<int32_t> customers;
  for (int32_t c = 0; c < d.n_customers(); ++c)
    if (d.customer_has_meta[size_t(c)]) customers.push_back(c);
  const size_t batch = 512, n_batches = (customers.size() + batch - 1) / batch;
  std::vector<std::string> text(n_batches);
  TrainedModel::set_compute_threads(1);
  Progress progress("recommend --all", customers.size(), "customers");
  parallel_for(n_batches, threads, [&](size_t b) {
    std::span<const int32_t> part(customers.data() + b * batch, std::min(batch, customers.size() - b * batch));
    auto recs = rec.recommend(part);
    std::string& s = text[b];
    for (auto& r : recs) {
      s += d.customer_id[size_t(r.customer)];
      s += ',';
      std::vector<int32_t> top;
      for (auto& a : r.candidates)
        if (top.size() < size_t(rec.config().k)) top.push_back(a.article);
      for (int32_t a : rec.data().last_week())  // a short candidate list is topped up
        if (top.size() < size_t(rec.config().k) && std::find(top.begin(), top.end(), a) == top.end()) top.push_back(a);
      for (size_t j = 0; j < top.size(); ++j) {
        if (j) s += ' ';
        s += format_article_id(d.article_id[size_t(top[j])]);
      }
      s += '\n';
    }
    progress.add(part.size());
  });
  progress.finish();
  std::string tmp = out + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary);
    if (!f) throw DataError(SourceLocation{out}, "cannot write the submission file");
    f << "customer_id,prediction\n";
    for (auto& s : text) f << s;
    if (!f.flush()) throw DataError(SourceLocation{out}, "could not write the submission file (disk full?)");
  }
  std::filesystem::rename(tmp, out);
  std::cout << "wrote " << customers.size() << " customers to " << out << "\n";
}

}  // namespace

void register_recommend(Cli& cli) {
  auto* sub = cli.app().add_subcommand(
      "recommend",
      "Two-stage recommendations (towers, repurchase, co-purchase and popular candidates, then the ranker) for one "
      "customer or, with --all, every customer (Kaggle submission CSV)");
  static std::string customer, out, as_of = "latest";
  static bool all = false;
  sub->add_option("--customer,-c", customer, "customer_id (64 hex)");
  sub->add_flag("--all", all, "Every customer in customers.csv; needs --out");
  sub->add_option("--out,-o", out, "Submission CSV for --all");
  sub->add_option("--as-of", as_of, "latest: every purchase (the week after the data); validation: as evaluated")
      ->check(CLI::IsMember({"latest", "validation"}));
  cli.bind_section(sub, "recommend");
  cli.on(sub, [&cli] {
    if (all == !customer.empty()) throw UsageError("recommend: give --customer ID or --all --out FILE");
    if (all && out.empty()) throw UsageError("recommend --all needs --out FILE");
    Workspace ws = cli.workspace();
    // As of the day after the data: the model refitted through the last day when it is up to
    // date (its split has no validation window: its "validation" day is the latest one).
    auto when = AsOfData::When::kValidation;
    bool refitted = false;
    if (as_of == "latest") {
      ServingWorkspace s = serving_workspace(ws);
      ws = s.ws, when = s.when, refitted = s.refitted;
    }
    Dataset d = Dataset::load(ws.path(kDatasetFile));
    Split split = load_split(ws);
    auto rc = cli.config().section("recommend").get<RecommendConfig>();
    TrainedModel model = TrainedModel::load(ws.path(kModelFile), cli.threads());
    ItemIndex index = load_or_build_index(ws, model, rc.index_params);
    AsOfData data(ws, d, split, when, cli.threads());
    Recommender rec(model, index, data, rc);
    if (all) {
      write_all(rec, d, out, resolve_threads(cli.threads()));
      return 0;
    }
    auto c = d.find_customer(customer);
    int32_t cu = c ? *c : -1;
    auto r = rec.recommend(std::span<const int32_t>(&cu, 1))[0];
    if (!c)
      std::cout << "unknown customer " << customer << ": last week's best sellers\n";
    else
      std::cout << "customer " << customer << ", " << data.purchases(cu).size() << " purchases before "
                << format_date(data.day()) << (refitted ? " (the model refitted through the last day)" : "") << "\n";
    auto type = d.category("product_type_name"), colour = d.category("colour_group_name"),
         name = d.category("prod_name");
    std::printf("%4s  %-10s  %7s  %-24s  %s\n", "rank", "article", "score", "sources", "article");
    for (size_t j = 0; j < std::min(r.candidates.size(), size_t(rc.k)); ++j) {
      const auto& a = r.candidates[j];
      std::printf("%4zu  %s  %7.4f  %-24s  %s (%s, %s)\n", j + 1,
                  format_article_id(d.article_id[size_t(a.article)]).c_str(), a.score, source_names(a.sources).c_str(),
                  std::string(name.at(size_t(a.article))).c_str(), std::string(type.at(size_t(a.article))).c_str(),
                  std::string(colour.at(size_t(a.article))).c_str());
    }
    return 0;
  });
}

}  // namespace fr::cli
