#pragma once
// ItemIndex: the article embeddings in a FAISS index (inner product), built from a factory
// string: "Flat" (exact, the default), "HNSW32" or "IVF256,Flat" for large catalogues.
// Labels are dense article ids. FAISS types stay out of this header.
//
// On disk: an artifact of kind "faiss-index" (core/artifact.h: checksummed, written
// atomically) with one u8 section "faiss", FAISS's own serialisation of the index, and meta
// {"factory", "dim", "size"}.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

namespace fr {

/// Results of a search: [nq, k] row-major; label -1 and score -inf where fewer than k exist.
struct SearchResult {
  int64_t nq = 0, k = 0;
  std::vector<int64_t> labels;
  std::vector<float> scores;
};

class ItemIndex {
 public:
  /// embeddings [n, dim] row-major. Throws UsageError for a factory string FAISS refuses.
  static ItemIndex build(const std::string& factory, std::span<const float> embeddings, int64_t dim,
                         const std::string& params = "");
  /// Throws ArtifactError for a missing, damaged or unreadable file.
  static ItemIndex load(const std::string& path, const std::string& params = "");
  ItemIndex(ItemIndex&&) noexcept;
  ItemIndex& operator=(ItemIndex&&) noexcept;
  ~ItemIndex();

  /// Written atomically (tmp + rename); returns the artifact's checksum.
  uint64_t save(const std::string& path, const nlohmann::json& meta = {}) const;
  int64_t size() const;
  int64_t dim() const;
  /// queries [nq, dim]. Thread-safe (FAISS searches are const).
  SearchResult search(std::span<const float> queries, int64_t k) const;
  /// Sets search-time parameters, e.g. "efSearch=128" or "nprobe=16" (FAISS ParameterSpace).
  void set_params(const std::string& params);

 private:
  struct Impl;
  explicit ItemIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Mean share of the exact top k that `approx` also returns, over the rows of both results.
double recall_against(const SearchResult& exact, const SearchResult& approx);

}  // namespace fr
