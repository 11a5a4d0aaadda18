// Micro-benchmarks of the ingest hot path: field parsers and the id index.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "data/id_index.h"
#include "data/parse.h"

using namespace fr;

static void BM_ParseFloat(benchmark::State& st) {
  std::vector<std::string> v = {"0.050830508474576264", "0.0169322033898305", "0.03049152542372881",
                                "0.0338813559322034"};
  size_t i = 0;
  float f;
  for (auto _ : st) {
    benchmark::DoNotOptimize(parse_float(v[i++ & 3], f));
    benchmark::DoNotOptimize(f);
  }
}
BENCHMARK(BM_ParseFloat);

static void BM_ParseDate(benchmark::State& st) {
  int32_t d;
  for (auto _ : st) {
    benchmark::DoNotOptimize(parse_date("2020-09-22", d));
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_ParseDate);

static void BM_CustomerLookup(benchmark::State& st) {
  std::mt19937_64 rng(1);
  StringIdIndex idx;
  std::vector<std::string> keys;
  const char* hex = "0123456789abcdef";
  for (int64_t i = 0; i < st.range(0); ++i) {
    std::string k(64, '0');
    for (auto& c : k) c = hex[rng() & 15];
    keys.push_back(k);
    idx.insert(k);
  }
  size_t i = 0;
  for (auto _ : st) benchmark::DoNotOptimize(idx.find(keys[(i++ * 7919) % keys.size()]));
}
BENCHMARK(BM_CustomerLookup)->Arg(1 << 10)->Arg(1371980);

BENCHMARK_MAIN();
