#pragma once
// BatchLoader: makes batches [first, last) on `threads` worker threads, ahead of the consumer,
// and hands them out in order. Batch contents are a pure function of their number (see
// TrainData::make_batch), so the thread count never changes what training sees.
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace fr {

template <class Batch>
class BatchLoader {
 public:
  BatchLoader(int64_t first, int64_t last, int threads, int64_t ahead, std::function<Batch(int64_t)> make)
      : next_out_(first), next_make_(first), last_(last), ahead_(ahead), make_(std::move(make)) {
    for (int t = 0; t < threads; ++t) workers_.emplace_back([this] { work(); });
  }
  ~BatchLoader() {
    {
      std::lock_guard lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& w : workers_) w.join();
  }
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  /// The next batch in order; nullopt after the last. Rethrows a worker's exception.
  std::optional<Batch> next() {
    std::unique_lock lk(mu_);
    if (next_out_ >= last_) return std::nullopt;
    cv_.wait(lk, [&] { return err_ || ready_.count(next_out_); });
    if (err_) std::rethrow_exception(err_);
    auto it = ready_.find(next_out_);
    Batch b = std::move(it->second);
    ready_.erase(it);
    ++next_out_;
    cv_.notify_all();
    return b;
  }

 private:
  void work() {
    for (;;) {
      int64_t b;
      {
        std::unique_lock lk(mu_);
        cv_.wait(lk, [&] { return stop_ || err_ || (next_make_ < last_ && next_make_ < next_out_ + ahead_); });
        if (stop_ || err_) return;
        b = next_make_++;
      }
      try {
        Batch made = make_(b);
        std::lock_guard lk(mu_);
        ready_.emplace(b, std::move(made));
      } catch (...) {
        std::lock_guard lk(mu_);
        err_ = std::current_exception();
      }
      cv_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::map<int64_t, Batch> ready_;
  int64_t next_out_, next_make_, last_, ahead_;
  bool stop_ = false;
  std::exception_ptr err_;
  std::function<Batch(int64_t)> make_;
  std::vector<std::thread> workers_;
};

}  // namespace fr
