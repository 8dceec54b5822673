#include "model/sequential.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/kernels.hpp"
#include "layers/registry.hpp"

namespace convscope {

void require_finite(const float* x, std::size_t n, std::size_t first_index) {
  const std::size_t i = kernels::first_nonfinite_f32_vec4(n, x);  // a vector scan: see finite_vec4.cpp
  if (i < n)
    throw Error("input: value " + std::to_string(first_index + i) + " is not a finite number (" +
                std::to_string(x[i]) + ")");
}

namespace {

// The error paths of building a model, each out of line: a model is built once, in the browser's
// baseline compiler, which compiles a function whole at its first call, so messages built inline
// would be compiled on every load and never run.
[[noreturn]] void fail_too_many_values(const std::string& layer, std::size_t values) {
  throw Error(layer + ": the model's activations and scratch reach " + std::to_string(values) +
              " values per sample by this layer, at most " + std::to_string(kMaxValues));
}

[[noreturn]] void fail_too_many_ops(const std::string& layer, std::uint64_t layer_ops,
                                    std::uint64_t before) {
  throw Error(layer + ": " + (layer_ops == UINT64_MAX ? "over 2^64" : std::to_string(layer_ops)) +
              " multiply-adds per sample (after " + std::to_string(before) +
              " in the layers before), at most " + std::to_string(kMaxForwardOps) +
              " for the whole forward pass");
}

[[noreturn]] void fail_label_count(std::size_t labels, std::size_t classes) {
  throw Error("architecture.labels: " + std::to_string(labels) + " labels, but the last layer gives " +
              std::to_string(classes) + " outputs");
}

// One memset: xtensor's fill() is a loop of its own, one float at a time in the browser's baseline
// compiler, where a model load runs.
void zero(Tensor& t) { std::memset(t.data(), 0, t.size() * sizeof(float)); }

}  // namespace

Sequential::Sequential(Architecture arch, const ParamCheck& check)
    : arch_(std::move(arch)), input_size_(bounded_count(arch_.input, "input")) {
  Dims dims = arch_.input;
  // One sample's budget, summed layer by layer: each term is at most kMaxValues, so `values`
  // cannot overflow; layer ops saturate and are checked before they are added.
  std::size_t values = input_size_;
  std::uint64_t ops = 0;
  for (const auto& spec : arch_.layers) {
    const std::string name = spec.at("name").get<std::string>();
    layers_.push_back(make_layer(name, spec));
    Layer& layer = *layers_.back();
    dims = layer.build(dims);
    const std::size_t out = bounded_count(dims, name + " output");
    dims_.push_back(dims);
    for (const Param& p : layer.params()) {
      bounded_count(p.shape, p.name);
      if (check) check(p);
    }
    values += out + layer.scratch_values();
    if (values > kMaxValues) fail_too_many_values(name, values);
    const std::uint64_t layer_ops = std::max<std::uint64_t>(layer.forward_ops(), out);
    if (layer_ops > kMaxForwardOps - ops) fail_too_many_ops(name, layer_ops, ops);
    ops += layer_ops;
  }
  sample_values_ = values;
  for (Param& p : params()) {
    *p.value = Tensor::from_shape(p.shape);
    zero(*p.value);
    *p.grad = Tensor::from_shape(p.shape);
    zero(*p.grad);
  }
  outputs_.resize(layers_.size());
  grads_.resize(layers_.size());

  const std::size_t classes = output_size();
  if (arch_.labels.empty()) {
    // Not for a large output: a 100-byte architecture with a 4096x4096 last layer made 16 M
    // strings (500 MB) here.
    if (classes <= kMaxDefaultLabels)
      for (std::size_t i = 0; i < classes; ++i) labels_.push_back(std::to_string(i));
  } else if (arch_.labels.size() != classes) {
    fail_label_count(arch_.labels.size(), classes);
  } else {
    labels_ = arch_.labels;
  }
}

std::size_t Sequential::output_size() const { return checked_count(dims_.back(), "output"); }

std::vector<Param> Sequential::params() {
  std::vector<Param> all;
  for (auto& layer : layers_)
    for (Param& p : layer->params()) all.push_back(p);
  return all;
}

void Sequential::weights_changed() {
  for (auto& layer : layers_) layer->weights_changed();
}

std::size_t Sequential::parameter_count() {
  std::size_t n = 0;
  for (const Param& p : params()) n += checked_count(p.shape, p.name);
  return n;
}

void Sequential::check_input(std::size_t size, std::size_t n) const {
  if (n == 0 || size % input_size_ != 0 || size / input_size_ != n)
    throw Error("input: expected " + std::to_string(n) + " × " + std::to_string(input_size_) +
                " values " + to_string(arch_.input) + ", got " + std::to_string(size));
  // Every layer's output holds n × its per-sample size; that product must not wrap a 32-bit
  // size_t (wasm), or a tensor would be allocated short and written past its end.
  if (n > SIZE_MAX / sample_values_)
    throw Error("input: a batch of " + std::to_string(n) + " samples × " +
                std::to_string(sample_values_) + " values per sample overflows size_t");
}

void Sequential::resize_input(std::size_t n) {
  const auto shape = batch_shape(n, arch_.input);
  if (!std::equal(shape.begin(), shape.end(), input_.shape().begin(), input_.shape().end()))
    input_.resize(shape);
}

void Sequential::load_input(const float* x, std::size_t size, std::size_t n) {
  check_input(size, n);
  require_finite(x, size);
  resize_input(n);
  std::copy(x, x + size, input_.data());
}

const Tensor& Sequential::forward(const float* x, std::size_t size, std::size_t n, Kernels kernels) {
  load_input(x, size, n);
  return run(false, kernels);
}

const Tensor& Sequential::infer(const float* x, std::size_t size, std::size_t n, Kernels kernels) {
  load_input(x, size, n);
  return run(true, kernels);
}

float* Sequential::input_buffer(std::size_t n) {
  // n · input_size_ cannot wrap where n · sample_values_ does not (input_size_ ≤ sample_values_)
  check_input(n <= SIZE_MAX / sample_values_ ? n * input_size_ : 0, n);
  resize_input(n);
  return input_.data();
}

const Tensor& Sequential::infer_input(Kernels kernels, std::size_t first_index) {
  require_finite(input_.data(), input_.size(), first_index);
  return run(true, kernels);
}

const Tensor& Sequential::run(bool fused, Kernels kernels) {
  const Tensor* in = &input_;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    if (fused && i + 1 < layers_.size()) {
      const std::string next = layers_[i + 1]->type();
      // conv → relu → 2×2 max pool: one kernel; the pool's output gets the result
      if (next == "relu" && i + 2 < layers_.size() &&
          layers_[i]->forward_relu_pool(*in, *layers_[i + 2], outputs_[i + 2], kernels)) {
        i += 2;
        in = &outputs_[i];
        continue;
      }
      if (next == "relu" && layers_[i]->forward_relu(*in, outputs_[i + 1], kernels)) {
        in = &outputs_[++i];
        continue;
      }
      if (next == "dense" && layers_[i]->type() == "flatten") continue;  // same floats, same order
    }
    layers_[i]->forward(*in, outputs_[i], kernels);
    in = &outputs_[i];
  }
  return *in;
}

void Sequential::backward(const Tensor& grad, std::size_t last, Kernels kernels) {
  const Tensor* dy = &grad;
  for (std::size_t i = last + 1; i-- > 0;) {
    const Tensor& x = i == 0 ? input_ : outputs_[i - 1];
    Tensor* dx = i == 0 ? nullptr : &grads_[i - 1];  // nobody needs dL/d(model input)
    layers_[i]->backward(x, outputs_[i], *dy, dx, kernels);
    dy = dx;
  }
}

void Sequential::zero_grad() {
  for (Param& p : params()) zero(*p.grad);
}

}  // namespace convscope
