// softmax over all features of each sample, stable: y_i = e^(x_i - max x) / Σ_j e^(x_j - max x).
#pragma once
#include <algorithm>
#include <cmath>

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
    for (std::size_t s = 0; s < n; ++s) {
      const float* in = x.data() + s * features_;
      float* out = y.data() + s * features_;
      const float top = *std::max_element(in, in + features_);
      float sum = 0;
      for (std::size_t i = 0; i < features_; ++i) sum += out[i] = std::exp(in[i] - top);
      for (std::size_t i = 0; i < features_; ++i) out[i] /= sum;
    }
  }

 private:
  Dims dims_;
  std::size_t features_ = 0;
};

}  // namespace convscope
