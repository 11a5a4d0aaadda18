#pragma once
// The retrieval task's loss: in-batch softmax (sampled softmax over the batch's articles), as in
// TensorFlow Recommenders and Merlin, with
//   - a temperature: logits = query . candidate / temperature;
//   - the logQ correction: logits[i][j] -= log q_j, q_j = the probability that article j is
//     drawn as a candidate (its share of training purchases), so popular articles are not
//     pushed down merely for appearing often as negatives;
//   - an optional offset per cell, added after the temperature (the popularity term of the
//     row's week for candidate j, towers.h);
//   - accidental hits masked: when article j of the batch is the same article as row i's
//     positive (and j != i), it is not a negative for row i (its logit is -inf).
// Optional extra negatives (uniform or popular draws) are appended as more columns.
#include <torch/torch.h>

namespace fr {

struct RetrievalBatch {
  torch::Tensor query;          ///< [B, d] customer embeddings
  torch::Tensor candidate;      ///< [B + N, d] the B positives, then N extra negatives
  torch::Tensor candidate_ids;  ///< [B + N] int64 article ids (for the accidental-hit mask)
  torch::Tensor log_q;          ///< [B + N] log sampling probability of each candidate
  /// Optional: the accidental hits as (row, column) index lists, found by the data loader;
  /// undefined = found here by comparing candidate_ids (a [B, B + N] comparison).
  torch::Tensor hit_rows, hit_cols;
  /// Optional [B, B + N]: added to the logits after the temperature (the popularity term).
  torch::Tensor offset;
};

/// Mean over the batch of -log softmax(logits)[i][i]. log_q may be undefined (no correction).
torch::Tensor in_batch_softmax_loss(const RetrievalBatch& b, double temperature);

/// The logits after temperature, logQ correction and masking ([B, B + N]), for inspection.
torch::Tensor retrieval_logits(const RetrievalBatch& b, double temperature);

}  // namespace fr
