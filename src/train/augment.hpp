// Training-time augmentation of grey images [H,W] in [0,1], so that digits drawn on a canvas —
// not only MNIST's scans — are recognised: a random rotation, scale and shift about the centre
// (bilinear), then sometimes a thicker or thinner stroke (grey dilation / erosion, partly blended).
#pragma once
#include <cstddef>

#include "train/rng.hpp"

namespace convscope {

struct AugmentConfig {
  float max_rotation_degrees = 15.0f;
  float min_scale = 0.85f, max_scale = 1.15f;
  float max_shift = 2.5f;  // pixels
  float thicker_probability = 0.25f;
  float thinner_probability = 0.15f;
};

// out = a random transform of in; both [h, w], out must not alias in.
void augment(const float* in, float* out, std::size_t h, std::size_t w, Rng& rng,
             const AugmentConfig& config);

}  // namespace convscope
