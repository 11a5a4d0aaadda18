#pragma once
// ConnectionPool: the HTTP server's task queue, one thread per open connection up to a cap.
//
// cpp-httplib hands each accepted connection to its task queue, and the task keeps its thread
// for as long as the connection lives (reading the next request, keep-alive waits). Its own
// ThreadPool has a fixed size, so a few idle or slow clients held every worker and the server
// stopped answering (4 slow connections did it with 2 x cores workers). Here a connection gets
// a thread of its own, started on demand and kept for reuse when idle: a thread that waits on
// a quiet socket costs memory, not a core, and the short read and keep-alive timeouts
// (ServerConfig) bound how long it waits. Past max_threads connections, new ones wait in a
// queue. cpp-httplib offers no hook before a connection is dispatched, so a per-client cap
// would need an acceptor of our own; the cap here is global.
#include <httplib.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace fr {

class ConnectionPool : public httplib::TaskQueue {
 public:
  explicit ConnectionPool(size_t max_threads) : max_threads_(std::max<size_t>(1, max_threads)) {}
  ~ConnectionPool() override { shutdown(); }

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

  /// Threads started so far (busy or idle), for tests and /health.
  size_t threads() const;

 private:
  void work();
  const size_t max_threads_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  size_t idle_ = 0;
  bool stop_ = false;
};

}  // namespace fr
