#include "train/optimizer.hpp"

#include <cmath>

namespace convscope {
namespace {

bool is_weight(const Param& p) { return p.shape.size() >= 2; }

}  // namespace

void Optimizer::step(const std::vector<Param>& params, float learning_rate) {
  if (first_.size() != params.size()) {
    first_.assign(params.size(), {});
    second_.assign(params.size(), {});
    for (std::size_t i = 0; i < params.size(); ++i) {
      first_[i].assign(params[i].value->size(), 0.0f);
      if (config_.kind == OptimizerConfig::Kind::adam) second_[i].assign(params[i].value->size(), 0.0f);
    }
  }
  ++steps_;
  const float b1 = config_.beta1, b2 = config_.beta2;
  // Adam's bias corrections, folded into the step size
  const float c1 = 1.0f - std::pow(b1, static_cast<float>(steps_));
  const float c2 = 1.0f - std::pow(b2, static_cast<float>(steps_));
  for (std::size_t i = 0; i < params.size(); ++i) {
    float* w = params[i].value->data();
    const float* g = params[i].grad->data();
    float* m = first_[i].data();
    const float decay = is_weight(params[i]) ? config_.weight_decay : 0.0f;
    const std::size_t n = params[i].value->size();
    if (config_.kind == OptimizerConfig::Kind::sgd) {
      for (std::size_t j = 0; j < n; ++j) {
        m[j] = config_.momentum * m[j] + g[j] + decay * w[j];
        w[j] -= learning_rate * m[j];
      }
    } else {
      float* v = second_[i].data();
      for (std::size_t j = 0; j < n; ++j) {
        m[j] = b1 * m[j] + (1 - b1) * g[j];
        v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j];
        w[j] -= learning_rate * ((m[j] / c1) / (std::sqrt(v[j] / c2) + config_.epsilon) + decay * w[j]);
      }
    }
  }
}

}  // namespace convscope
