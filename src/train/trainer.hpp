// One training step on a mini-batch: forward, softmax cross-entropy, backward, optimizer step.
// A model ending in softmax has it fused with the loss (the gradient starts at the layer before);
// any other model's output is taken as logits. With threads > 1 (native builds), each thread
// runs a slice of the batch on its own replica of the model and the gradients are summed.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "model/sequential.hpp"
#include "train/loss.hpp"
#include "train/optimizer.hpp"

namespace convscope {

class Trainer {
 public:
  Trainer(Sequential& model, OptimizerConfig config, std::size_t threads = 1);

  // x: n inputs back to back, labels: n class indices. Returns the batch's loss and hits
  // (measured before the step).
  LossResult step(const float* x, const std::int32_t* labels, std::size_t n, float learning_rate,
                  Kernels kernels = Kernels::fast);

  // The mean loss and hits of a batch, without learning.
  LossResult evaluate(const float* x, const std::int32_t* labels, std::size_t n,
                      Kernels kernels = Kernels::fast);

 private:
  // One model's share of the work: its forward, loss and backward buffers.
  struct Worker {
    Sequential* model;
    Tensor probs, grad;
    LossResult result{};
    // forward + loss (+ backward into the model's grads, zeroed first, if learn)
    void run(const float* x, const std::int32_t* labels, std::size_t n, Kernels kernels, bool learn);
  };

  Sequential& model_;
  Optimizer optimizer_;
  std::vector<Param> params_;
  std::vector<std::unique_ptr<Sequential>> replicas_;  // threads - 1 copies of the model
  std::vector<Worker> workers_;                        // workers_[0] runs on model_ itself
};

// The predicted class of each of n inputs, run in batches of `batch`.
std::vector<std::int32_t> predict_classes(Sequential& model, const float* x, std::size_t n,
                                          std::size_t batch = 256, Kernels kernels = Kernels::fast);

}  // namespace convscope
