#pragma once
// Checksums (XXH3-64 from libxxhash: the fastest well-tested non-cryptographic hash packaged
// in Debian, ~20 GB/s, so verifying a full-scale artifact on load costs tens of ms).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace fr {

uint64_t xxh3(const void* data, size_t bytes);
inline uint64_t xxh3(std::string_view s) { return xxh3(s.data(), s.size()); }

/// Streaming XXH3-64.
class Hasher {
 public:
  Hasher();
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  void update(const void* data, size_t bytes);
  uint64_t digest() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// 16 lower-case hex digits.
std::string hex64(uint64_t v);

/// Content fingerprint of a file that does not depend on how it is read: XXH3 over the XXH3
/// of each kFingerprintBlock-sized block. The parallel CSV reader computes the same value
/// while it parses, so an ingest hashes its input for free.
inline constexpr size_t kFingerprintBlock = size_t(8) << 20;
uint64_t combine_block_hashes(std::span<const uint64_t> block_hashes);
uint64_t file_fingerprint(const std::string& path, int threads = 1);

}  // namespace fr
