#pragma once
// The training optimiser: Adam or AdamW for the dense weights, and a lazy sparse Adam for
// the embedding tables, whose gradients are sparse (libtorch 1.13's C++ API has no
// SparseAdam, so it is written here): a step updates the moments and the weights of the rows
// the batch touched only, as torch.optim.SparseAdam does. A dense Adam would update all
// 262 K x 16 hashed-id rows and every article row each step, which is most of an epoch's time.
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace fr {

class SparseAdam {
 public:
  SparseAdam(std::vector<torch::Tensor> params, double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8);
  void step();
  void set_lr(double lr) { lr_ = lr; }
  void save(torch::serialize::OutputArchive& a) const;
  void load(torch::serialize::InputArchive& a);

 private:
  std::vector<torch::Tensor> params_, m_, v_;
  int64_t t_ = 0;
  double lr_, b1_, b2_, eps_;
};

struct OptimizerConfig {
  std::string kind = "adamw";  ///< adam | adamw
  double lr = 0.002, weight_decay = 0.0001, clip_norm = 1.0;
};

/// Splits a module's parameters by gradient kind and steps both optimisers together.
class TrainOptimizer {
 public:
  /// Parameters of sparse embeddings (torch::nn::Embedding with sparse=true) go to SparseAdam.
  TrainOptimizer(torch::nn::Module& m, const OptimizerConfig& c);
  void zero_grad();
  /// Clips the dense gradients' norm (clip_norm > 0), then steps. Returns the norm before clipping.
  double step();
  void set_lr(double lr);
  void save(torch::serialize::OutputArchive& a) const;
  void load(torch::serialize::InputArchive& a);

 private:
  OptimizerConfig c_;
  std::vector<torch::Tensor> dense_, sparse_;
  std::unique_ptr<torch::optim::Optimizer> dense_opt_;
  std::unique_ptr<SparseAdam> sparse_opt_;
};

}  // namespace fr
