// Gradients with respect to the model's input: the trainer's backward pass (the layers' own
// backward functions) carried one layer further down, with the weights frozen. The model's
// weights, their gradients and any optimizer state are left exactly as they were; only its
// cached activations (the last forward pass) change.
#pragma once
#include <cstddef>
#include <vector>

#include "model/sequential.hpp"

namespace convscope {

// dL/dx for the one sample of the model's last forward pass, given dy = dL/d(output of layer
// `last`) for that sample (output_dims(last) values). Returns input_size() values.
std::vector<float> backward_to_input(Sequential& model, std::size_t last, const float* dy,
                                     Kernels kernels = Kernels::fast);

// d output[index] / d x at the input x (one sample, input_size() values): output as loaded, so
// the probability if the model ends in softmax, the value otherwise. Refuses an index out of
// range, an input of the wrong length or a non-finite value.
std::vector<float> input_gradient(Sequential& model, const float* x, std::size_t size, std::size_t index,
                                  Kernels kernels = Kernels::fast);

// The same for output `index` of layer `layer` (e.g. the scores before a softmax, whose
// gradient does not vanish when the model is sure).
std::vector<float> layer_input_gradient(Sequential& model, const float* x, std::size_t size,
                                        std::size_t layer, std::size_t index,
                                        Kernels kernels = Kernels::fast);

// The class index check every explanation shares: "class 12 is out of range: the model has 10
// outputs (0..9)".
void require_output_index(const Sequential& model, std::size_t index, const char* what = "class");

}  // namespace convscope
