#include "train/augment.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

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

// Each pixel moves towards the max (thicker) or min (thinner) of itself and its 4 neighbours
// by `amount` in [0, 1].
void morph(float* img, std::size_t h, std::size_t w, bool thicker, float amount) {
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

}  // namespace

void augment(const float* in, float* out, std::size_t h, std::size_t w, Rng& rng,
             const AugmentConfig& c) {
  const float angle = rng.uniform(-c.max_rotation_degrees, c.max_rotation_degrees) * 3.14159265f / 180.0f;
  const float scale = rng.uniform(c.min_scale, c.max_scale);
  const float tx = rng.uniform(-c.max_shift, c.max_shift), ty = rng.uniform(-c.max_shift, c.max_shift);
  const float cx = (static_cast<float>(w) - 1) / 2, cy = (static_cast<float>(h) - 1) / 2;
  // inverse map: source = R(-angle) · (p - centre - t) / scale + centre
  const float cs = std::cos(angle) / scale, sn = std::sin(angle) / scale;
  for (std::size_t y = 0; y < h; ++y)
    for (std::size_t x = 0; x < w; ++x) {
      const float dx = static_cast<float>(x) - cx - tx, dy = static_cast<float>(y) - cy - ty;
      out[y * w + x] = sample(in, h, w, cs * dx + sn * dy + cx, -sn * dx + cs * dy + cy);
    }
  const float r = rng.uniform();
  if (r < c.thicker_probability)
    morph(out, h, w, true, rng.uniform(0.4f, 1.0f));
  else if (r < c.thicker_probability + c.thinner_probability)
    morph(out, h, w, false, rng.uniform(0.3f, 0.7f));
}

}  // namespace convscope
