#include "data/id_index.h"

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
    slots_.assign(want, Slot{0, -1});
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

int32_t StringIdIndex::find(std::string_view key) const {
  if (slots_.empty()) return -1;
  uint64_t h = xxh3(key);
  for (uint64_t i = h & mask_;; i = (i + 1) & mask_) {
    const Slot& s = slots_[i];
    if (s.id < 0) return -1;
    if (s.hash == h && keys_[size_t(s.id)] == key) return s.id;
  }
}

int32_t StringIdIndex::insert(std::string_view key, bool* inserted) {
  if ((size() + 1) * 2 > slots_.size()) grow();
  uint64_t h = xxh3(key);
  for (uint64_t i = h & mask_;; i = (i + 1) & mask_) {
    Slot& s = slots_[i];
    if (s.id < 0) {
      s = Slot{h, int32_t(size())};
      keys_.push(key);
      if (inserted) *inserted = true;
      return s.id;
    }
    if (s.hash == h && keys_[size_t(s.id)] == key) {
      if (inserted) *inserted = false;
      return s.id;
    }
  }
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
