// Layer: the interface every layer type implements. A layer is built once against one sample's
// input dims (checking its hyperparameters and sizing its parameters), then runs forward on a
// batch [N, dims...]. The backward pass will sit beside each forward.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "tensor/tensor.hpp"

namespace convscope {

// Which kernels a forward pass runs: the fast ones, or their plain reference twins.
enum class Kernels { fast, reference };

// A learnable tensor, named as in PyTorch's state_dict: "<layer>.weight", "<layer>.bias".
// The model allocates value with shape once it has checked the total size.
struct Param {
  std::string name;
  Dims shape;
  Tensor* value;
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

 protected:
  // Resizes y to [n, dims...] only if needed, so repeated calls do not allocate.
  static void shape_output(Tensor& y, std::size_t n, const Dims& dims) {
    const auto shape = batch_shape(n, dims);
    if (!std::equal(shape.begin(), shape.end(), y.shape().begin(), y.shape().end())) y.resize(shape);
  }

 private:
  std::string name_;
};

}  // namespace convscope
