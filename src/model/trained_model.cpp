#include "model/trained_model.h"

#include <algorithm>

#include "core/artifact.h"
#include "core/error.h"
#include "model/candidate_features.h"
#include "model/towers.h"
#include "model/trainer.h"

namespace fr {

struct TrainedModel::Impl {
  Artifact art;
  ModelShape shape;
  TwoStageModel model{nullptr};
  double temperature = 1;
  std::unique_ptr<GbdtBooster> gbdt;
};

TrainedModel::TrainedModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TrainedModel::TrainedModel(TrainedModel&&) noexcept = default;
TrainedModel& TrainedModel::operator=(TrainedModel&&) noexcept = default;
TrainedModel::~TrainedModel() = default;

TrainedModel TrainedModel::load(const std::string& path, int threads) {
  auto impl =
      std::make_unique<Impl>(Impl{Artifact::open(path, kModelArtifact, kModelVersion, true, threads), {}, nullptr});
  try {
    impl->shape = ModelShape::from_json(impl->art.meta().at("shape"));
    impl->temperature = impl->art.meta().at("train").at("temperature").get<double>();
  } catch (const nlohmann::json::exception& e) {
    throw ArtifactError(path, std::string("its model shape is unreadable: ") + e.what());
  }
  impl->model = TwoStageModel(impl->shape);
  auto w = impl->art.column<uint8_t>("weights");
  try {
    torch::serialize::InputArchive a;
    a.load_from(reinterpret_cast<const char*>(w.data()), w.size());
    impl->model->load(a);
  } catch (const c10::Error& e) {
    throw ArtifactError(
        path, "its weights do not load (" + std::string(e.what_without_backtrace()).substr(0, 200) + "): train again");
  }
  impl->model->eval();
  auto emb = impl->art.column<float>("article_embeddings");
  if (emb.size() != size_t(impl->shape.tower.n_articles * impl->shape.tower.dim))
    throw ArtifactError(path, "article_embeddings has " + std::to_string(emb.size()) + " values, expected " +
                                  std::to_string(impl->shape.tower.n_articles) + " x " +
                                  std::to_string(impl->shape.tower.dim));
  if (impl->art.column<float>("retrieval_articles").size() !=
      size_t(impl->shape.tower.n_articles * (impl->shape.tower.dim + 1)))
    throw ArtifactError(path, "retrieval_articles does not match article_embeddings: train again");
  if (impl->art.has(kGbdtSection))
    impl->gbdt = std::make_unique<GbdtBooster>(
        GbdtBooster::load(impl->art.column<uint8_t>(kGbdtSection), CandidateFeatures::dim(), path));
  return TrainedModel(std::move(impl));
}

const GbdtBooster* TrainedModel::gbdt() const { return impl_->gbdt.get(); }
std::string TrainedModel::ranker() const {
  return meta().value("train", nlohmann::json::object()).value("ranker", "neural");
}

void TrainedModel::set_compute_threads(int threads) { torch::set_num_threads(std::max(1, threads)); }

int64_t TrainedModel::dim() const { return impl_->shape.tower.dim; }
int64_t TrainedModel::n_articles() const { return impl_->shape.tower.n_articles; }
const nlohmann::json& TrainedModel::meta() const { return impl_->art.meta(); }
std::span<const float> TrainedModel::article_embeddings() const {
  return impl_->art.column<float>("article_embeddings");
}

std::span<const float> TrainedModel::retrieval_articles() const {
  return impl_->art.column<float>("retrieval_articles");
}

std::vector<float> TrainedModel::retrieval_queries(std::span<const float> embeddings, bool with_popularity) const {
  const size_t d = size_t(dim()), n = embeddings.size() / d;
  std::vector<float> out(n * (d + 1));
  for (size_t i = 0; i < n; ++i) {
    std::copy_n(&embeddings[i * d], d, &out[i * (d + 1)]);
    out[i * (d + 1) + d] = with_popularity ? 1.f : 0.f;
  }
  return out;
}

std::vector<float> TrainedModel::embed_customers(const CustomerInputs& in) const {
  torch::NoGradGuard g;
  auto q = impl_->model->embed_customers(in).contiguous();
  return {q.data_ptr<float>(), q.data_ptr<float>() + q.numel()};
}

float TrainedModel::retrieval_score(std::span<const float> q, int32_t article) const {
  const size_t d = size_t(dim());
  const float* r = &retrieval_articles()[size_t(article) * (d + 1)];
  double s = r[d];
  for (size_t k = 0; k < d; ++k) s += double(q[k]) * r[k];
  return float(s / impl_->temperature);
}

std::vector<float> TrainedModel::rank(std::span<const float> customer, std::span<const float> article,
                                      const std::vector<float>& pair, std::span<const float> score) const {
  torch::NoGradGuard g;
  const int64_t d = dim(), n = int64_t(customer.size()) / d;
  auto c = torch::from_blob(const_cast<float*>(customer.data()), {n, d}, torch::kFloat);
  auto a = torch::from_blob(const_cast<float*>(article.data()), {n, d}, torch::kFloat);
  auto s = torch::from_blob(const_cast<float*>(score.data()), {n}, torch::kFloat);
  auto p = torch::sigmoid(impl_->model->rank(c, a, pair, s)).contiguous();
  return {p.data_ptr<float>(), p.data_ptr<float>() + p.numel()};
}

}  // namespace fr
