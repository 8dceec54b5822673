// Optimizers: SGD with momentum, and Adam. Weight decay applies to weights, not biases
// (added to the gradient for SGD; decoupled, as AdamW, for Adam).
#pragma once
#include <vector>

#include "layers/layer.hpp"

namespace convscope {

struct OptimizerConfig {
  enum class Kind { sgd, adam } kind = Kind::adam;
  float momentum = 0.9f;                                // SGD
  float beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-8f;  // Adam
  float weight_decay = 0.0f;
};

class Optimizer {
 public:
  explicit Optimizer(OptimizerConfig config) : config_(config) {}

  // value -= learning_rate · update(grad), for every parameter; grads are left as they are.
  void step(const std::vector<Param>& params, float learning_rate);

 private:
  OptimizerConfig config_;
  long steps_ = 0;
  std::vector<std::vector<float>> first_, second_;  // momentum / Adam moments, per parameter
};

}  // namespace convscope
