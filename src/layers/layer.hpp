// Layer: the interface every layer type implements. A layer is built once against one sample's
// input dims (checking its hyperparameters and sizing its parameters), then runs forward on a
// batch [N, dims...]; its backward pass sits beside its forward.
#pragma once
#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tensor/tensor.hpp"

namespace convscope {

// Which kernels a forward pass runs: the fast ones, or their plain reference twins.
enum class Kernels { fast, reference };

// A learnable tensor, named as in PyTorch's state_dict: "<layer>.weight", "<layer>.bias".
// The model allocates value and grad (dL/dvalue, accumulated by backward) with shape once it
// has checked it.
struct Param {
  std::string name;
  Dims shape;
  Tensor* value;
  Tensor* grad;
};

// Product of the factors, or UINT64_MAX if it does not fit: for costs that are compared to a limit.
inline std::uint64_t saturating_product(std::initializer_list<std::size_t> factors) {
  std::uint64_t n = 1;
  for (std::size_t f : factors) {
    if (f != 0 && n > std::numeric_limits<std::uint64_t>::max() / f)
      return std::numeric_limits<std::uint64_t>::max();
    n *= f;
  }
  return n;
}

class Layer {
 public:
  explicit Layer(std::string name) : name_(std::move(name)) {}
  virtual ~Layer() = default;
  Layer(const Layer&) = delete;
  Layer& operator=(const Layer&) = delete;

  const std::string& name() const { return name_; }
  virtual std::string type() const = 0;

  // Checks hyperparameters against one sample's input dims and returns one sample's output
  // dims; params() then gives the parameters' shapes. Throws Error naming the layer.
  virtual Dims build(const Dims& in) = 0;
  // The learnable tensors, writable. A layer that keeps data made from its weights (conv2d's
  // transformed filters) counts every call as a possible change; whoever writes through Params
  // kept from an earlier call (an optimizer) calls weights_changed() before the next forward.
  virtual std::vector<Param> params() { return {}; }
  virtual void weights_changed() {}

  // The sliding window of a layer that has one (conv2d, pooling), with its padding resolved
  // against the input build() saw; nullopt for the others. The page draws receptive fields
  // from it, so a windowed layer must report the window its kernels use.
  virtual std::optional<Window> window() const { return std::nullopt; }

  // One sample's forward-pass cost, known once built, so the model can refuse an architecture
  // from a file before it allocates or runs anything: scratch floats the layer holds besides
  // its output, and multiply-adds (or compares); element-wise layers leave it 0 and the model
  // counts one per output value.
  virtual std::size_t scratch_values() const { return 0; }
  virtual std::uint64_t forward_ops() const { return 0; }

  // x [N, in dims] -> y [N, out dims]. y keeps its buffer when the shape is unchanged.
  virtual void forward(const Tensor& x, Tensor& y, Kernels kernels) = 0;

  // y = relu(forward(x)) in one pass, for inference that keeps no pre-activation values
  // (Sequential::infer). Returns false, doing nothing, if the layer has no fused form.
  virtual bool forward_relu(const Tensor&, Tensor&, Kernels) { return false; }

  // y = pool(relu(forward(x))) in one pass, for inference, where pool is the layer after the
  // ReLU. Returns false, doing nothing, if this layer cannot fuse that pool.
  virtual bool forward_relu_pool(const Tensor&, const Layer& /*pool*/, Tensor&, Kernels) {
    return false;
  }

  // The backward pass of the forward that took x to y: given dy = dL/dy, adds dL/dparam into
  // each Param's grad and, if dx is not null, writes dx = dL/dx (shaped like x).
  virtual void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx,
                        Kernels kernels) = 0;

 protected:
  // Resizes y to [n, dims...] only if needed, so repeated calls do not allocate.
  static void shape_output(Tensor& y, std::size_t n, const Dims& dims) {
    const auto shape = batch_shape(n, dims);
    if (!std::equal(shape.begin(), shape.end(), y.shape().begin(), y.shape().end())) y.resize(shape);
  }
  // Resizes dx to x's shape only if needed.
  static void shape_like(Tensor& dx, const Tensor& x) {
    if (!std::equal(x.shape().begin(), x.shape().end(), dx.shape().begin(), dx.shape().end()))
      dx.resize(x.shape());
  }

 private:
  std::string name_;
};

}  // namespace convscope
