#include "recommend/index_stage.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "core/error.h"
#include "model/trainer.h"

namespace fr {

nlohmann::json run_index(const Workspace& ws, const IndexConfig& c, int threads, bool force) {
  if (c.check_queries < 0 || c.check_k < 1) throw UsageError("index.check_queries >= 0 and index.check_k >= 1");
  std::string why;
  if (!force && ws.is_up_to_date(kIndexArtifact, identity_json(c), {}, &why))
    return {{"up_to_date", true}, {"index", ws.path(kIndexFile)}, {"entry", ws.entry(kIndexArtifact)}};
  TrainedModel model = TrainedModel::load(ws.path(kModelFile), threads);
  auto emb = model.retrieval_articles();  // the retrieval score is an inner product (trained_model.h)
  const int64_t dim = model.retrieval_dim(), n = model.n_articles();
  auto t0 = std::chrono::steady_clock::now();
  ItemIndex index = ItemIndex::build(c.factory, emb, dim, c.params);
  double build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  // Recall against the exact index: every n-th article's embedding as a query (with the
  // popularity term, as a customer's query has it).
  nlohmann::json check = {{"queries", 0}, {"k", c.check_k}, {"recall", 1.0}};
  const int64_t nq = std::min<int64_t>(c.check_queries, n);
  if (nq > 0) {
    const int64_t d = model.dim();
    std::vector<float> picked(size_t(nq * d));
    auto art = model.article_embeddings();
    for (int64_t i = 0; i < nq; ++i) std::copy_n(&art[size_t((i * n / nq) * d)], d, &picked[size_t(i * d)]);
    std::vector<float> q = model.retrieval_queries(picked, true);
    const int64_t k = std::min(c.check_k, n);
    auto t1 = std::chrono::steady_clock::now();
    SearchResult approx = index.search(q, k);
    double search_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    ItemIndex exact = ItemIndex::build("Flat", emb, dim);
    SearchResult truth = exact.search(q, k);
    check = {{"queries", nq},
             {"k", k},
             {"recall", recall_against(truth, approx)},
             {"search_ms_per_query", 1000.0 * search_s / double(nq)}};
  }
  uint64_t sum = index.save(ws.path(kIndexFile), {{"factory", c.factory}, {"params", c.params}, {"check", check}});
  ws.record(kIndexArtifact, kIndexFile, kIndexArtifact, kIndexVersion, sum, identity_json(c),
            {{"artifact:" + std::string(kModelArtifact), ws.artifact_input(kModelArtifact)}});
  return {{"index", ws.path(kIndexFile)}, {"factory", c.factory}, {"articles", n}, {"dim", dim},
          {"build_s", build_s},           {"check", check}};
}

ItemIndex load_or_build_index(const Workspace& ws, const TrainedModel& model, const std::string& params) {
  auto e = ws.entry(kIndexArtifact);
  std::string key = "artifact:" + std::string(kModelArtifact);
  if (!e.is_null() && e.contains("inputs") && e["inputs"].contains(key) &&
      e["inputs"][key] == ws.artifact_input(kModelArtifact)) {
    ItemIndex index = ItemIndex::load(ws.path(kIndexFile), params);
    if (index.size() == model.n_articles() && index.dim() == model.retrieval_dim()) return index;
  }
  spdlog::info("no index for this model in the workspace: using an exact one built in memory (fashionrec index)");
  return ItemIndex::build("Flat", model.retrieval_articles(), model.retrieval_dim(), params);
}

}  // namespace fr
