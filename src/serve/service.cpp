#include "serve/service.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

#include "data/dataset.h"
#include "data/parse.h"
#include "features/features_stage.h"
#include "features/raw_features.h"
#include "features/split.h"
#include "features/transform.h"
#include "image/embed_stage.h"
#include "model/as_of_data.h"
#include "model/trainer.h"
#include "recommend/index_stage.h"
#include "recommend/recommender.h"
#include "tune/refit.h"

namespace fr {

struct Service::Impl {
  ServiceConfig c;
  std::string workspace, loaded_at;
  Dataset d;
  TrainedModel model;
  ItemIndex index;
  std::unique_ptr<AsOfData> data;
  bool refitted = false;
  std::unique_ptr<Recommender> rec;
  // The picture's nearest neighbours: L2-normalised PCA vectors of the articles with a photo.
  std::unique_ptr<ItemIndex> image_index;
  std::vector<int32_t> image_rows;                       // index label -> dense article id
  std::vector<int64_t> image_label_of;                   // dense article id -> index label, -1 = no photo
  std::vector<float> image_vectors;                      // [image_rows, dim]
  std::unique_ptr<FeatureTransform> customer_transform;  // for customers described by a request

  nlohmann::json answer(const Recommendation& r, const std::string& who, int64_t k) const {
    nlohmann::json out = {{"customer_id", who},
                          {"as_of", format_date(data->day())},
                          {"purchases_before", r.customer >= 0 ? data->purchases(r.customer).size() : 0},
                          {"recommendations", nlohmann::json::array()}};
    for (size_t j = 0; j < std::min(r.candidates.size(), size_t(k)); ++j) {
      const auto& a = r.candidates[j];
      nlohmann::json sources = nlohmann::json::array();
      for (size_t b = 0; b < kSourceNames.size(); ++b)
        if (a.sources & (1u << b)) sources.push_back(kSourceNames[b]);
      out["recommendations"].push_back({{"article_id", format_article_id(d.article_id[size_t(a.article)])},
                                        {"score", a.score},
                                        {"sources", sources},
                                        {"article", article_json(a.article)}});
    }
    return out;
  }

