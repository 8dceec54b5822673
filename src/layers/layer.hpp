// Layer: the interface every layer type implements. A layer is built once against one sample's
// input dims (checking its hyperparameters and sizing its parameters), then runs forward on a
// batch [N, dims...]; its backward pass sits beside its forward.
#pragma once
#include <algorithm>
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
  virtual std::vector<Param> params() { return {}; }

  // x [N, in dims] -> y [N, out dims]. y keeps its buffer when the shape is unchanged.
  virtual void forward(const Tensor& x, Tensor& y, Kernels kernels) = 0;

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
