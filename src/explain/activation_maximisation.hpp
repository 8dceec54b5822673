// What a conv channel looks for: activation maximisation. From a fixed seed image (mid-grey plus
// a little seeded noise), gradient ascent on the input raises one unit of the channel, the one
// at the centre of its feature map, while a small L2 penalty pulls pixels the unit does not see
// back to grey and a light blur every few steps keeps the pattern smooth enough to read.
//   objective J(x) = a_c(x)[OH/2][OW/2] - λ/2 · ||(x - mid) / half||²
//   step        x ← clamp(x + η · (∇a / max|∇a| - λ (x - mid) / half), lo, hi)
// where a_c is layer `layer`'s output channel c (before any ReLU that follows it), mid and
// half the middle and half-width of the input range. One call per step, so a worker can stop
// between steps; the same seed and options give the same image.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "explain/image_input.hpp"
#include "model/sequential.hpp"

namespace convscope {

struct MaximiseOptions {
  std::uint32_t seed = 1;
  float step_size = 0.1f;      // η, as a fraction of the input range
  float l2 = 0.5f;             // λ
  std::size_t blur_every = 8;  // a 3×3 [1 2 1]/16 blur after every blur_every-th step; 0: never
  InputRange range;
};

// Layer `layer`'s output as [C, H, W], or Error if it has no channels (a dense or flatten
// layer) or `channel` is out of range.
const Dims& require_channel(const Sequential& model, std::size_t layer, std::size_t channel);

// The seed image for options.seed: input_size() values.
std::vector<float> maximise_seed_image(const Sequential& model, const MaximiseOptions& options);

// One ascent step on image (input_size() values, updated in place); step_index counts from 0
// and decides the blur. Returns the unit's activation at the image before the step.
float maximise_step(Sequential& model, std::size_t layer, std::size_t channel, std::vector<float>& image,
                    std::size_t step_index, const MaximiseOptions& options,
                    Kernels kernels = Kernels::fast);

// The whole run: seed image, then `steps` steps. Returns the image.
std::vector<float> maximise_channel(Sequential& model, std::size_t layer, std::size_t channel,
                                    std::size_t steps, const MaximiseOptions& options,
                                    Kernels kernels = Kernels::fast);

// The unit's activation at an image (what maximise_step raises).
float channel_unit_activation(Sequential& model, std::size_t layer, std::size_t channel,
                              const std::vector<float>& image, Kernels kernels = Kernels::fast);

}  // namespace convscope
