// A sweep for the invariance explorer: one image transformed by evenly spaced amounts along one
// axis (shift x, shift y, rotation, scale or stroke thickness) while the other axes keep the
// reader's current values, all variants back to back so one predictBatch scores the whole curve.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "preprocess/image_transform.hpp"

namespace convscope {

enum class SweepAxis { shift_x, shift_y, rotation, scale, thickness };

struct SweepRange {
  float from, to;  // the amounts at the two ends, the page's slider range
};

constexpr std::size_t kMinSweepPoints = 2, kMaxSweepPoints = 1001;

// "shift-x", "shift-y", "rotation", "scale", "thickness"; anything else throws Error naming it.
SweepAxis sweep_axis_from_name(const std::string& name);

// shift ±8 px, rotation ±45°, scale 0.6–1.4, thickness −2…+2 passes.
SweepRange sweep_range(SweepAxis axis);

// `points` amounts from range.from to range.to, evenly spaced, ends exact.
std::vector<float> sweep_amounts(SweepAxis axis, std::size_t points);

// base with the axis' value replaced by amount.
ImageTransform with_amount(ImageTransform base, SweepAxis axis, float amount);

// in [h, w] → [points, h, w]: variant i = transform_image(in, with_amount(base, axis, amounts[i])).
// Throws Error when points is outside [kMinSweepPoints, kMaxSweepPoints] or a side is 0.
std::vector<float> transform_sweep(const float* in, std::size_t h, std::size_t w,
                                   const ImageTransform& base, SweepAxis axis, std::size_t points);

}  // namespace convscope
