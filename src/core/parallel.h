#pragma once
// parallel_for: runs f(i) for i in [0, n) on `threads` threads (the caller's included), taking
// indexes in order from a shared counter. The first exception stops the loop and is rethrown.
#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace fr {

/// All cores when threads <= 0.
inline int resolve_threads(int threads) {
  return threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency()));
}

template <class F>
void parallel_for(size_t n, int threads, F&& f) {
  threads = std::min<int>(resolve_threads(threads), int(std::max<size_t>(1, n)));
  std::atomic<size_t> next{0};
  std::exception_ptr err;
  std::mutex mu;
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n;) {
      try {
        f(i);
      } catch (...) {
        std::lock_guard lk(mu);
        if (!err) err = std::current_exception();
        next = n;
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (err) std::rethrow_exception(err);
}

}  // namespace fr
