#include "model/retrieval_loss.h"

#include <limits>

#include "core/error.h"

namespace fr {

torch::Tensor retrieval_logits(const RetrievalBatch& b, double temperature) {
  if (temperature <= 0) throw UsageError("the temperature must be positive");
  const int64_t B = b.query.size(0);
  if (b.candidate.size(0) < B || b.candidate_ids.size(0) != b.candidate.size(0))
    throw InternalError("retrieval batch: candidates must start with the batch's positives");
  // In-place where autograd allows it (matmul saves its inputs, not its output): the [B, B + N]
  // matrices are the largest tensors of a step.
  const double inf = std::numeric_limits<float>::infinity();
  auto logits = b.log_q.defined() ? torch::addmm(b.log_q.neg().unsqueeze(0), b.query / temperature, b.candidate.t())
                                  : torch::matmul(b.query / temperature, b.candidate.t());
  if (b.offset.defined()) logits = logits + b.offset;
  // Row i's positive is candidate i; any other column holding the same article is masked.
  if (b.hit_rows.defined()) return logits.index_put_({b.hit_rows, b.hit_cols}, torch::tensor(-inf));
  auto same = b.candidate_ids.slice(0, 0, B).unsqueeze(1).eq(b.candidate_ids.unsqueeze(0));  // [B, B + N]
  same.diagonal().fill_(false);
  return logits.masked_fill_(same, -inf);
}

torch::Tensor in_batch_softmax_loss(const RetrievalBatch& b, double temperature) {
  auto logits = retrieval_logits(b, temperature);
  auto target = torch::arange(b.query.size(0), torch::TensorOptions().dtype(torch::kLong));
  return torch::nn::functional::cross_entropy(logits, target);
}

}  // namespace fr
