#pragma once
// PCA: fitted on the rows of a matrix (covariance + LAPACK's symmetric eigensolver), kept as
// an artifact-friendly struct, applied to new rows at serving time.
#include <cstdint>
#include <vector>

namespace fr {

struct Pca {
  int64_t in_dim = 0, out_dim = 0;
  std::vector<float> mean;        /// [in_dim]
  std::vector<float> components;  /// [out_dim, in_dim], row-major, unit rows, by falling variance
  std::vector<double> explained;  /// [out_dim] share of the total variance of each component
  double explained_total() const;

  /// Fits on rows (x: [n, d] row-major). out_dim = min(dim, d) when variance <= 0, else the
  /// smallest number of components whose explained share reaches `variance` (capped at dim).
  static Pca fit(const float* x, int64_t n, int64_t d, int64_t dim, double variance = 0);
  /// y[out_dim] = components (x - mean).
  void apply(const float* x, float* y) const;
};

}  // namespace fr
