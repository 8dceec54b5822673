// "Make it a ...": the smallest push that turns the model's answer into a target class, by
// signed-gradient steps on the input (iterative targeted FGSM):
//   x ← clamp(clamp(x + α · sign(∇ log p_target(x)), lo, hi), x0 - ε, x0 + ε)
// so no pixel ever moves more than ε from the original x0 and every pixel stays in the input
// range. p is the model's output if it ends in softmax, else the softmax of its output; the
// gradient of log p_target w.r.t. the logits is onehot(target) - p, backpropagated by the
// trainer's backward with the weights frozen. One call per step, so a worker can stop between
// steps; no randomness, so the same input gives the same result.
#pragma once
#include <cstddef>
#include <vector>

#include "explain/image_input.hpp"
#include "model/sequential.hpp"

namespace convscope {

struct MakeItOptions {
  float epsilon = 0.25f;    // ε: the most any pixel may change, in input units
  float step_size = 0.02f;  // α: the change per pixel per step
  std::size_t max_steps = 40;
  bool stop_when_reached = true;  // stop at the first step where the target is the answer
  InputRange range;
};

// Probabilities of the model's outputs for one input (softmax applied if the model has none).
std::vector<float> class_probabilities(Sequential& model, const std::vector<float>& x,
                                       Kernels kernels = Kernels::fast);

// One step from `current` (updated in place) toward `target`, bounded around `original`.
// Returns the target's probability after the step.
float make_it_step(Sequential& model, const std::vector<float>& original, std::vector<float>& current,
                   std::size_t target, const MakeItOptions& options, Kernels kernels = Kernels::fast);

struct MakeItResult {
  std::vector<float> image;          // the changed input
  std::vector<float> probabilities;  // the target's probability after each step taken
  std::size_t predicted = 0;         // the model's answer for image
  bool reached = false;              // predicted == target
};

// Steps until the target is the answer (if options.stop_when_reached) or max_steps.
MakeItResult make_it(Sequential& model, const std::vector<float>& original, std::size_t target,
                     const MakeItOptions& options, Kernels kernels = Kernels::fast);

}  // namespace convscope
