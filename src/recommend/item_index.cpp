#include "recommend/item_index.h"

#include <faiss/AutoTune.h>
#include <faiss/Index.h>
#include <faiss/impl/io.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "core/artifact.h"
#include "core/error.h"

namespace fr {

namespace {
constexpr const char* kIndexKind = "faiss-index";
constexpr uint32_t kIndexKindVersion = 1;
}  // namespace

struct ItemIndex::Impl {
  std::unique_ptr<faiss::Index> index;
};

ItemIndex::ItemIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ItemIndex::ItemIndex(ItemIndex&&) noexcept = default;
ItemIndex& ItemIndex::operator=(ItemIndex&&) noexcept = default;
ItemIndex::~ItemIndex() = default;

ItemIndex ItemIndex::build(const std::string& factory, std::span<const float> embeddings, int64_t dim,
                           const std::string& params) {
  if (dim <= 0 || embeddings.size() % size_t(dim) != 0) throw InternalError("ItemIndex::build: bad embedding shape");
  auto impl = std::make_unique<Impl>();
  const int64_t n = int64_t(embeddings.size()) / dim;
  try {
    impl->index.reset(faiss::index_factory(int(dim), factory.c_str(), faiss::METRIC_INNER_PRODUCT));
    if (!impl->index->is_trained) impl->index->train(n, embeddings.data());
    impl->index->add(n, embeddings.data());
  } catch (const faiss::FaissException& e) {
    throw UsageError("the index factory string '" + factory + "' was refused by FAISS: " + e.msg);
  }
  ItemIndex out(std::move(impl));
  if (!params.empty()) out.set_params(params);
  return out;
}

ItemIndex ItemIndex::load(const std::string& path, const std::string& params) {
  if (!std::filesystem::exists(path)) throw ArtifactError(path, "no index: run fashionrec index");
  Artifact a = Artifact::open(path, kIndexKind, kIndexKindVersion);
  auto bytes = a.column<uint8_t>("faiss");
  auto impl = std::make_unique<Impl>();
  try {
    faiss::VectorIOReader r;
    r.data.assign(bytes.begin(), bytes.end());
    impl->index.reset(faiss::read_index(&r));
  } catch (const faiss::FaissException& e) {
    throw ArtifactError(path, "FAISS cannot read the index in it (" + e.msg + "): run fashionrec index --force");
  }
  ItemIndex out(std::move(impl));
  if (!params.empty()) out.set_params(params);
  return out;
}

uint64_t ItemIndex::save(const std::string& path, const nlohmann::json& meta) const {
  faiss::VectorIOWriter w;
  faiss::write_index(impl_->index.get(), &w);
  ArtifactWriter out(path, kIndexKind, kIndexKindVersion);
  out.add("faiss", std::span<const uint8_t>(w.data));
  nlohmann::json m = meta.is_object() ? meta : nlohmann::json::object();
  m["dim"] = dim();
  m["size"] = size();
  out.set_meta(m);
  return out.commit();
}

int64_t ItemIndex::size() const { return impl_->index->ntotal; }
int64_t ItemIndex::dim() const { return impl_->index->d; }

void ItemIndex::set_params(const std::string& params) {
  try {
    faiss::ParameterSpace().set_index_parameters(impl_->index.get(), params.c_str());
  } catch (const faiss::FaissException& e) {
    throw UsageError("index parameters '" + params + "' were refused by FAISS: " + e.msg);
  }
}

SearchResult ItemIndex::search(std::span<const float> queries, int64_t k) const {
  SearchResult r;
  r.nq = int64_t(queries.size()) / dim();
  r.k = k;
  r.labels.assign(size_t(r.nq * k), -1);
  r.scores.assign(size_t(r.nq * k), 0.f);
  if (r.nq > 0 && k > 0) impl_->index->search(r.nq, queries.data(), k, r.scores.data(), r.labels.data());
  return r;
}

double recall_against(const SearchResult& exact, const SearchResult& approx) {
  if (exact.nq == 0 || exact.nq != approx.nq) return 0;
  double sum = 0;
  for (int64_t q = 0; q < exact.nq; ++q) {
    std::vector<int64_t> a(approx.labels.begin() + q * approx.k, approx.labels.begin() + (q + 1) * approx.k);
    std::sort(a.begin(), a.end());
    int64_t found = 0, want = 0;
    for (int64_t j = 0; j < exact.k; ++j) {
      int64_t l = exact.labels[size_t(q * exact.k + j)];
      if (l < 0) continue;
      ++want;
      found += std::binary_search(a.begin(), a.end(), l);
    }
    sum += want ? double(found) / double(want) : 1.0;
  }
  return sum / double(exact.nq);
}

}  // namespace fr
