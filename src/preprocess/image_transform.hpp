// Geometric and stroke transforms of a grey image [H,W] in [0,1]: what training augmentation
// (train/augment.cpp) draws at random and what the drawing page's invariance explorer sweeps.
//   affine: rotation, scale and shift about the image centre, bilinear, zero outside;
//   stroke: grey dilation (thicker) or erosion (thinner) over each pixel's 4 neighbours.
#pragma once
#include <cstddef>

namespace convscope {

// One transform, applied in this order: the affine map, then the stroke change.
struct ImageTransform {
  float shift_x = 0, shift_y = 0;  // pixels, + = right / down
  float rotation_degrees = 0;      // + = clockwise on screen (y points down)
  float scale = 1;                 // > 1 = larger
  float thickness = 0;             // passes: +1 = one full dilation, -1 = one full erosion,
                                   // a fraction blends the last pass
};

// out[y][x] = in at R(-angle)·(p - c - t)/scale + c, c the centre ((w-1)/2, (h-1)/2), bilinear.
// out must not alias in.
void affine_warp(const float* in, float* out, std::size_t h, std::size_t w, float angle_radians,
                 float scale, float shift_x, float shift_y);

// Each pixel moves towards the max (thicker) or min (thinner) of itself and its 4 neighbours by
// `amount` in [0, 1]. In place.
void stroke_pass(float* img, std::size_t h, std::size_t w, bool thicker, float amount);

// |thickness| passes (the last one partial) in place; 0 leaves img as it is.
void change_stroke(float* img, std::size_t h, std::size_t w, float thickness);

// out = t applied to in, both [h, w]; out must not alias in. Throws Error when a value is not
// finite or the scale is not positive.
void transform_image(const float* in, float* out, std::size_t h, std::size_t w, const ImageTransform& t);

}  // namespace convscope
