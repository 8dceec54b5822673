#include "train/augment.hpp"

#include "preprocess/image_transform.hpp"

namespace convscope {

void augment(const float* in, float* out, std::size_t h, std::size_t w, Rng& rng,
             const AugmentConfig& c) {
  const float angle = rng.uniform(-c.max_rotation_degrees, c.max_rotation_degrees) * 3.14159265f /
                      180.0f;
  const float scale = rng.uniform(c.min_scale, c.max_scale);
  const float tx = rng.uniform(-c.max_shift, c.max_shift), ty = rng.uniform(-c.max_shift, c.max_shift);
  affine_warp(in, out, h, w, angle, scale, tx, ty);
  const float r = rng.uniform();
  if (r < c.thicker_probability) stroke_pass(out, h, w, true, rng.uniform(0.4f, 1.0f));
  else if (r < c.thicker_probability + c.thinner_probability)
    stroke_pass(out, h, w, false, rng.uniform(0.3f, 0.7f));
}

}  // namespace convscope
