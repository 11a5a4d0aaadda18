#pragma once
// Request counters and a latency histogram, rendered in the Prometheus text format
// (version 0.0.4) for GET /metrics. Thread-safe; recording takes one short lock.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace fr {

class RequestMetrics {
 public:
  /// route: the route's pattern name ("recommendations", "articles", ...); status: HTTP code.
  void record(const std::string& route, int status, double seconds);
  std::string prometheus() const;

 private:
  static const std::vector<double>& bounds();  // histogram bucket upper bounds, seconds
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::string, std::vector<uint64_t>> buckets_;  // per route, cumulative at render
  std::map<std::string, double> sum_;
  std::map<std::string, uint64_t> count_;
  uint64_t errors_ = 0;
};

}  // namespace fr
