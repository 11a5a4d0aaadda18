#include "image/pca.h"

#include <lapacke.h>

#include <algorithm>
#include <numeric>

#include "core/error.h"

namespace fr {

double Pca::explained_total() const { return std::accumulate(explained.begin(), explained.end(), 0.0); }

Pca Pca::fit(const float* x, int64_t n, int64_t d, int64_t dim, double variance) {
  if (n < 2 || d < 1) throw DataError("PCA needs at least 2 rows, got " + std::to_string(n));
  Pca p;
  p.in_dim = d;
  std::vector<double> mean(static_cast<size_t>(d), 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < d; ++j) mean[size_t(j)] += x[i * d + j];
  for (auto& m : mean) m /= double(n);
  // Covariance (upper triangle), in double.
  std::vector<double> cov(static_cast<size_t>(d * d), 0.0), row(static_cast<size_t>(d), 0.0);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < d; ++j) row[size_t(j)] = x[i * d + j] - mean[size_t(j)];
    for (int64_t a = 0; a < d; ++a) {
      double ra = row[size_t(a)];
      if (ra == 0) continue;
      double* c = &cov[size_t(a * d)];
      for (int64_t b = a; b < d; ++b) c[b] += ra * row[size_t(b)];
    }
  }
  for (auto& c : cov) c /= double(n - 1);
  std::vector<double> w(static_cast<size_t>(d), 0.0);
  // Eigenvalues ascending; eigenvectors in the columns of cov (row-major: cov[i * d + k]).
  int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', lapack_int(d), cov.data(), lapack_int(d), w.data());
  if (info != 0) throw InternalError("LAPACKE_dsyevd failed: " + std::to_string(info));
  double total = 0;
  for (double v : w) total += std::max(0.0, v);
  int64_t k = std::min(dim > 0 ? dim : d, d);
  if (variance > 0) {
    double acc = 0;
    int64_t need = 0;
    for (int64_t c = d - 1; c >= 0 && acc < variance * total; --c) acc += std::max(0.0, w[size_t(c)]), ++need;
    k = std::min(k, std::max<int64_t>(1, need));
  }
  p.out_dim = k;
  p.mean.assign(mean.begin(), mean.end());
  p.components.resize(size_t(k * d));
  for (int64_t r = 0; r < k; ++r) {
    int64_t c = d - 1 - r;  // largest first
    for (int64_t j = 0; j < d; ++j) p.components[size_t(r * d + j)] = float(cov[size_t(j * d + c)]);
    p.explained.push_back(total > 0 ? std::max(0.0, w[size_t(c)]) / total : 0.0);
  }
  return p;
}

void Pca::apply(const float* x, float* y) const {
  for (int64_t r = 0; r < out_dim; ++r) {
    const float* c = &components[size_t(r * in_dim)];
    double s = 0;
    for (int64_t j = 0; j < in_dim; ++j) s += double(c[j]) * (x[j] - mean[size_t(j)]);
    y[r] = float(s);
  }
}

}  // namespace fr
