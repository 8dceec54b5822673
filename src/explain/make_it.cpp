#include "explain/make_it.hpp"

#include <algorithm>
#include <cmath>

#include "explain/input_gradient.hpp"
#include "kernels/kernels.hpp"
#include "train/loss.hpp"

namespace convscope {
namespace {

constexpr char kTool[] = "make it";

bool ends_in_softmax(const Sequential& model) {
  return model.size() > 1 && model.layer(model.size() - 1).type() == "softmax";
}

void require_options(const MakeItOptions& o) {
  require_range(o.range);
  if (!(o.epsilon > 0) || !std::isfinite(o.epsilon))
    throw Error(std::string(kTool) + ": epsilon (the largest change per pixel) must be > 0, got " +
                std::to_string(o.epsilon));
  if (!(o.step_size > 0) || !std::isfinite(o.step_size))
    throw Error(std::string(kTool) + ": step size must be > 0, got " + std::to_string(o.step_size));
}

void require_request(const Sequential& model, const std::vector<float>& original, std::size_t target) {
  require_image_input(model, kTool);
  if (model.output_size() < 2)
    throw Error(std::string(kTool) + ": the model has " + std::to_string(model.output_size()) +
                " output; it needs at least 2 classes to choose between");
  require_output_index(model, target, "target class");
  if (original.size() != model.input_size())
    throw Error("input: expected " + std::to_string(model.input_size()) + " values " +
                to_string(model.input_dims()) + ", got " + std::to_string(original.size()));
}

// p after the last forward pass (softmax of the output if the model has none).
std::vector<float> probabilities_of_last_pass(const Sequential& model) {
  const Tensor& out = model.output(model.size() - 1);
  std::vector<float> p(out.size());
  if (ends_in_softmax(model)) std::copy(out.begin(), out.end(), p.begin());
  else kernels::softmax_f32_scalar(out.size(), out.data(), p.data());
  return p;
}

}  // namespace

std::vector<float> class_probabilities(Sequential& model, const std::vector<float>& x, Kernels kernels) {
  model.forward(x.data(), x.size(), 1, kernels);
  return probabilities_of_last_pass(model);
}

float make_it_step(Sequential& model, const std::vector<float>& original, std::vector<float>& current,
                   std::size_t target, const MakeItOptions& options, Kernels kernels) {
  require_request(model, original, target);
  require_options(options);
  if (current.size() != original.size())
    throw Error("current: expected " + std::to_string(original.size()) + " values, got " +
                std::to_string(current.size()));
  const std::vector<float> p = class_probabilities(model, current, kernels);
  // d log p_t / d logits = onehot(t) - p; the logits are the softmax layer's input.
  std::vector<float> dlogits(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) dlogits[i] = (i == target ? 1.0f : 0.0f) - p[i];
  const std::size_t last = ends_in_softmax(model) ? model.size() - 2 : model.size() - 1;
  const std::vector<float> grad = backward_to_input(model, last, dlogits.data(), kernels);

  const float eps = options.epsilon, alpha = options.step_size;
  for (std::size_t i = 0; i < current.size(); ++i) {
    const float sign = grad[i] > 0 ? 1.0f : grad[i] < 0 ? -1.0f : 0.0f;
    // the range first, the bound last: the bound holds even for an original outside the range
    const float in_range = std::clamp(current[i] + alpha * sign, options.range.lo, options.range.hi);
    current[i] = std::clamp(in_range, original[i] - eps, original[i] + eps);
  }
  return class_probabilities(model, current, kernels)[target];
}

MakeItResult make_it(Sequential& model, const std::vector<float>& original, std::size_t target,
                     const MakeItOptions& options, Kernels kernels) {
  require_request(model, original, target);
  require_options(options);
  MakeItResult r;
  r.image = original;
  std::vector<float> p = class_probabilities(model, r.image, kernels);
  r.predicted = argmax(p.data(), p.size());
  for (std::size_t s = 0; s < options.max_steps; ++s) {
    if (options.stop_when_reached && r.predicted == target) break;
    r.probabilities.push_back(make_it_step(model, original, r.image, target, options, kernels));
    p = probabilities_of_last_pass(model);
    r.predicted = argmax(p.data(), p.size());
  }
  r.reached = r.predicted == target;
  return r;
}

}  // namespace convscope
