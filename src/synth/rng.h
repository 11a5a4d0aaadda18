#pragma once
// A small, fast, reproducible random stream (splitmix64). Every customer and article has
// its own stream seeded from (seed, index), so the output does not depend on the thread count.
#include <cmath>
#include <cstdint>

namespace fr::synth {

inline uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

class Rng {
 public:
  explicit Rng(uint64_t seed, uint64_t stream = 0) : s_(mix64(seed ^ mix64(stream + 0x1234567ULL))) {}
  uint64_t next() { return mix64(s_ += 0x9e3779b97f4a7c15ULL); }
  /// [0, 1)
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }
  /// [0, n)
  uint32_t below(uint32_t n) { return uint32_t((uint64_t(uint32_t(next())) * n) >> 32); }
  double normal() {
    double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(1.0 - u1)) * std::cos(6.283185307179586 * u2);
  }
  bool chance(double p) { return uniform() < p; }

 private:
  uint64_t s_;
};

}  // namespace fr::synth
