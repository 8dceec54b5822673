#include "explain/input_gradient.hpp"

#include <algorithm>

namespace convscope {
namespace {

// Layers' backward passes add dL/dparam into each parameter's grad: keep a copy and put it
// back, so an explanation leaves a model that is being trained exactly as it found it.
class FrozenGradients {
 public:
  explicit FrozenGradients(Sequential& model) : params_(model.params()) {
    for (const Param& p : params_) saved_.emplace_back(p.grad->begin(), p.grad->end());
  }
  ~FrozenGradients() {
    for (std::size_t i = 0; i < params_.size(); ++i)
      std::copy(saved_[i].begin(), saved_[i].end(), params_[i].grad->begin());
  }
  FrozenGradients(const FrozenGradients&) = delete;
  FrozenGradients& operator=(const FrozenGradients&) = delete;

 private:
  std::vector<Param> params_;
  std::vector<std::vector<float>> saved_;
};

}  // namespace

void require_output_index(const Sequential& model, std::size_t index, const char* what) {
  const std::size_t outputs = model.output_size();
  if (index >= outputs)
    throw Error(std::string(what) + " " + std::to_string(index) + " is out of range: the model has " +
                std::to_string(outputs) + " outputs (0.." + std::to_string(outputs - 1) + ")");
}

std::vector<float> backward_to_input(Sequential& model, std::size_t last, const float* dy,
                                     Kernels kernels) {
  if (last >= model.size())
    throw Error("layer " + std::to_string(last) + " is out of range: the model has " +
                std::to_string(model.size()) + " layers");
  if (model.input().shape()[0] != 1)
    throw Error("backward_to_input: the last forward pass must be of one sample");
  FrozenGradients frozen(model);
  Tensor upper = Tensor::from_shape(model.output(last).shape());
  std::copy(dy, dy + upper.size(), upper.data());
  Tensor lower;
  for (std::size_t i = last + 1; i-- > 0;) {
    const Tensor& x = i == 0 ? model.input() : model.output(i - 1);
    model.layer(i).backward(x, model.output(i), upper, &lower, kernels);
    std::swap(upper, lower);  // upper = dL/d(input of layer i)
  }
  return std::vector<float>(upper.begin(), upper.end());
}

std::vector<float> layer_input_gradient(Sequential& model, const float* x, std::size_t size,
                                        std::size_t layer, std::size_t index, Kernels kernels) {
  if (layer >= model.size())
    throw Error("layer " + std::to_string(layer) + " is out of range: the model has " +
                std::to_string(model.size()) + " layers");
  const std::size_t outputs = checked_count(model.output_dims(layer), model.layer(layer).name());
  if (layer + 1 == model.size()) {
    require_output_index(model, index, "output index");
  } else if (index >= outputs) {
    throw Error("output index " + std::to_string(index) + " is out of range: layer " +
                model.layer(layer).name() + " has " + std::to_string(outputs) + " outputs (0.." +
                std::to_string(outputs - 1) + ")");
  }
  if (size != model.input_size())
    throw Error("input: expected " + std::to_string(model.input_size()) + " values " +
                to_string(model.input_dims()) + ", got " + std::to_string(size));
  model.forward(x, size, 1, kernels);
  std::vector<float> dy(outputs, 0.0f);
  dy[index] = 1.0f;
  return backward_to_input(model, layer, dy.data(), kernels);
}

std::vector<float> input_gradient(Sequential& model, const float* x, std::size_t size, std::size_t index,
                                  Kernels kernels) {
  return layer_input_gradient(model, x, size, model.size() - 1, index, kernels);
}

}  // namespace convscope
