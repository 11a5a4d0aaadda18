#include "features/features_stage.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <sstream>

#include "core/artifact.h"
#include "core/error.h"
#include "core/parallel.h"
#include "data/dataset.h"
#include "data/parse.h"
#include "features/pair_features.h"
#include "features/raw_features.h"
#include "features/split.h"
#include "image/image_artifact.h"

namespace fr {

std::string feature_report_markdown(const nlohmann::json& report) {
  std::ostringstream o;
  o << "# Feature report\n\nFeatures as of " << report["as_of"].get<std::string>()
    << " (the first validation day), computed from training days only.\n\n"
    << "| feature | type | source | mean | std | median | min | max | missing "
       "|\n|---|---|---|---|---|---|---|---|---|\n";
  auto num = [](const nlohmann::json& v) {
    if (!v.is_number()) return std::string("");
    char b[32];
    std::snprintf(b, sizeof b, "%.4g", v.get<double>());
    return std::string(b);
  };
  for (auto& f : report["features"]) {
    o << "| " << f["name"].get<std::string>() << " | " << f["type"].get<std::string>();
    if (f.contains("values")) o << " (" << f["values"] << " values)";
    o << " | " << f["source"].get<std::string>() << " | " << num(f.value("mean", nlohmann::json())) << " | "
      << num(f.value("std", nlohmann::json())) << " | " << num(f.value("median", nlohmann::json())) << " | "
      << num(f.value("min", nlohmann::json())) << " | " << num(f.value("max", nlohmann::json())) << " | "
      << f["missing"] << " |\n";
  }
  return o.str();
}

std::string join_image_features(const Workspace& ws, const Dataset& d, RawTable& art) {
  nlohmann::json image = ws.entry(kImageArtifact);
  if (image.is_null()) return "not made yet (fashionrec embed-images): not in the features";
  {
    Artifact img = Artifact::open(ws.path(kImageFile), kImageArtifact, kImageVersion);
    auto mask = img.column<uint8_t>("mask");
    auto pca = img.column<float>("pca");
    if (mask.size() != size_t(d.n_articles()))
      throw ArtifactError(ws.path(kImageFile), "made for another dataset (" + std::to_string(mask.size()) +
                                                   " articles, the dataset has " + std::to_string(d.n_articles()) +
                                                   "): run embed-images again");
    size_t k = pca.size() / mask.size();
    auto& has = art.add_num("has_image");
    for (size_t a = 0; a < mask.size(); ++a) has[a] = mask[a];
    for (size_t j = 0; j < k; ++j) {
      auto& col = art.add_num("image_pca_" + std::to_string(j));
      for (size_t a = 0; a < mask.size(); ++a) col[a] = mask[a] ? pca[a * k + j] : 0.f;  // has_image says which
    }
    return std::to_string(k) + " PCA dimensions from " + img.meta().value("extractor", std::string("?")) +
           ", for the articles with a photo (has_image)";
  }
}

nlohmann::json run_features(const Workspace& ws, const FeaturesConfig& c, int threads, bool force) {
  nlohmann::json config = identity_json(c);  // the fingerprint: run-time knobs left out
  nlohmann::json inputs = {{"artifact:dataset", ws.artifact_input(kDatasetArtifact)},
                           {"artifact:split", ws.artifact_input(kSplitArtifact)}};
  // The image embeddings join the article features when the image stage has made them; the
  // config records which (so making them later reruns this stage).
  nlohmann::json image = ws.entry(kImageArtifact);
  config["image_embeddings"] = image.is_null() ? nlohmann::json("none") : image["checksum"];
  if (!image.is_null()) inputs["artifact:image_embeddings"] = ws.artifact_input(kImageArtifact);
  std::string why;
  if (!force && ws.is_up_to_date(kFeaturesArtifact, config, {}, &why)) {
    auto a = Artifact::open(ws.path(kFeaturesFile), kFeaturesArtifact, kFeaturesVersion, false);
    return {{"up_to_date", true}, {"as_of", a.meta()["as_of"]}};
  }
  auto t0 = std::chrono::steady_clock::now();
  auto lap = [&](const char* what) {
    spdlog::info("features: {} ({:.1f} s)", what,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  };
  Dataset d = Dataset::load(ws.path(kDatasetFile));
  ValidationTruth truth;
  Split s = load_split(ws, &truth);

  RawTable cust = customer_features(d, s, threads);
  lap("customer features");
  RawTable art = article_features(d, s, threads);
  std::string image_note = join_image_features(ws, d, art);
  lap("article features");
  FeatureTransform ct = FeatureTransform::fit(cust), at = FeatureTransform::fit(art);
  std::vector<float> cx, ax;
  std::vector<int32_t> ci, ai;
  ct.apply(cust, cx, ci, threads);
  at.apply(art, ax, ai, threads);
  lap("transforms fitted and applied");

  NegativeConfig nc{c.negatives, c.negative_sampling, uint64_t(c.seed)};
  LabelledPairs pairs = sample_negatives(truth, d, s, nc);
  PairFeaturizer pf(d, s);
  std::vector<float> px(pairs.customer.size() * PairFeaturizer::kDim);
  parallel_for((pairs.customer.size() + 4095) / 4096, threads, [&](size_t b) {
    for (size_t i = b * 4096; i < std::min(pairs.customer.size(), (b + 1) * 4096); ++i)
      pf.compute(pairs.customer[i], pairs.article[i], &px[i * PairFeaturizer::kDim]);
  });
  lap("validation pairs sampled and featurised");

  nlohmann::json features = ct.report("customers");
  for (auto& f : at.report("articles")) features.push_back(f);
  for (auto& n : PairFeaturizer::names()) {
    size_t k = size_t(&n - &PairFeaturizer::names()[0]);
    int64_t missing = 0;
    double sum = 0;
    float lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < pairs.customer.size(); ++i) {
      float v = px[i * PairFeaturizer::kDim + k];
      if (std::isnan(v)) {
        ++missing;
        continue;
      }
      sum += v;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    int64_t present = int64_t(pairs.customer.size()) - missing;
    features.push_back({{"name", n},
                        {"type", "number, raw (pairs)"},
                        {"source", "customer x article"},
                        {"mean", present ? sum / double(present) : 0.0},
                        {"min", present ? lo : 0.f},
                        {"max", present ? hi : 0.f},
                        {"missing", missing}});
  }
  nlohmann::json report = {{"as_of", format_date(s.val_start)}, {"customers", d.n_customers()},
                           {"articles", d.n_articles()},        {"customer_dim", ct.dim()},
                           {"article_dim", at.dim()},           {"pairs", pairs.customer.size()},
                           {"image_embedding", image_note},     {"features", features}};

  ArtifactWriter w(ws.path(kFeaturesFile), kFeaturesArtifact, kFeaturesVersion);
  w.add("cust.x", cx);
  w.add("cust.idx", ci);
  w.add("art.x", ax);
  w.add("art.idx", ai);
  w.add("pairs.customer", pairs.customer);
  w.add("pairs.article", pairs.article);
  w.add("pairs.label", pairs.label);
  w.add("pairs.x", px);
  w.set_meta({{"as_of", format_date(s.val_start)},
              {"as_of_day", s.val_start},
              {"customer_transform", ct.to_json()},
              {"article_transform", at.to_json()},
              {"customer_columns", ct.column_names()},
              {"customer_index_columns", ct.index_names()},
              {"article_columns", at.column_names()},
              {"article_index_columns", at.index_names()},
              {"pair_columns", PairFeaturizer::names()},
              {"report", report}});
  uint64_t sum = w.commit(threads);
  write_file_atomic(ws.path("feature_report.json"), report.dump(2) + "\n");
  write_file_atomic(ws.path("feature_report.md"), feature_report_markdown(report));
  ws.record(kFeaturesArtifact, kFeaturesFile, kFeaturesArtifact, kFeaturesVersion, sum, config, inputs);
  lap("written");
  return {{"as_of", format_date(s.val_start)},
          {"customers", d.n_customers()},
          {"articles", d.n_articles()},
          {"customer_dim", ct.dim()},
          {"customer_index_columns", ct.n_index()},
          {"article_dim", at.dim()},
          {"article_index_columns", at.n_index()},
          {"pairs", pairs.customer.size()},
          {"report", ws.path("feature_report.md")}};
}

}  // namespace fr
