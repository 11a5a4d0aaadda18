#include "model/optimizer.h"

#include <cmath>

#include "core/error.h"

namespace fr {

SparseAdam::SparseAdam(std::vector<torch::Tensor> params, double lr, double beta1, double beta2, double eps)
    : params_(std::move(params)), lr_(lr), b1_(beta1), b2_(beta2), eps_(eps) {
  for (auto& p : params_) {
    m_.push_back(torch::zeros_like(p));
    v_.push_back(torch::zeros_like(p));
  }
}

void SparseAdam::step() {
  torch::NoGradGuard no_grad;
  ++t_;
  const double bc1 = 1 - std::pow(b1_, double(t_)), bc2 = 1 - std::pow(b2_, double(t_));
  const double step_size = lr_ * std::sqrt(bc2) / bc1;
  for (size_t i = 0; i < params_.size(); ++i) {
    auto g = params_[i].grad();
    if (!g.defined()) continue;
    if (!g.is_sparse()) throw InternalError("SparseAdam was given a dense gradient");
    g = g.coalesce();
    auto rows = g.indices().select(0, 0);
    auto vals = g.values();
    if (rows.numel() == 0) continue;
    auto m = m_[i].index_select(0, rows).mul_(b1_).add_(vals, 1 - b1_);
    auto v = v_[i].index_select(0, rows).mul_(b2_).addcmul_(vals, vals, 1 - b2_);
    m_[i].index_copy_(0, rows, m);
    v_[i].index_copy_(0, rows, v);
    params_[i].index_add_(0, rows, m.div(v.sqrt().add_(eps_)).mul_(-step_size));
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
  if (c.kind == "adamw")
    dense_opt_ =
        std::make_unique<torch::optim::AdamW>(dense_, torch::optim::AdamWOptions(c.lr).weight_decay(c.weight_decay));
  else if (c.kind == "adam")
    dense_opt_ = std::make_unique<torch::optim::Adam>(dense_, torch::optim::AdamOptions(c.lr));
  else
    throw UsageError("optimizer must be adam or adamw, not '" + c.kind + "'");
  sparse_opt_ = std::make_unique<SparseAdam>(sparse_, c.lr);
}

void TrainOptimizer::zero_grad() {
  dense_opt_->zero_grad();
  for (auto& p : sparse_)
    if (p.grad().defined()) p.mutable_grad() = torch::Tensor();
}

double TrainOptimizer::step() {
  double norm = 0;
  if (c_.clip_norm > 0) {
    norm = torch::nn::utils::clip_grad_norm_(dense_, c_.clip_norm);
  }
  dense_opt_->step();
  sparse_opt_->step();
  return norm;
}

void TrainOptimizer::set_lr(double lr) {
  for (auto& g : dense_opt_->param_groups()) g.options().set_lr(lr);
  sparse_opt_->set_lr(lr);
}

void TrainOptimizer::save(torch::serialize::OutputArchive& a) const {
  torch::serialize::OutputArchive dense;
  dense_opt_->save(dense);
  a.write("dense", dense);
  sparse_opt_->save(a);
}

void TrainOptimizer::load(torch::serialize::InputArchive& a) {
  torch::serialize::InputArchive dense;
  a.read("dense", dense);
  dense_opt_->load(dense);
  sparse_opt_->load(a);
}

}  // namespace fr
