// ItemIndex (FAISS): exact search equals brute force, HNSW's recall against it, save and load,
// refused factory strings and damaged files.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "core/error.h"
#include "recommend/item_index.h"
#include "test_util.h"

using namespace fr;

namespace {
std::vector<float> unit_vectors(size_t n, size_t dim, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g;
  std::vector<float> v(n * dim);
  for (size_t i = 0; i < n; ++i) {
    double s = 0;
    for (size_t j = 0; j < dim; ++j) v[i * dim + j] = g(rng), s += double(v[i * dim + j]) * v[i * dim + j];
    for (size_t j = 0; j < dim; ++j) v[i * dim + j] = float(v[i * dim + j] / std::sqrt(s));
  }
  return v;
}
}  // namespace

TEST(ItemIndex, FlatIsExactInnerProduct) {
  const size_t n = 500, dim = 16;
  auto items = unit_vectors(n, dim, 1), queries = unit_vectors(20, dim, 2);
  auto index = ItemIndex::build("Flat", items, dim);
  EXPECT_EQ(index.size(), int64_t(n));
  auto r = index.search(queries, 5);
  for (size_t q = 0; q < 20; ++q) {
    std::vector<std::pair<float, int64_t>> all;
    for (size_t i = 0; i < n; ++i) {
      float s = 0;
      for (size_t j = 0; j < dim; ++j) s += queries[q * dim + j] * items[i * dim + j];
      all.emplace_back(-s, int64_t(i));
    }
    std::sort(all.begin(), all.end());
    for (size_t k = 0; k < 5; ++k) {
      EXPECT_EQ(r.labels[q * 5 + k], all[k].second) << "query " << q << " rank " << k;
      EXPECT_NEAR(r.scores[q * 5 + k], -all[k].first, 1e-5);
    }
  }
}

TEST(ItemIndex, HnswRecallAgainstExactAndSaveLoad) {
  const size_t n = 5000, dim = 32;
  auto items = unit_vectors(n, dim, 3), queries = unit_vectors(200, dim, 4);
  auto exact = ItemIndex::build("Flat", items, dim).search(queries, 20);
  auto hnsw = ItemIndex::build("HNSW32", items, dim, "efSearch=128");
  auto approx = hnsw.search(queries, 20);
  double recall = recall_against(exact, approx);
  EXPECT_GE(recall, 0.9) << "HNSW32 with efSearch 128";
  EXPECT_LE(recall, 1.0);
  test::TempDir dir;
  hnsw.save(dir / "i.frc");
  auto loaded = ItemIndex::load(dir / "i.frc", "efSearch=128");
  EXPECT_EQ(loaded.search(queries, 20).labels, approx.labels);
}

TEST(ItemIndex, BadFactoryDamagedFileAndMissingFile) {
  auto items = unit_vectors(10, 4, 5);
  EXPECT_THROW(ItemIndex::build("NoSuchIndex99", items, 4), UsageError);
  test::TempDir dir;
  test::write_file(dir / "bad.frc", "this is not a faiss index");
  EXPECT_THROW(ItemIndex::load(dir / "bad.frc"), ArtifactError);
  EXPECT_THROW(ItemIndex::load(dir / "missing.frc"), ArtifactError);
  auto ok = ItemIndex::build("Flat", items, 4);
  EXPECT_THROW(ok.set_params("noSuchParam=3"), UsageError);
}
