#include "preprocess/transform_sweep.hpp"

#include "error.hpp"

namespace convscope {

SweepAxis sweep_axis_from_name(const std::string& name) {
  if (name == "shift-x") return SweepAxis::shift_x;
  if (name == "shift-y") return SweepAxis::shift_y;
  if (name == "rotation") return SweepAxis::rotation;
  if (name == "scale") return SweepAxis::scale;
  if (name == "thickness") return SweepAxis::thickness;
  throw Error("sweep: unknown transform \"" + name +
              "\", expected shift-x, shift-y, rotation, scale or thickness");
}

SweepRange sweep_range(SweepAxis axis) {
  switch (axis) {
    case SweepAxis::shift_x:
    case SweepAxis::shift_y: return {-8.0f, 8.0f};
    case SweepAxis::rotation: return {-45.0f, 45.0f};
    case SweepAxis::scale: return {0.6f, 1.4f};
    case SweepAxis::thickness: return {-2.0f, 2.0f};
  }
  return {0.0f, 0.0f};
}

std::vector<float> sweep_amounts(SweepAxis axis, std::size_t points) {
  if (points < kMinSweepPoints || points > kMaxSweepPoints)
    throw Error("sweep: points must be " + std::to_string(kMinSweepPoints) + ".." +
                std::to_string(kMaxSweepPoints) + ", got " + std::to_string(points));
  const SweepRange r = sweep_range(axis);
  std::vector<float> amounts(points);
  const std::size_t last = points - 1;
  // from + (to - from)·i/last computed as a blend, so both ends are exact
  for (std::size_t i = 0; i < points; ++i) {
    const double t = static_cast<double>(i) / static_cast<double>(last);
    amounts[i] = static_cast<float>((1 - t) * r.from + t * r.to);
  }
  return amounts;
}

ImageTransform with_amount(ImageTransform base, SweepAxis axis, float amount) {
  switch (axis) {
    case SweepAxis::shift_x: base.shift_x = amount; break;
    case SweepAxis::shift_y: base.shift_y = amount; break;
    case SweepAxis::rotation: base.rotation_degrees = amount; break;
    case SweepAxis::scale: base.scale = amount; break;
    case SweepAxis::thickness: base.thickness = amount; break;
  }
  return base;
}

std::vector<float> transform_sweep(const float* in, std::size_t h, std::size_t w,
                                   const ImageTransform& base, SweepAxis axis, std::size_t points) {
  if (h == 0 || w == 0) throw Error("sweep: the image has no pixels");
  const std::vector<float> amounts = sweep_amounts(axis, points);
  std::vector<float> out(points * h * w);
  for (std::size_t i = 0; i < points; ++i)
    transform_image(in, out.data() + i * h * w, h, w, with_amount(base, axis, amounts[i]));
  return out;
}

}  // namespace convscope
