#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace fr {

/// A progress line on stderr with rate and ETA, refreshed by its own thread. Workers call
/// add() (lock-free). On a terminal it redraws one line; otherwise it prints a line every
/// few seconds. Quiet when the log level is above info.
class Progress {
 public:
  /// unit: "B" formats as bytes (MB/s), anything else as a count ("rows/s").
  Progress(std::string label, uint64_t total, std::string unit);
  ~Progress();
  void add(uint64_t n) { done_.fetch_add(n, std::memory_order_relaxed); }
  void set(uint64_t n) { done_.store(n, std::memory_order_relaxed); }
  /// Text appended to the line (a training loss, for example).
  void set_note(std::string note) {
    std::lock_guard lk(note_mu_);
    note_ = std::move(note);
  }
  /// Prints the final line (elapsed time and mean rate) and stops the thread.
  void finish();

 private:
  void loop();
  std::string line(bool final) const;
  std::string label_, unit_;
  uint64_t total_;
  std::atomic<uint64_t> done_{0};
  mutable std::mutex note_mu_;
  std::string note_;
  std::chrono::steady_clock::time_point start_;
  bool tty_, enabled_, finished_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

/// "1.2 GB", "340 MB"
std::string human_bytes(double b);

}  // namespace fr