  int32_t find_customer(std::string_view id) const {
    auto c = d.find_customer(id);
    if (!c) throw NotFound("unknown customer '" + std::string(id.substr(0, 80)) + "'");
    return *c;
  }
  int32_t find_article(std::string_view id) const {
    auto a = id.empty() || id.size() > 10 || !std::all_of(id.begin(), id.end(), ::isdigit) ? std::nullopt
                                                                                           : d.find_article(id);
    if (!a) throw NotFound("unknown article '" + std::string(id.substr(0, 80)) + "'");
    return *a;
  }
  nlohmann::json article_json(int32_t a) const {
    std::string id = format_article_id(d.article_id[size_t(a)]);
    nlohmann::json j = {{"article_id", id}, {"image_url", "/images/" + id + ".jpg"}};
    for (const char* col : {"prod_name", "product_type_name", "product_group_name", "colour_group_name",
                            "graphical_appearance_name", "department_name", "index_group_name"})
      j[col] = std::string(d.category(col).at(size_t(a)));
    j["detail_desc"] = std::string(d.detail_desc[size_t(a)]);
    j["has_metadata"] = d.article_has_meta[size_t(a)] == 1;
    return j;
  }
  void check_k(int64_t k) const {
    if (k < 1 || k > c.max_k) throw BadRequest("k must be in 1.." + std::to_string(c.max_k));
  }
};

Service::Service() : impl_(nullptr) {}
Service::~Service() = default;

std::shared_ptr<const Service> Service::load(const Workspace& workspace, const ServiceConfig& c) {
  auto svc = std::shared_ptr<Service>(new Service());
  // The model refitted through the last day when it is up to date (tune/refit.h): its split
  // has no validation window, so its "validation" day is the day after the data.
  const ServingWorkspace serving = serving_workspace(workspace);
  const Workspace& ws = serving.ws;
  const auto when = serving.when;
  Dataset d = Dataset::load(ws.path(kDatasetFile));
  Split split = load_split(ws);
  TrainedModel model = TrainedModel::load(ws.path(kModelFile), c.threads);
  ItemIndex index = load_or_build_index(ws, model, c.recommend.index_params);
  svc->impl_ =
      std::unique_ptr<Impl>(new Impl{c, workspace.dir(), "", std::move(d), std::move(model), std::move(index)});
  Impl& m = *svc->impl_;
  m.refitted = serving.refitted;
  m.data = std::make_unique<AsOfData>(ws, m.d, split, when, c.threads);
  m.rec = std::make_unique<Recommender>(m.model, m.index, *m.data, c.recommend);
  {
    Artifact f = Artifact::open(ws.path(kFeaturesFile), kFeaturesArtifact, kFeaturesVersion);
    m.customer_transform =
        std::make_unique<FeatureTransform>(FeatureTransform::from_json(f.meta().at("customer_transform")));
  }
  if (std::filesystem::exists(ws.path(kImageFile))) {
    Artifact img = Artifact::open(ws.path(kImageFile), kImageArtifact, kImageVersion);
    auto mask = img.column<uint8_t>("mask");
    auto pca = img.column<float>("pca");
    if (mask.size() == size_t(m.d.n_articles()) && !mask.empty()) {
      const size_t dim = pca.size() / mask.size();
      m.image_label_of.assign(mask.size(), -1);
      for (size_t a = 0; a < mask.size(); ++a) {
        if (!mask[a]) continue;
        double norm = 0;
        for (size_t j = 0; j < dim; ++j) norm += double(pca[a * dim + j]) * pca[a * dim + j];
        norm = norm > 0 ? std::sqrt(norm) : 1;
        m.image_label_of[a] = int64_t(m.image_rows.size());
        m.image_rows.push_back(int32_t(a));
        for (size_t j = 0; j < dim; ++j) m.image_vectors.push_back(float(pca[a * dim + j] / norm));
      }
      if (!m.image_rows.empty())
        m.image_index = std::make_unique<ItemIndex>(ItemIndex::build("Flat", m.image_vectors, int64_t(dim)));
    }
  }
  std::time_t t = std::time(nullptr);
  char b[32];
  std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  m.loaded_at = b;
  return svc;
}

nlohmann::json Service::recommendations(std::string_view customer_id, int64_t k) const {
  const Impl& m = *impl_;
  m.check_k(k);
  int32_t cu = m.find_customer(customer_id);
  return m.answer(m.rec->recommend(std::span<const int32_t>(&cu, 1))[0], std::string(customer_id), k);
}

nlohmann::json Service::recommend_request(const nlohmann::json& body) const {
  const Impl& m = *impl_;
  if (!body.is_object()) throw BadRequest("the body must be a JSON object");
  int64_t k = 12;
  if (body.contains("k")) {
    if (!body["k"].is_number_integer()) throw BadRequest("k must be an integer");
    k = body["k"].get<int64_t>();
  }
  m.check_k(k);
  CustomerProfile p;
  p.age = std::numeric_limits<float>::quiet_NaN();
  std::string who;
  if (body.contains("customer_id")) {
    if (!body["customer_id"].is_string()) throw BadRequest("customer_id must be a string");
    who = body["customer_id"].get<std::string>();
    p.customer = m.find_customer(who);
    const FeatureRows& rows = m.data->customer_rows();
    size_t c = size_t(p.customer);
    p.x.assign(rows.x.begin() + long(c * rows.dim), rows.x.begin() + long((c + 1) * rows.dim));
    p.idx.assign(rows.idx.begin() + long(c * rows.n_index), rows.idx.begin() + long((c + 1) * rows.n_index));
    p.age = m.d.age[c];
  } else {
    const nlohmann::json cust = body.value("customer", nlohmann::json::object());
    if (!cust.is_object()) throw BadRequest("customer must be an object");
    std::map<std::string, float> nums;
    std::map<std::string, std::string> cats;
    auto number = [&](const char* key) {
      if (!cust.contains(key) || cust[key].is_null()) return;
      if (!cust[key].is_number()) throw BadRequest(std::string("customer.") + key + " must be a number");
      nums[key] = cust[key].get<float>();
    };
    number("age"), number("FN"), number("Active");
    if (nums.count("age") && (nums["age"] < 0 || nums["age"] > 120)) throw BadRequest("customer.age must be 0..120");
    for (const char* key : {"club_member_status", "fashion_news_frequency"})
      if (cust.contains(key)) {
        if (!cust[key].is_string()) throw BadRequest(std::string("customer.") + key + " must be a string");
        cats[key] = cust[key].get<std::string>();
      }
    if (cats.count("fashion_news_frequency") && cats["fashion_news_frequency"] == "None")
      cats["fashion_news_frequency"] = "NONE";
    if (nums.count("age")) {
      p.age = nums["age"];
      int b = age_bucket(p.age);
      if (b >= 0) cats["age_bucket"] = age_bucket_names()[size_t(b)];
    }
    p.x.assign(size_t(m.customer_transform->dim()), 0.f);
    p.idx.assign(size_t(m.customer_transform->n_index()), 0);
    m.customer_transform->apply_row(nums, cats, {}, p.x.data(), p.idx.data());
    who = "";
  }
  if (body.contains("history")) {
    if (!body["history"].is_array()) throw BadRequest("history must be an array of article ids");
    if (body["history"].size() > 100) throw BadRequest("history holds at most 100 articles");
    for (auto& id : body["history"]) {
      if (!id.is_string()) throw BadRequest("history must hold article ids as strings");
      p.session.push_back(m.find_article(id.get<std::string>()));
    }
  }
  return m.answer(m.rec->recommend(p), who, k);
}

nlohmann::json Service::article(std::string_view article_id) const {
  return impl_->article_json(impl_->find_article(article_id));
}

nlohmann::json Service::similar(std::string_view article_id, int64_t k, std::string_view by) const {
  const Impl& m = *impl_;
  m.check_k(k);
  int32_t a = m.find_article(article_id);
  SearchResult r;
  std::vector<int32_t> found;
  if (by == "tower") {
    const size_t dim = size_t(m.model.dim());
    auto emb = m.model.article_embeddings().subspan(size_t(a) * dim, dim);
    r = m.index.search(m.model.retrieval_queries(emb, false), k + 1);
    for (int64_t l : r.labels) found.push_back(int32_t(l));
  } else if (by == "image") {
    if (!m.image_index) throw NotFound("no image embeddings in this workspace: run fashionrec embed-images");
    int64_t label = m.image_label_of[size_t(a)];
    if (label < 0) throw NotFound("article " + std::string(article_id) + " has no picture embedding");
    const size_t dim = size_t(m.image_index->dim());
    r = m.image_index->search(std::span<const float>(m.image_vectors).subspan(size_t(label) * dim, dim), k + 1);
    for (int64_t l : r.labels) found.push_back(l < 0 ? -1 : m.image_rows[size_t(l)]);
  } else {
    throw BadRequest("by must be tower or image");
  }
  nlohmann::json out = {{"article", m.article_json(a)}, {"by", std::string(by)}, {"similar", nlohmann::json::array()}};
  for (size_t j = 0; j < found.size() && out["similar"].size() < size_t(k); ++j) {
    if (found[j] < 0 || found[j] == a) continue;
    auto item = m.article_json(found[j]);
    item["score"] = r.scores[j];
    out["similar"].push_back(item);
  }
  return out;
}

nlohmann::json Service::customer(std::string_view customer_id, int64_t last) const {
  const Impl& m = *impl_;
  int32_t cu = m.find_customer(customer_id);
  size_t c = size_t(cu);
  float age = m.d.age[c];
  nlohmann::json j = {{"customer_id", std::string(customer_id)},
                      {"age", std::isnan(age) ? nlohmann::json() : nlohmann::json(age)},
                      {"club_member_status", std::string(m.d.club_member_status.at(c))},
                      {"fashion_news_frequency", std::string(m.d.fashion_news_frequency.at(c))},
                      {"purchases", m.data->purchases(cu).size()},
                      {"last_purchases", nlohmann::json::array()}};
  auto rows = m.data->purchases(cu);
  for (auto it = rows.rbegin(); it != rows.rend() && j["last_purchases"].size() < size_t(std::max<int64_t>(0, last));
       ++it) {
    auto item = m.article_json(m.d.tx_article[*it]);
    item["date"] = format_date(m.d.tx_day[*it]);
    j["last_purchases"].push_back(item);
  }
  return j;
}

nlohmann::json Service::search_customers(std::string_view prefix, int64_t limit) const {
  const Impl& m = *impl_;
  if (limit < 1 || limit > 100) throw BadRequest("limit must be in 1..100");
  nlohmann::json out = nlohmann::json::array();
  for (int32_t c = 0; c < m.d.n_customers() && out.size() < size_t(limit); ++c) {
    std::string_view id = m.d.customer_id[size_t(c)];
    if (id.substr(0, prefix.size()) != prefix || m.data->purchases(c).empty()) continue;
    out.push_back({{"customer_id", std::string(id)}, {"purchases", m.data->purchases(c).size()}});
  }
  return out;
}

std::optional<std::string> Service::image_path(std::string_view article_id) const {
  const Impl& m = *impl_;
  if (m.c.images.empty()) return std::nullopt;
  // Only an id the data knows becomes a path: no request text ever reaches the file system.
  auto a = article_id.size() == 10 && std::all_of(article_id.begin(), article_id.end(), ::isdigit)
               ? m.d.find_article(article_id)
               : std::nullopt;
  if (!a) return std::nullopt;
  std::string id = format_article_id(m.d.article_id[size_t(*a)]);
  std::string p = m.c.images + "/" + id.substr(0, 3) + "/" + id + ".jpg";
  if (!std::filesystem::is_regular_file(p)) return std::nullopt;
  return p;
}

nlohmann::json Service::health() const {
  const Impl& m = *impl_;
  return {{"status", "ok"},
          {"workspace", m.workspace},
          {"loaded_at", m.loaded_at},
          {"as_of", format_date(m.data->day())},
          // What is shipped (train.policy, chosen by tune): "model" or a ranking that beat it.
          {"policy", m.rec->policy()},
          {"model_as_of", m.model.meta().value("as_of", "")},
          // true: the model refitted through the last day (train --refit); false: the one evaluate scores.
          {"refitted", m.refitted},
          {"customers", m.d.n_customers()},
          {"articles", m.d.n_articles()},
          {"image_similarity", m.image_index != nullptr},
          {"images", !m.c.images.empty()}};
}

}  // namespace fr
