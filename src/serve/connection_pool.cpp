#include "serve/connection_pool.h"

namespace fr {

void ConnectionPool::enqueue(std::function<void()> fn) {
  std::lock_guard lk(mu_);
  if (stop_) return;
  jobs_.push_back(std::move(fn));
  // Start a thread when none is idle for this job and the cap allows; otherwise it waits.
  if (idle_ < jobs_.size() && threads_.size() < max_threads_) threads_.emplace_back([this] { work(); });
  cv_.notify_one();
}

void ConnectionPool::shutdown() {
  std::vector<std::thread> ts;
  {
    std::lock_guard lk(mu_);
    stop_ = true;
    ts.swap(threads_);
  }
  cv_.notify_all();
  for (auto& t : ts)
    if (t.joinable()) t.join();
}

size_t ConnectionPool::threads() const {
  std::lock_guard lk(mu_);
  return threads_.size();
}

void ConnectionPool::work() {
  for (;;) {
    std::function<void()> fn;
    {
      std::unique_lock lk(mu_);
      ++idle_;
      cv_.wait(lk, [this] { return stop_ || !jobs_.empty(); });
      --idle_;
      // Like httplib's ThreadPool: queued connections still run at shutdown (they see the
      // stopped server and close).
      if (jobs_.empty()) return;
      fn = std::move(jobs_.front());
      jobs_.pop_front();
    }
    fn();
  }
}

}  // namespace fr
