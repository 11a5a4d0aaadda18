#pragma once
// The training optimiser: Adam or AdamW for the dense weights, and a lazy sparse Adam for
// the embedding tables, whose gradients are sparse (libtorch 1.13's C++ API has no
// SparseAdam, so it is written here): a step updates the moments and the weights of the rows
// the batch touched only, as torch.optim.SparseAdam does. A dense Adam would update all
// 262 K x 16 hashed-id rows and every article row each step, which is most of an epoch's time.
// The update is one loop over the touched rows: summing duplicate rows through a slot table
// instead of coalesce() (a sort) and a dozen index ops made the step 4x cheaper.
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
  std::vector<std::vector<int32_t>> slot_;  // per table: row -> slot in the step's sum, -1 = none
  std::vector<int64_t> touched_;
  std::vector<float> sum_;
  int64_t t_ = 0;
  double lr_, b1_, b2_, eps_;
};

/// Adam / AdamW over all dense weights at once: their values and gradients are re-pointed into
/// one flat buffer each, so a step is a dozen tensor ops instead of a dozen per weight tensor
/// (libtorch's Adam loops over the ~20 tensors of the towers; at this model size the per-op
/// overhead was a fifth of a training step). The update is torch.optim.Adam's / AdamW's.
class FlatAdam {
 public:
  FlatAdam(std::vector<torch::Tensor> params, double lr, double weight_decay, bool decoupled);
  /// Copies the weights' current values into the flat buffer and re-points them (again): needed
  /// after anything replaced their storage (loading a module does).
  void rebind();
  void zero_grad() { grad_.zero_(); }
  /// Scales the gradient to max_norm when its norm is larger; returns the norm before.
  double clip(double max_norm);
  void step();
  void set_lr(double lr) { lr_ = lr; }
  void save(torch::serialize::OutputArchive& a) const;
  void load(torch::serialize::InputArchive& a);

 private:
  std::vector<torch::Tensor> params_;
  torch::Tensor flat_, grad_, m_, v_;
  int64_t t_ = 0;
  double lr_, wd_;
  bool decoupled_;
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
  std::unique_ptr<FlatAdam> dense_opt_;
  std::unique_ptr<SparseAdam> sparse_opt_;
};

}  // namespace fr
