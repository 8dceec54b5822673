// conv2d: in [N,IC,H,W], weight [OC,IC,KH,KW], bias [OC] -> out [N,OC,OH,OW],
// OH = (H + P_top + P_bottom - KH)/SH + 1 (zero padding, cross-correlation as in PyTorch).
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/kernels.hpp"
#include "layers/hyperparams.hpp"
#include "layers/layer.hpp"
#include "layers/pool2d.hpp"
#include "tensor/scratch.hpp"

namespace convscope {

class Conv2d : public Layer {
 public:
  // {"type": "conv2d", "out_channels": 8, "kernel": 5, "stride": 1, "padding": 0 | [h,w] | "same"}
  static std::unique_ptr<Layer> from_json(const std::string& name, const hyper::Json& spec) {
    const auto kernel = hyper::get_pair(spec, name, "kernel", 1);
    const auto stride = spec.contains("stride") ? hyper::get_pair(spec, name, "stride", 1)
                                                : hyper::Pair{1, 1};
    return std::make_unique<Conv2d>(name, hyper::get_size(spec, name, "out_channels", 1), kernel, stride,
                                    hyper::get_padding(spec, name));
  }

  Conv2d(const std::string& name, std::size_t out_channels, hyper::Pair kernel, hyper::Pair stride,
         hyper::Padding padding)
      : Layer(name), padding_(padding) {
    g_.oc = out_channels;
    g_.win.kh = kernel.first;
    g_.win.kw = kernel.second;
    g_.win.sh = stride.first;
    g_.win.sw = stride.second;
  }

  std::string type() const override { return "conv2d"; }

  Dims build(const Dims& in) override {
    if (in.size() != 3) throw Error(name() + ": conv2d needs a [C,H,W] input, got " + to_string(in));
    g_.ic = in[0];
    g_.h = in[1];
    g_.w = in[2];
    hyper::resolve_padding(padding_, g_.h, g_.w, g_.win);
    const Window& k = g_.win;
    g_.oh = out_size(g_.h, k.kh, k.sh, k.pad_top, k.pad_bottom, name());
    g_.ow = out_size(g_.w, k.kw, k.sw, k.pad_left, k.pad_right, name());
    // factor by factor: IC·KH·KW alone can overflow a 32-bit size_t (wasm)
    bounded_count({g_.ic, k.kh, k.kw, g_.oh, g_.ow}, name() + " im2col buffer");
    return {g_.oc, g_.oh, g_.ow};
  }

  std::size_t scratch_values() const override { return kernels::conv2d_scratch_floats(g_); }
  std::optional<Window> window() const override { return g_.win; }

  std::uint64_t forward_ops() const override {
    return saturating_product({g_.oc, g_.oh, g_.ow, g_.ic, g_.win.kh, g_.win.kw});
  }

  std::vector<Param> params() override {
    weights_changed();  // writable from here on
    return {{name() + ".weight", {g_.oc, g_.ic, g_.win.kh, g_.win.kw}, &weight_, &weight_grad_},
            {name() + ".bias", {g_.oc}, &bias_, &bias_grad_}};
  }
  void weights_changed() override { ++weights_version_; }

  void forward(const Tensor& x, Tensor& y, Kernels kernels) override { run(x, y, kernels, false); }
  bool forward_relu(const Tensor& x, Tensor& y, Kernels kernels) override {
    run(x, y, kernels, true);
    return true;
  }

  // conv + bias + ReLU + a 2×2, stride 2 max pool in one kernel (the full-size map is never
  // written), when pool is such a layer and the convolution has stride 1.
  bool forward_relu_pool(const Tensor& x, const Layer& pool, Tensor& y, Kernels kernels) override {
    const auto* p = dynamic_cast<const Pool2d*>(&pool);
    if (!p || p->type() != "maxpool2d" || !kernels::conv2d_fuses_maxpool2x2(g_)) return false;
    const Window& pw = p->geometry().win;
    if (pw.kh != 2 || pw.kw != 2 || pw.sh != 2 || pw.sw != 2) return false;
    const std::size_t n = x.shape()[0];
    shape_output(y, n, {g_.oc, g_.oh / 2, g_.ow / 2});
    if (kernels == Kernels::reference) {
      kernels::conv2d_relu_maxpool2x2_batch_f32_scalar(g_, n, x.data(), weight_.data(), bias_.data(),
                                                       y.data());
      return true;
    }
    const std::size_t need = kernels::conv2d_batch_scratch_floats(g_, n);
    if (scratch_.size() < need) scratch_.resize(need);
    kernels::conv2d_relu_maxpool2x2_batch_f32_vec4(g_, n, x.data(), weight_.data(), bias_.data(),
                                                   y.data(), scratch_.data(), packed());
    return true;
  }

  void backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx, Kernels kernels) override {
    const std::size_t n = x.shape()[0], in_size = g_.ic * g_.h * g_.w, out_size_ = g_.oc * g_.oh * g_.ow;
    if (dx) shape_like(*dx, x);
    if (kernels == Kernels::fast) backward_scratch_.resize(kernels::conv2d_backward_scratch_floats(g_));
    for (std::size_t s = 0; s < n; ++s) {
      const float* in = x.data() + s * in_size;
      const float* dout = dy.data() + s * out_size_;
      float* din = dx ? dx->data() + s * in_size : nullptr;
      if (kernels == Kernels::reference)
        kernels::conv2d_backward_f32_scalar(g_, in, weight_.data(), dout, din, weight_grad_.data(),
                                            bias_grad_.data());
      else
        kernels::conv2d_backward_f32_vec4(g_, in, weight_.data(), dout, din, weight_grad_.data(),
                                          bias_grad_.data(), backward_scratch_.data());
    }
  }

  const kernels::Conv2dGeometry& geometry() const { return g_; }

 private:
  // The whole batch in one kernel call (the fast one im2cols groups of samples into one gemm).
  void run(const Tensor& x, Tensor& y, Kernels kernels, bool relu) {
    const std::size_t n = x.shape()[0];
    shape_output(y, n, {g_.oc, g_.oh, g_.ow});
    if (kernels == Kernels::reference) {
      kernels::conv2d_batch_f32_scalar(g_, n, x.data(), weight_.data(), bias_.data(), relu, y.data());
      return;
    }
    const std::size_t need = kernels::conv2d_batch_scratch_floats(g_, n);
    if (scratch_.size() < need) scratch_.resize(need);
    kernels::conv2d_batch_f32_vec4(g_, n, x.data(), weight_.data(), bias_.data(), relu, y.data(),
                                   scratch_.data(), packed());
  }

  // The weights as the fast kernel reads them (Winograd's transformed filters), made again only
  // when the weights may have changed since; null if this shape's kernel reads them as they are.
  const float* packed() {
    const std::size_t size = kernels::conv2d_packed_floats(g_);
    if (size == 0) return nullptr;
    if (packed_version_ != weights_version_ || packed_.size() != size) {
      packed_.resize(size);
      kernels::conv2d_pack_f32_vec4(g_, weight_.data(), packed_.data());
      packed_version_ = weights_version_;
    }
    return packed_.data();
  }

  hyper::Padding padding_;
  kernels::Conv2dGeometry g_{};
  Tensor weight_, bias_, weight_grad_, bias_grad_;
  ScratchFloats scratch_;           // im2col (+ gemm) buffer, grown at a fast forward
  ScratchFloats backward_scratch_;  // sized at the first backward (training only)
  ScratchFloats packed_;            // packed() of the weights as of packed_version_
  std::uint64_t weights_version_ = 1, packed_version_ = 0;
};

}  // namespace convscope
