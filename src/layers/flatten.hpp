// flatten: [N,C,H,W] -> [N, C·H·W] in channel-major (C, H, W) order, as PyTorch's nn.Flatten.
// Row-major storage already has that order, so this is a copy under a new shape.
#pragma once
#include <algorithm>

#include "layers/layer.hpp"

namespace convscope {

class Flatten : public Layer {
 public:
  using Layer::Layer;
  std::string type() const override { return "flatten"; }

  Dims build(const Dims& in) override {
    features_ = checked_count(in, name());
    return {features_};
  }

  void forward(const Tensor& x, Tensor& y, Kernels) override {
    shape_output(y, x.shape()[0], {features_});
    std::copy(x.data(), x.data() + x.size(), y.data());
  }

  void backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx, Kernels) override {
    if (!dx) return;
    shape_like(*dx, x);
    std::copy(dy.data(), dy.data() + dy.size(), dx->data());
  }

 private:
  std::size_t features_ = 0;
};

}  // namespace convscope
