// train --refit on the tiny preset (run refits by default after evaluation): the refitted
// model learns from the validation window too, so its towers can find an article first sold
// in that window; evaluate keeps scoring the model trained before it.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "data/dataset.h"
#include "features/split.h"
#include "model/as_of_data.h"
#include "model/trained_model.h"
#include "model/trainer.h"
#include "recommend/index_stage.h"
#include "recommend/recommender.h"
#include "test_util.h"
#include "tune/refit.h"

using namespace fr;

namespace {

/// How many (buyer, article) pairs of the validation window, for articles first sold in it,
/// the towers of the workspace's model put in the buyer's top 100.
size_t tower_finds(const Workspace& ws, AsOfData::When when, const std::vector<std::pair<int32_t, int32_t>>& pairs) {
  Dataset d = Dataset::load(ws.path(kDatasetFile));
  Split split = load_split(ws);
  TrainedModel model = TrainedModel::load(ws.path(kModelFile));
  RecommendConfig rc;
  ItemIndex index = load_or_build_index(ws, model, rc.index_params);
  AsOfData data(ws, d, split, when, 2);
  Recommender rec(model, index, data, rc);
  size_t found = 0;
  for (auto [c, a] : pairs) {
    auto r = rec.recommend(std::span<const int32_t>(&c, 1))[0];
    found += std::find(r.retrieval.begin(), r.retrieval.end(), a) != r.retrieval.end();
  }
  return found;
}

}  // namespace

TEST(Refit, TheRefittedTowersFindArticlesFirstSoldInTheValidationWindow) {
  const auto& f = test::tiny_pipeline();
  Workspace ws(f.ws, false);
  auto refit = fresh_refit(ws);
  ASSERT_TRUE(refit) << "run refits after evaluation: " << f.run_out;
  EXPECT_NE(f.run_out.find("refit: ran"), std::string::npos) << f.run_out;
  Workspace rw(*refit, false);
  // Both models live in the workspace, each with its fingerprint.
  EXPECT_FALSE(ws.entry(kModelArtifact).is_null());
  EXPECT_FALSE(rw.entry(kModelArtifact).is_null());
  Split outer = load_split(ws), inner = load_split(rw);
  EXPECT_EQ(inner.val_start, outer.val_end + 1) << "the refit trains through the last day";
  EXPECT_EQ(TrainedModel::load(rw.path(kModelFile)).meta()["as_of_day"].get<int32_t>(), outer.val_end + 1);
  EXPECT_EQ(TrainedModel::load(ws.path(kModelFile)).meta()["as_of_day"].get<int32_t>(), outer.val_start)
      << "evaluate's model is still the one before the validation window";

  // Articles first sold in the validation window, and their buyers there.
  Dataset d = Dataset::load(ws.path(kDatasetFile));
  std::vector<int32_t> first(size_t(d.n_articles()), INT32_MAX);
  for (int64_t i = 0; i < d.n_transactions(); ++i)
    first[size_t(d.tx_article[size_t(i)])] = std::min(first[size_t(d.tx_article[size_t(i)])], d.tx_day[size_t(i)]);
  std::vector<std::pair<int32_t, int32_t>> pairs;
  for (int64_t i = 0; i < d.n_transactions(); ++i) {
    int32_t a = d.tx_article[size_t(i)];
    if (outer.is_val(d.tx_day[size_t(i)]) && first[size_t(a)] >= outer.val_start)
      pairs.push_back({d.tx_customer[size_t(i)], a});
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  ASSERT_GT(pairs.size(), 5u) << "the tiny world launches articles in its last week";
  size_t refit_found = tower_finds(rw, AsOfData::When::kValidation, pairs);
  size_t before_found = tower_finds(ws, AsOfData::When::kLatest, pairs);
  std::cout << "new articles' buyers: " << pairs.size() << " pairs; the refitted towers find " << refit_found
            << ", the model before the window " << before_found << "\n";
  EXPECT_GT(refit_found, 0u);
  EXPECT_GE(refit_found, before_found);
}
