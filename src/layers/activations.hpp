// Element-wise activations, any dims: relu(x) = max(x, 0), sigmoid(x) = 1/(1+e^-x), tanh(x).
// Backward: relu' = [x > 0], sigmoid' = y(1-y), tanh' = 1-y². ReLU by kernels, the others as
// xtensor expressions over the batch.
#pragma once
#include <memory>
#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>
#include <xtensor/xoperation.hpp>

#include "kernels/kernels.hpp"
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

  void forward(const Tensor& x, Tensor& y, Kernels kernels) override {
    shape_output(y, x.shape()[0], dims_);
    switch (fn_) {
      case ActivationFn::relu:  // a kernel: xtensor's expressions are slow in the -Os wasm build
        (kernels == Kernels::fast ? kernels::relu_f32_vec4
                                  : kernels::relu_f32_scalar)(x.size(), x.data(), y.data());
        break;
      case ActivationFn::sigmoid: xt::noalias(y) = 1.0f / (1.0f + xt::exp(-x)); break;
      case ActivationFn::tanh: xt::noalias(y) = xt::tanh(x); break;
    }
  }

  void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx,
                Kernels kernels) override {
    if (!dx) return;
    shape_like(*dx, x);
    switch (fn_) {
      case ActivationFn::relu:
        (kernels == Kernels::fast
             ? kernels::relu_backward_f32_vec4
             : kernels::relu_backward_f32_scalar)(x.size(), x.data(), dy.data(), dx->data());
        break;
      case ActivationFn::sigmoid: xt::noalias(*dx) = dy * y * (1.0f - y); break;
      case ActivationFn::tanh: xt::noalias(*dx) = dy * (1.0f - y * y); break;
    }
  }

 private:
  ActivationFn fn_;
  Dims dims_;
};

}  // namespace convscope
