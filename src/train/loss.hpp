// Softmax + cross-entropy, fused: for probabilities p = softmax(z) of a batch [N,K] and labels,
// loss = -(1/N) Σ_n log p[n][label_n], and dL/dz = (p - onehot(label)) / N — no division by p,
// so the gradient stays finite however confident the model is.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "tensor/tensor.hpp"

namespace convscope {

struct LossResult {
  double loss;          // mean over the batch
  std::size_t correct;  // samples whose largest probability is at their label
};

// probs [N,K] (rows sum to 1); labels N values in [0,K). Writes dlogits [N,K].
LossResult softmax_cross_entropy(const Tensor& probs, const std::int32_t* labels, Tensor& dlogits);

// Class labels given as numbers (e.g. from JavaScript), as the int32 the loss and the metrics
// take: each a whole number in int32's range, else Error "labels: label i is 0.5, ...". Which
// labels a model or a metric accepts is checked where they are used.
std::vector<std::int32_t> class_labels(const std::vector<double>& values);

// Index of the largest of n values (the first, on ties).
std::size_t argmax(const float* values, std::size_t n);

}  // namespace convscope
