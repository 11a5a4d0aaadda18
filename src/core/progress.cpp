#include "core/progress.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>

namespace fr {

std::string human_bytes(double b) {
  const char* u[] = {"B", "KB", "MB", "GB", "TB"};
  int i = 0;
  while (b >= 1000 && i < 4) b /= 1000, ++i;
  char buf[32];
  std::snprintf(buf, sizeof buf, i ? "%.1f %s" : "%.0f %s", b, u[i]);
  return buf;
}

static std::string human_count(double n) {
  char buf[32];
  if (n >= 1e6)
    std::snprintf(buf, sizeof buf, "%.2fM", n / 1e6);
  else if (n >= 1e3)
    std::snprintf(buf, sizeof buf, "%.1fK", n / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.0f", n);
  return buf;
}

Progress::Progress(std::string label, uint64_t total, std::string unit)
    : label_(std::move(label)), unit_(std::move(unit)), total_(total), start_(std::chrono::steady_clock::now()) {
  tty_ = ::isatty(2);
  enabled_ = spdlog::default_logger()->should_log(spdlog::level::info);
  if (enabled_) thread_ = std::thread([this] { loop(); });
}

Progress::~Progress() { finish(); }

std::string Progress::line(bool final) const {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double done = double(done_.load(std::memory_order_relaxed));
  double rate = secs > 0 ? done / secs : 0;
  auto fmt = [&](double v) { return unit_ == "B" ? human_bytes(v) : human_count(v) + " " + unit_; };
  char buf[256];
  if (final) {
    std::snprintf(buf, sizeof buf, "%s: %s in %.1f s (%s/s)", label_.c_str(), fmt(done).c_str(), secs,
                  fmt(rate).c_str());
  } else if (total_ > 0) {
    double frac = std::min(1.0, done / double(total_));
    double eta = rate > 0 ? (double(total_) - done) / rate : 0;
    std::snprintf(buf, sizeof buf, "%s: %3.0f%%  %s / %s  %s/s  ETA %.0f s", label_.c_str(), frac * 100,
                  fmt(done).c_str(), fmt(double(total_)).c_str(), fmt(rate).c_str(), eta);
  } else {
    std::snprintf(buf, sizeof buf, "%s: %s  %s/s", label_.c_str(), fmt(done).c_str(), fmt(rate).c_str());
  }
  std::lock_guard lk(note_mu_);
  return note_.empty() ? std::string(buf) : std::string(buf) + "  " + note_;
}

void Progress::loop() {
  std::unique_lock lk(mu_);
  auto last_print = std::chrono::steady_clock::now();
  while (!finished_) {
    cv_.wait_for(lk, std::chrono::milliseconds(250));
    if (finished_) break;
    auto now = std::chrono::steady_clock::now();
    if (tty_) {
      std::fprintf(stderr, "\r\033[K%s", line(false).c_str());
    } else if (now - last_print > std::chrono::seconds(5)) {
      std::fprintf(stderr, "%s\n", line(false).c_str());
      last_print = now;
    }
  }
}

void Progress::finish() {
  {
    std::lock_guard lk(mu_);
    if (finished_) return;
    finished_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (enabled_) {
    if (tty_) std::fprintf(stderr, "\r\033[K");
    spdlog::info("{}", line(true));
  }
}

}  // namespace fr
