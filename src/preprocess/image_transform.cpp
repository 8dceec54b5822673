#include "preprocess/image_transform.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "error.hpp"

namespace convscope {
namespace {

// Bilinear sample of in at (x, y), zero outside.
float sample(const float* in, std::size_t h, std::size_t w, float x, float y) {
  const float fx = std::floor(x), fy = std::floor(y);
  const long x0 = static_cast<long>(fx), y0 = static_cast<long>(fy);
  const float ax = x - fx, ay = y - fy;
  auto at = [&](long yy, long xx) {
    return (yy < 0 || xx < 0 || yy >= static_cast<long>(h) || xx >= static_cast<long>(w))
               ? 0.0f
               : in[static_cast<std::size_t>(yy) * w + static_cast<std::size_t>(xx)];
  };
  return (1 - ay) * ((1 - ax) * at(y0, x0) + ax * at(y0, x0 + 1)) +
         ay * ((1 - ax) * at(y0 + 1, x0) + ax * at(y0 + 1, x0 + 1));
}

void require_finite(float v, const char* what) {
  if (!std::isfinite(v))
    throw Error(std::string("image transform: ") + what + " must be a finite number");
}

}  // namespace

void affine_warp(const float* in, float* out, std::size_t h, std::size_t w, float angle_radians,
                 float scale, float shift_x, float shift_y) {
  const float cx = (static_cast<float>(w) - 1) / 2, cy = (static_cast<float>(h) - 1) / 2;
  const float cs = std::cos(angle_radians) / scale, sn = std::sin(angle_radians) / scale;
  for (std::size_t y = 0; y < h; ++y)
    for (std::size_t x = 0; x < w; ++x) {
      const float dx = static_cast<float>(x) - cx - shift_x, dy = static_cast<float>(y) - cy - shift_y;
      out[y * w + x] = sample(in, h, w, cs * dx + sn * dy + cx, -sn * dx + cs * dy + cy);
    }
}

void stroke_pass(float* img, std::size_t h, std::size_t w, bool thicker, float amount) {
  std::vector<float> src(img, img + h * w);
  for (std::size_t y = 0; y < h; ++y)
    for (std::size_t x = 0; x < w; ++x) {
      float v = src[y * w + x];
      auto take = [&](std::size_t yy, std::size_t xx) {
        const float n = src[yy * w + xx];
        v = thicker ? std::max(v, n) : std::min(v, n);
      };
      if (y > 0) take(y - 1, x);
      if (y + 1 < h) take(y + 1, x);
      if (x > 0) take(y, x - 1);
      if (x + 1 < w) take(y, x + 1);
      img[y * w + x] = src[y * w + x] + amount * (v - src[y * w + x]);
    }
}

void change_stroke(float* img, std::size_t h, std::size_t w, float thickness) {
  const bool thicker = thickness > 0;
  for (float left = std::fabs(thickness); left > 0; left -= 1)
    stroke_pass(img, h, w, thicker, std::min(left, 1.0f));
}

void transform_image(const float* in, float* out, std::size_t h, std::size_t w,
                     const ImageTransform& t) {
  require_finite(t.shift_x, "shift x");
  require_finite(t.shift_y, "shift y");
  require_finite(t.rotation_degrees, "rotation");
  require_finite(t.scale, "scale");
  require_finite(t.thickness, "thickness");
  if (!(t.scale > 0))
    throw Error("image transform: scale must be positive, got " + std::to_string(t.scale));
  affine_warp(in, out, h, w, t.rotation_degrees * 3.14159265f / 180.0f, t.scale, t.shift_x, t.shift_y);
  change_stroke(out, h, w, t.thickness);
}

}  // namespace convscope
