// Element-wise activations, any dims: relu(x) = max(x, 0), sigmoid(x) = 1/(1+e^-x), tanh(x).
// Backward: relu' = [x > 0], sigmoid' = y(1-y), tanh' = 1-y². xtensor expressions over the batch.
#pragma once
#include <memory>
#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>
#include <xtensor/xoperation.hpp>

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

  void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx, Kernels) override {
    if (!dx) return;
    shape_like(*dx, x);
    switch (fn_) {
      case ActivationFn::relu: xt::noalias(*dx) = xt::where(x > 0.0f, dy, 0.0f); break;
      case ActivationFn::sigmoid: xt::noalias(*dx) = dy * y * (1.0f - y); break;
      case ActivationFn::tanh: xt::noalias(*dx) = dy * (1.0f - y * y); break;
    }
  }

 private:
  ActivationFn fn_;
  Dims dims_;
};

}  // namespace convscope
