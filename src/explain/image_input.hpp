// What the image explanations (activation maximisation, "make it a ...") ask of a model: an
// input that is a picture, and the range its pixel values live in.
#pragma once
#include <cmath>
#include <string>

#include "model/sequential.hpp"

namespace convscope {

// The values a pixel may take; every image an explanation makes is clamped to it. MNIST
// models read ink in [0, 1].
struct InputRange {
  float lo = 0.0f;
  float hi = 1.0f;
};

inline void require_range(const InputRange& r) {
  if (!std::isfinite(r.lo) || !std::isfinite(r.hi) || !(r.lo < r.hi))
    throw Error("input range: expected finite lo < hi, got [" + std::to_string(r.lo) + ", " +
                std::to_string(r.hi) + "]");
}

// Refuses a model whose input is not a grey (1 channel) or RGB (3 channels) picture of at
// least 2×2 pixels, naming the tool that needs one.
inline void require_image_input(const Sequential& model, const std::string& tool) {
  const Dims& in = model.input_dims();
  const bool image = in.size() == 3 && (in[0] == 1 || in[0] == 3) && in[1] >= 2 && in[2] >= 2;
  if (!image)
    throw Error(tool + ": the model's input " + to_string(in) +
                " is not an image (expected [channels, height, width] with 1 or 3 channels and "
                "height, width >= 2)");
}

}  // namespace convscope
