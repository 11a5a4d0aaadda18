#include "data/id_index.h"

#include <algorithm>
#include <cstring>

#include "core/checksum.h"

namespace fr {
namespace {
inline uint64_t mix(uint64_t x) {  // splitmix64 finalizer
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
size_t table_size_for(size_t n) {
  size_t s = 16;
  while (s < n * 2) s <<= 1;
  return s;
}
}  // namespace

void StringIdIndex::reserve(size_t n) {
  if (table_size_for(n) > slots_.size()) {
    size_t want = table_size_for(n);
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(want, Slot{0, 0, 0, -1});
    mask_ = want - 1;
    for (auto& s : old)
      if (s.id >= 0) {
        uint64_t i = s.hash & mask_;
        while (slots_[i].id >= 0) i = (i + 1) & mask_;
        slots_[i] = s;
      }
  }
}

void StringIdIndex::grow() { reserve(std::max<size_t>(16, size() * 2)); }

uint64_t StringIdIndex::hash(std::string_view key) { return xxh3(key); }

int32_t StringIdIndex::find(std::string_view key, uint64_t h) const {
  if (slots_.empty()) return -1;
  const char* base = keys_.data.data();
  for (uint64_t i = h & mask_;; i = (i + 1) & mask_) {
    const Slot& s = slots_[i];
    if (s.id < 0) return -1;
    if (s.hash == h && s.len == key.size() && std::memcmp(base + s.offset, key.data(), key.size()) == 0) return s.id;
  }
}

int32_t StringIdIndex::insert(std::string_view key, uint64_t h, bool* inserted) {
  if ((size() + 1) * 2 > slots_.size()) grow();
  for (uint64_t i = h & mask_;; i = (i + 1) & mask_) {
    Slot& s = slots_[i];
    if (s.id < 0) {
      s = Slot{h, uint64_t(keys_.data.size()), uint32_t(key.size()), int32_t(size())};
      keys_.push(key);
      if (inserted) *inserted = true;
      return s.id;
    }
    if (s.hash == h && s.len == key.size() && std::memcmp(keys_.data.data() + s.offset, key.data(), key.size()) == 0) {
      if (inserted) *inserted = false;
      return s.id;
    }
  }
}

std::vector<int32_t> StringIdIndex::insert_all(const StringIdIndex& other) {
  const size_t n = other.size();
  std::vector<int32_t> map(n);
  reserve(size() + n);  // no growth inside a batch
  constexpr size_t kBatch = 16;
  uint64_t h[kBatch];
  for (size_t b = 0; b < n; b += kBatch) {
    size_t m = std::min(kBatch, n - b);
    for (size_t i = 0; i < m; ++i) {
      h[i] = hash(other.key(int32_t(b + i)));
      prefetch_slot(h[i]);
    }
    for (size_t i = 0; i < m; ++i) prefetch_key(h[i]);
    for (size_t i = 0; i < m; ++i) map[b + i] = insert(other.key(int32_t(b + i)), h[i]);
  }
  return map;
}

void IntIdIndex::reserve(size_t n) {
  if (table_size_for(n) > slots_.size()) {
    size_t want = table_size_for(n);
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(want, Slot{0, -1});
    mask_ = want - 1;
    for (auto& s : old)
      if (s.id >= 0) {
        uint64_t i = mix(uint64_t(s.key)) & mask_;
        while (slots_[i].id >= 0) i = (i + 1) & mask_;
        slots_[i] = s;
      }
  }
}

void IntIdIndex::grow() { reserve(std::max<size_t>(16, size() * 2)); }

void IntIdIndex::prefetch(int64_t key) const {
  if (!slots_.empty()) __builtin_prefetch(&slots_[mix(uint64_t(key)) & mask_]);
}

int32_t IntIdIndex::find(int64_t key) const {
  if (slots_.empty()) return -1;
  for (uint64_t i = mix(uint64_t(key)) & mask_;; i = (i + 1) & mask_) {
    const Slot& s = slots_[i];
    if (s.id < 0) return -1;
    if (s.key == key) return s.id;
  }
}

int32_t IntIdIndex::insert(int64_t key, bool* inserted) {
  if ((size() + 1) * 2 > slots_.size()) grow();
  for (uint64_t i = mix(uint64_t(key)) & mask_;; i = (i + 1) & mask_) {
    Slot& s = slots_[i];
    if (s.id < 0) {
      s = Slot{key, int32_t(size())};
      keys_.push_back(key);
      if (inserted) *inserted = true;
      return s.id;
    }
    if (s.key == key) {
      if (inserted) *inserted = false;
      return s.id;
    }
  }
}

}  // namespace fr
