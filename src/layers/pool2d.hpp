// maxpool2d / avgpool2d: in [N,C,H,W] -> out [N,C,OH,OW], OH = (H - KH)/SH + 1, no padding.
// Stride defaults to the kernel (non-overlapping windows, as in PyTorch); smaller strides overlap.
#pragma once
#include <memory>

#include "kernels/kernels.hpp"
#include "layers/hyperparams.hpp"
#include "layers/layer.hpp"

namespace convscope {

class Pool2d : public Layer {
 public:
  // {"type": "maxpool2d" | "avgpool2d", "kernel": 2, "stride": 2}
  static std::unique_ptr<Layer> from_json(const std::string& name, const hyper::Json& spec,
                                          kernels::PoolKind kind) {
    const auto kernel = hyper::get_pair(spec, name, "kernel", 1);
    const auto stride = spec.contains("stride") ? hyper::get_pair(spec, name, "stride", 1) : kernel;
    return std::make_unique<Pool2d>(name, kind, kernel, stride);
  }

  Pool2d(const std::string& name, kernels::PoolKind kind, hyper::Pair kernel, hyper::Pair stride)
      : Layer(name), kind_(kind) {
    g_.win.kh = kernel.first;
    g_.win.kw = kernel.second;
    g_.win.sh = stride.first;
    g_.win.sw = stride.second;
  }

  std::string type() const override {
    return kind_ == kernels::PoolKind::max ? "maxpool2d" : "avgpool2d";
  }

  Dims build(const Dims& in) override {
    if (in.size() != 3)
      throw Error(name() + ": " + type() + " needs a [C,H,W] input, got " + to_string(in));
    g_.c = in[0];
    g_.h = in[1];
    g_.w = in[2];
    g_.oh = out_size(g_.h, g_.win.kh, g_.win.sh, 0, 0, name());
    g_.ow = out_size(g_.w, g_.win.kw, g_.win.sw, 0, 0, name());
    return {g_.c, g_.oh, g_.ow};
  }

  std::optional<Window> window() const override { return g_.win; }

  std::uint64_t forward_ops() const override {
    return saturating_product({g_.c, g_.oh, g_.ow, g_.win.kh, g_.win.kw});
  }

  void forward(const Tensor& x, Tensor& y, Kernels kernels) override {
    const std::size_t n = x.shape()[0], in_size = g_.c * g_.h * g_.w, out_size_ = g_.c * g_.oh * g_.ow;
    shape_output(y, n, {g_.c, g_.oh, g_.ow});
    for (std::size_t s = 0; s < n; ++s) {
      if (kernels == Kernels::reference)
        kernels::pool2d_f32_scalar(kind_, g_, x.data() + s * in_size, y.data() + s * out_size_);
      else kernels::pool2d_f32_vec4(kind_, g_, x.data() + s * in_size, y.data() + s * out_size_);
    }
  }

  void backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx, Kernels) override {
    if (!dx) return;
    const std::size_t n = x.shape()[0], in_size = g_.c * g_.h * g_.w, out_size_ = g_.c * g_.oh * g_.ow;
    shape_like(*dx, x);
    for (std::size_t s = 0; s < n; ++s)
      kernels::pool2d_backward_f32_scalar(kind_, g_, x.data() + s * in_size, dy.data() + s * out_size_,
                                          dx->data() + s * in_size);
  }

  const kernels::Pool2dGeometry& geometry() const { return g_; }

 private:
  kernels::PoolKind kind_;
  kernels::Pool2dGeometry g_{};
};

}  // namespace convscope
