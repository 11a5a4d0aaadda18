#include "serve/request_metrics.h"

#include <cstdio>
#include <sstream>

namespace fr {

const std::vector<double>& RequestMetrics::bounds() {
  static const std::vector<double> b = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1, 5};
  return b;
}

void RequestMetrics::record(const std::string& route, int status, double seconds) {
  std::lock_guard lk(mu_);
  ++requests_[{route, status}];
  if (status >= 500) ++errors_;
  auto& b = buckets_[route];
  if (b.empty()) b.assign(bounds().size(), 0);
  for (size_t i = 0; i < bounds().size(); ++i)
    if (seconds <= bounds()[i]) {
      ++b[i];
      break;
    }
  sum_[route] += seconds;
  ++count_[route];
}

std::string RequestMetrics::prometheus() const {
  std::lock_guard lk(mu_);
  std::ostringstream o;
  o << "# HELP fashionrec_requests_total HTTP requests by route and status code.\n"
       "# TYPE fashionrec_requests_total counter\n";
  for (auto& [k, n] : requests_)
    o << "fashionrec_requests_total{route=\"" << k.first << "\",code=\"" << k.second << "\"} " << n << "\n";
  o << "# HELP fashionrec_errors_total Requests answered with a 5xx status.\n"
       "# TYPE fashionrec_errors_total counter\nfashionrec_errors_total "
    << errors_ << "\n";
  o << "# HELP fashionrec_request_duration_seconds Time to answer a request.\n"
       "# TYPE fashionrec_request_duration_seconds histogram\n";
  char b[64];
  for (auto& [route, counts] : buckets_) {
    uint64_t cum = 0;
    for (size_t i = 0; i < bounds().size(); ++i) {
      cum += counts[i];
      std::snprintf(b, sizeof b, "%g", bounds()[i]);
      o << "fashionrec_request_duration_seconds_bucket{route=\"" << route << "\",le=\"" << b << "\"} " << cum << "\n";
    }
    o << "fashionrec_request_duration_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} " << count_.at(route)
      << "\n";
    o << "fashionrec_request_duration_seconds_sum{route=\"" << route << "\"} " << sum_.at(route) << "\n";
    o << "fashionrec_request_duration_seconds_count{route=\"" << route << "\"} " << count_.at(route) << "\n";
  }
  return o.str();
}

}  // namespace fr
