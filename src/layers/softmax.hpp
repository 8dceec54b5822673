// softmax over all features of each sample, stable: y_i = e^(x_i - max x) / Σ_j e^(x_j - max x).
// Backward: dx_i = y_i (dy_i - Σ_j dy_j y_j). (Training fuses softmax with the cross-entropy
// loss instead, see train/loss.hpp.)
#pragma once
#include "kernels/kernels.hpp"
#include "layers/layer.hpp"

namespace convscope {

class Softmax : public Layer {
 public:
  using Layer::Layer;
  std::string type() const override { return "softmax"; }

  Dims build(const Dims& in) override {
    dims_ = in;
    features_ = checked_count(in, name());
    return in;
  }

  void forward(const Tensor& x, Tensor& y, Kernels) override {
    const std::size_t n = x.shape()[0];
    shape_output(y, n, dims_);
    for (std::size_t s = 0; s < n; ++s)
      kernels::softmax_f32_scalar(features_, x.data() + s * features_, y.data() + s * features_);
  }

  void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx, Kernels) override {
    if (!dx) return;
    shape_like(*dx, x);
    for (std::size_t s = 0; s < x.shape()[0]; ++s) {
      const float* ys = y.data() + s * features_;
      const float* dys = dy.data() + s * features_;
      float dot = 0;
      for (std::size_t i = 0; i < features_; ++i) dot += dys[i] * ys[i];
      for (std::size_t i = 0; i < features_; ++i) dx->data()[s * features_ + i] = ys[i] * (dys[i] - dot);
    }
  }

 private:
  Dims dims_;
  std::size_t features_ = 0;
};

}  // namespace convscope
