// The sparse Adam for embedding tables: when every row gets a gradient each step it is
// exactly Adam; rows a batch does not touch keep their weights.
#include <gtest/gtest.h>

#include "model/optimizer.h"

using namespace fr;

TEST(SparseAdam, EqualsAdamWhenEveryRowIsTouched) {
  torch::manual_seed(3);
  auto init = torch::randn({6, 4});
  torch::nn::Embedding sparse(torch::nn::EmbeddingOptions(6, 4).sparse(true));
  torch::nn::Embedding dense(torch::nn::EmbeddingOptions(6, 4));
  {
    torch::NoGradGuard g;
    sparse->weight.copy_(init);
    dense->weight.copy_(init);
  }
  SparseAdam sa({sparse->weight}, 0.01);
  torch::optim::Adam da({dense->weight}, torch::optim::AdamOptions(0.01));
  auto target = torch::randn({6, 4});
  auto ids = torch::tensor({5, 0, 3, 1, 2, 4, 0}, torch::kLong);  // all rows, one twice
  for (int step = 0; step < 20; ++step) {
    for (auto* e : {&sparse, &dense}) {
      auto loss = ((*e)->forward(ids) - target.index_select(0, ids)).pow(2).sum();
      loss.backward();
    }
    ASSERT_TRUE(sparse->weight.grad().is_sparse());
    sa.step();
    da.step();
    sparse->weight.mutable_grad() = torch::Tensor();
    da.zero_grad();
  }
  EXPECT_TRUE(torch::allclose(sparse->weight, dense->weight, 1e-5, 1e-6));
  EXPECT_FALSE(torch::allclose(sparse->weight, init));
}

TEST(SparseAdam, RowsWithoutGradientStayPut) {
  torch::manual_seed(4);
  torch::nn::Embedding e(torch::nn::EmbeddingOptions(5, 3).sparse(true));
  auto before = e->weight.detach().clone();
  SparseAdam sa({e->weight}, 0.1);
  e->forward(torch::tensor({1, 3}, torch::kLong)).sum().backward();
  sa.step();
  auto changed = (e->weight.detach() - before).abs().sum(1).gt(0);
  EXPECT_EQ(changed.to(torch::kInt).sum().item<int>(), 2);
  EXPECT_TRUE(changed[1].item<bool>());
  EXPECT_TRUE(changed[3].item<bool>());
}

TEST(TrainOptimizer, SplitsSparseAndDenseParametersAndClips) {
  torch::nn::Sequential m(torch::nn::Embedding(torch::nn::EmbeddingOptions(10, 4).sparse(true)),
                          torch::nn::Linear(4, 1));
  TrainOptimizer opt(*m, OptimizerConfig{"adamw", 0.01, 0.0, 0.5});
  auto out = m->forward(torch::tensor({1, 2}, torch::kLong)).sum() * 1000;
  out.backward();
  double norm = opt.step();  // the dense gradient is huge: the norm before clipping is reported
  EXPECT_GT(norm, 0.5);
  opt.zero_grad();
  EXPECT_THROW(TrainOptimizer(*m, OptimizerConfig{"sgd", 0.01, 0.0, 0.0}), std::exception);
}
