// Sequential: the layers of an architecture, run in order. A forward pass keeps every layer's
// output (the page draws them all).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "io/architecture.hpp"
#include "layers/layer.hpp"

namespace convscope {

// Throws Error naming the first value of x[0..n) that is NaN or infinite; first_index is the
// index of x[0] in the caller's numbering.
void require_finite(const float* x, std::size_t n, std::size_t first_index = 0);

// One sample's forward pass may need at most this many multiply-adds (~10,000 times the shipped
// CNN): an architecture from a file that asks for more is refused, not run for hours.
constexpr std::uint64_t kMaxForwardOps = std::uint64_t{1} << 32;

// An architecture without labels gets "0", "1", ... for an output of at most this many values.
constexpr std::size_t kMaxDefaultLabels = 1 << 16;

class Sequential {
 public:
  // Called for every parameter before any is allocated; throws to refuse (the loader checks
  // each one against the file, so a file can't make the engine allocate more than it holds).
  using ParamCheck = std::function<void(const Param&)>;

  // Builds every layer against the architecture's input and allocates the parameters (zeros).
  // Refuses, before allocating, an architecture whose one-sample forward pass would hold more
  // than kMaxValues activation and scratch values in all, or need more than kMaxForwardOps.
  explicit Sequential(Architecture arch, const ParamCheck& check = nullptr);

  const Architecture& architecture() const { return arch_; }
  // The architecture's labels; without them "0", "1", ... (none if the output has more than
  // kMaxDefaultLabels values).
  const std::vector<std::string>& labels() const { return labels_; }
  const Dims& input_dims() const { return arch_.input; }
  std::size_t input_size() const { return input_size_; }
  std::size_t size() const { return layers_.size(); }
  Layer& layer(std::size_t i) { return *layers_[i]; }
  const Layer& layer(std::size_t i) const { return *layers_[i]; }
  const Dims& output_dims(std::size_t i) const { return dims_[i]; }
  std::size_t output_size() const;  // values per sample of the last layer
  // Writable parameters (see Layer::params); weights_changed() after writing through Params
  // kept from an earlier call.
  std::vector<Param> params();
  void weights_changed();
  std::size_t parameter_count();

  // Runs n samples (x holds size = n · input_size() floats). Refuses a wrong size or a
  // non-finite value. Returns the last layer's output [n, ...].
  const Tensor& forward(const float* x, std::size_t size, std::size_t n,
                        Kernels kernels = Kernels::fast);
  // The last layer's output for n samples, the quick way, for predictions: a conv2d or dense
  // layer followed by a relu runs fused (the relu's output gets the result, the conv's output
  // is left stale), a stride-1 conv2d + relu + 2×2 max pool as one kernel (the pool's output
  // gets it) and a flatten before a dense layer is skipped. Same checks as forward; the
  // other layers' outputs are not to be read after it (forward gives every layer's output).
  const Tensor& infer(const float* x, std::size_t size, std::size_t n, Kernels kernels = Kernels::fast);
  // Where to write n samples (n · input_size() floats) for infer_input: the model's own input
  // buffer, resized, so a caller can fill it in place (e.g. straight from JS) without a copy.
  float* input_buffer(std::size_t n);
  // infer on the samples written to input_buffer(n); refuses a non-finite value, numbering
  // values from first_index.
  const Tensor& infer_input(Kernels kernels = Kernels::fast, std::size_t first_index = 0);

  // Layer i's output of the last forward call, [n, output_dims(i)...].
  const Tensor& output(std::size_t i) const { return outputs_[i]; }
  // The input of the last forward call, [n, input dims...].
  const Tensor& input() const { return input_; }

  // Backward pass of the last forward call, from layer `last` down to layer 0: grad is
  // dL/d(output of layer last). Adds dL/dparam into every parameter's grad.
  void backward(const Tensor& grad, std::size_t last, Kernels kernels = Kernels::fast);
  void zero_grad();

 private:
  void check_input(std::size_t size, std::size_t n) const;
  void resize_input(std::size_t n);
  // check_input, require_finite, then the samples copied into the model's own input
  void load_input(const float* x, std::size_t size, std::size_t n);
  const Tensor& run(bool fused, Kernels kernels);

  Architecture arch_;
  std::vector<std::string> labels_;
  std::vector<std::unique_ptr<Layer>> layers_;
  std::vector<Dims> dims_;
  std::size_t input_size_;
  std::size_t sample_values_;  // one sample's input, activations and scratch, <= kMaxValues
  Tensor input_;
  std::vector<Tensor> outputs_;
  std::vector<Tensor> grads_;  // grads_[i] = dL/d(output of layer i), for backward
};

}  // namespace convscope
