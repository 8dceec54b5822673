// Element-wise activations, any dims: relu(x) = max(x, 0), sigmoid(x) = 1/(1+e^-x), tanh(x).
// Written as xtensor expressions over the whole batch.
#pragma once
#include <memory>
#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>

#include "layers/layer.hpp"

namespace convscope {

enum class ActivationFn { relu, sigmoid, tanh };

class Activation : public Layer {
 public:
  Activation(const std::string& name, ActivationFn fn) : Layer(name), fn_(fn) {}

  std::string type() const override {
    switch (fn_) {
      case ActivationFn::relu: return "relu";
      case ActivationFn::sigmoid: return "sigmoid";
      case ActivationFn::tanh: return "tanh";
    }
    return "?";
  }

  Dims build(const Dims& in) override {
    dims_ = in;
    return in;
  }

  void forward(const Tensor& x, Tensor& y, Kernels) override {
    shape_output(y, x.shape()[0], dims_);
    switch (fn_) {
      case ActivationFn::relu: xt::noalias(y) = xt::maximum(x, 0.0f); break;
      case ActivationFn::sigmoid: xt::noalias(y) = 1.0f / (1.0f + xt::exp(-x)); break;
      case ActivationFn::tanh: xt::noalias(y) = xt::tanh(x); break;
    }
  }

 private:
  ActivationFn fn_;
  Dims dims_;
};

}  // namespace convscope
