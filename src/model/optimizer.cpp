#include "model/optimizer.h"

#include <cmath>

#include "core/error.h"

namespace fr {

SparseAdam::SparseAdam(std::vector<torch::Tensor> params, double lr, double beta1, double beta2, double eps)
    : params_(std::move(params)), lr_(lr), b1_(beta1), b2_(beta2), eps_(eps) {
  for (auto& p : params_) {
    if (p.dim() != 2 || p.scalar_type() != torch::kFloat)
      throw InternalError("SparseAdam takes float [rows, dim] tables");
    m_.push_back(torch::zeros_like(p));
    v_.push_back(torch::zeros_like(p));
    slot_.emplace_back(size_t(p.size(0)), -1);
  }
}

void SparseAdam::step() {
  torch::NoGradGuard no_grad;
  ++t_;
  const double bc1 = 1 - std::pow(b1_, double(t_)), bc2 = 1 - std::pow(b2_, double(t_));
  const float step_size = float(lr_ * std::sqrt(bc2) / bc1), b1 = float(b1_), b2 = float(b2_), eps = float(eps_);
  for (size_t i = 0; i < params_.size(); ++i) {
    auto g = params_[i].grad();
    if (!g.defined()) continue;
    if (!g.is_sparse()) throw InternalError("SparseAdam was given a dense gradient");
    auto idx = g._indices().select(0, 0).contiguous();
    auto vals = g._values().contiguous();
    const int64_t n = idx.numel(), dim = params_[i].size(1);
    const int64_t* ix = idx.data_ptr<int64_t>();
    const float* gv = vals.data_ptr<float>();
    // Sum the gradient of each touched row (rows repeat within a batch), in first-seen order.
    std::vector<int32_t>& slot = slot_[i];
    touched_.clear();
    sum_.clear();
    for (int64_t k = 0; k < n; ++k) {
      int32_t& s = slot[size_t(ix[k])];
      if (s < 0) {
        s = int32_t(touched_.size());
        touched_.push_back(ix[k]);
        sum_.resize(sum_.size() + size_t(dim), 0.f);
      }
      float* acc = &sum_[size_t(s) * size_t(dim)];
      for (int64_t j = 0; j < dim; ++j) acc[j] += gv[k * dim + j];
    }
    float* w = params_[i].data_ptr<float>();
    float* m = m_[i].data_ptr<float>();
    float* v = v_[i].data_ptr<float>();
    // The rows are scattered over tables of tens of MB: fetch a few rows ahead (weights and
    // both moments) so the memory latency overlaps the arithmetic.
    constexpr size_t kAhead = 8;
    for (size_t s = 0; s < touched_.size(); ++s) {
      if (s + kAhead < touched_.size()) {
        const int64_t ahead = touched_[s + kAhead] * dim;
        __builtin_prefetch(w + ahead, 1);
        __builtin_prefetch(m + ahead, 1);
        __builtin_prefetch(v + ahead, 1);
      }
      const int64_t row = touched_[s] * dim;
      const float* gr = &sum_[s * size_t(dim)];
      for (int64_t j = 0; j < dim; ++j) {
        float mj = m[row + j] = b1 * m[row + j] + (1 - b1) * gr[j];
        float vj = v[row + j] = b2 * v[row + j] + (1 - b2) * gr[j] * gr[j];
        w[row + j] -= step_size * mj / (std::sqrt(vj) + eps);
      }
      slot[size_t(touched_[s])] = -1;
    }
  }
}

void SparseAdam::save(torch::serialize::OutputArchive& a) const {
  a.write("sparse_adam.t", torch::tensor(t_));
  for (size_t i = 0; i < m_.size(); ++i) {
    a.write("sparse_adam.m" + std::to_string(i), m_[i]);
    a.write("sparse_adam.v" + std::to_string(i), v_[i]);
  }
}

void SparseAdam::load(torch::serialize::InputArchive& a) {
  torch::Tensor t;
  a.read("sparse_adam.t", t);
  t_ = t.item<int64_t>();
  for (size_t i = 0; i < m_.size(); ++i) {
    a.read("sparse_adam.m" + std::to_string(i), m_[i]);
    a.read("sparse_adam.v" + std::to_string(i), v_[i]);
  }
}

FlatAdam::FlatAdam(std::vector<torch::Tensor> params, double lr, double weight_decay, bool decoupled)
    : params_(std::move(params)), lr_(lr), wd_(weight_decay), decoupled_(decoupled) {
  int64_t n = 0;
  for (auto& p : params_) n += p.numel();
  flat_ = torch::zeros({n});
  grad_ = torch::zeros({n});
  m_ = torch::zeros({n});
  v_ = torch::zeros({n});
  rebind();
}

void FlatAdam::rebind() {
  torch::NoGradGuard g;
  int64_t off = 0;
  for (auto& p : params_) {
    const int64_t k = p.numel();
    auto view = flat_.narrow(0, off, k);
    view.copy_(p.detach().reshape({k}));
    p.set_data(view.view(p.sizes()));
    // Autograd accumulates into a defined gradient in place: backward writes into grad_.
    p.mutable_grad() = grad_.narrow(0, off, k).view(p.sizes());
    off += k;
  }
}

double FlatAdam::clip(double max_norm) {
  torch::NoGradGuard g;
  double norm = grad_.norm().item<double>();
  if (norm > max_norm) grad_.mul_(max_norm / (norm + 1e-6));
  return norm;
}

void FlatAdam::step() {
  torch::NoGradGuard g;
  ++t_;
  const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
  const double bc1 = 1 - std::pow(b1, double(t_)), bc2 = 1 - std::pow(b2, double(t_));
  torch::Tensor grad = grad_;
  if (decoupled_)
    flat_.mul_(1 - lr_ * wd_);  // AdamW
  else if (wd_ != 0)
    grad = grad_.add(flat_, wd_);  // Adam: L2 in the gradient
  m_.mul_(b1).add_(grad, 1 - b1);
  v_.mul_(b2).addcmul_(grad, grad, 1 - b2);
  flat_.addcdiv_(m_, v_.sqrt().div_(std::sqrt(bc2)).add_(eps), -lr_ / bc1);
}

void FlatAdam::save(torch::serialize::OutputArchive& a) const {
  a.write("flat_adam.t", torch::tensor(t_));
  a.write("flat_adam.m", m_);
  a.write("flat_adam.v", v_);
}

void FlatAdam::load(torch::serialize::InputArchive& a) {
  torch::Tensor t, m, v;
  a.read("flat_adam.t", t);
  a.read("flat_adam.m", m);
  a.read("flat_adam.v", v);
  if (m.numel() != m_.numel()) throw InternalError("optimizer state: another model's size");
  t_ = t.item<int64_t>();
  m_.copy_(m);
  v_.copy_(v);
  rebind();  // loading the module replaced the weights' storage
}

TrainOptimizer::TrainOptimizer(torch::nn::Module& m, const OptimizerConfig& c) : c_(c) {
  auto take = [&](torch::nn::Module& mod) {
    if (auto* e = mod.as<torch::nn::Embedding>(); e && e->options.sparse()) sparse_.push_back(e->weight);
  };
  take(m);
  for (auto& mod : m.modules(/*include_self=*/false)) take(*mod);
  for (auto& p : m.parameters()) {
    bool is_sparse = false;
    for (auto& s : sparse_) is_sparse |= s.is_same(p);
    if (!is_sparse) dense_.push_back(p);
  }
  if (c.kind != "adamw" && c.kind != "adam") throw UsageError("optimizer must be adam or adamw, not '" + c.kind + "'");
  dense_opt_ = std::make_unique<FlatAdam>(dense_, c.lr, c.kind == "adamw" ? c.weight_decay : 0.0, c.kind == "adamw");
  sparse_opt_ = std::make_unique<SparseAdam>(sparse_, c.lr);
}

void TrainOptimizer::zero_grad() {
  dense_opt_->zero_grad();
  for (auto& p : sparse_)
    if (p.grad().defined()) p.mutable_grad() = torch::Tensor();
}

double TrainOptimizer::step() {
  double norm = 0;
  if (c_.clip_norm > 0) norm = dense_opt_->clip(c_.clip_norm);
  dense_opt_->step();
  sparse_opt_->step();
  return norm;
}

void TrainOptimizer::set_lr(double lr) {
  dense_opt_->set_lr(lr);
  sparse_opt_->set_lr(lr);
}

void TrainOptimizer::save(torch::serialize::OutputArchive& a) const {
  dense_opt_->save(a);
  sparse_opt_->save(a);
}

void TrainOptimizer::load(torch::serialize::InputArchive& a) {
  dense_opt_->load(a);
  sparse_opt_->load(a);
}

}  // namespace fr
