// dense (fully connected): in [N,IN], weight [OUT,IN] (PyTorch nn.Linear), bias [OUT]
// -> out [N,OUT], out = W·x + b. Needs a flat input: put a flatten layer before it.
#pragma once
#include <memory>

#include "kernels/kernels.hpp"
#include "layers/hyperparams.hpp"
#include "layers/layer.hpp"

namespace convscope {

class Dense : public Layer {
 public:
  // {"type": "dense", "out_features": 10}
  static std::unique_ptr<Layer> from_json(const std::string& name, const hyper::Json& spec) {
    return std::make_unique<Dense>(name, hyper::get_size(spec, name, "out_features", 1));
  }

  Dense(const std::string& name, std::size_t out_features) : Layer(name), out_(out_features) {}

  std::string type() const override { return "dense"; }

  Dims build(const Dims& in) override {
    if (in.size() != 1)
      throw Error(name() + ": dense needs a flat input (add a flatten layer before it), got " +
                  to_string(in));
    in_ = in[0];
    return {out_};
  }

  std::uint64_t forward_ops() const override { return saturating_product({in_, out_}); }

  std::vector<Param> params() override {
    return {{name() + ".weight", {out_, in_}, &weight_, &weight_grad_},
            {name() + ".bias", {out_}, &bias_, &bias_grad_}};
  }

  void forward(const Tensor& x, Tensor& y, Kernels kernels) override { run(x, y, kernels, false); }
  bool forward_relu(const Tensor& x, Tensor& y, Kernels kernels) override {
    run(x, y, kernels, true);
    return true;
  }

  void backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx, Kernels kernels) override {
    const std::size_t n = x.shape()[0];
    if (dx) shape_like(*dx, x);
    for (std::size_t s = 0; s < n; ++s) {
      float* din = dx ? dx->data() + s * in_ : nullptr;
      if (kernels == Kernels::reference)
        kernels::dense_backward_f32_scalar(in_, out_, x.data() + s * in_, weight_.data(),
                                           dy.data() + s * out_, din, weight_grad_.data(),
                                           bias_grad_.data());
      else
        kernels::dense_backward_f32_vec4(in_, out_, x.data() + s * in_, weight_.data(),
                                         dy.data() + s * out_, din, weight_grad_.data(),
                                         bias_grad_.data());
    }
  }

 private:
  // The whole batch in one kernel call. x may be any [N, ...] holding IN values per sample.
  void run(const Tensor& x, Tensor& y, Kernels kernels, bool relu) {
    const std::size_t n = x.shape()[0];
    shape_output(y, n, {out_});
    if (kernels == Kernels::reference)
      kernels::dense_batch_f32_scalar(n, in_, out_, x.data(), weight_.data(), bias_.data(), relu,
                                      y.data());
    else
      kernels::dense_batch_f32_vec4(n, in_, out_, x.data(), weight_.data(), bias_.data(), relu,
                                    y.data());
  }

  std::size_t in_ = 0, out_;
  Tensor weight_, bias_, weight_grad_, bias_grad_;
};

}  // namespace convscope
