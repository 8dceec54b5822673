// Winograd F(2×2, 3×3) convolution (conv2d_winograd_vec4.cpp), called by the fast conv2d entry
// points in conv2d_vec4.cpp when it fits; its reference twins are conv2d_batch_f32_scalar and
// conv2d_relu_maxpool2x2_batch_f32_scalar (the definition, so the test tolerance covers the
// transforms' different rounding).
#pragma once
#include <cstddef>

#include "kernels/kernels.hpp"

namespace convscope::kernels {

// 3×3, stride 1, at least 8 input channels (fewer: the transforms cost more than they save).
bool conv2d_winograd_fits(const Conv2dGeometry& g);
std::size_t conv2d_winograd_scratch_floats(const Conv2dGeometry& g);

// = conv2d_batch_f32_vec4 up to rounding: 16 products per 2×2 outputs instead of 36.
void conv2d_winograd_f2x2_3x3_4x8_vec4(const Conv2dGeometry& g, std::size_t n, const float* in,
                                       const float* weight, const float* bias, bool relu, float* out,
                                       float* scratch);
// = conv2d_relu_maxpool2x2_batch_f32_vec4 up to rounding; each 2×2 output tile is one pool
// window, pooled as it leaves the output transform. Every pooled value is the max of the
// ReLU'd values conv2d_winograd_f2x2_3x3_4x8_vec4 gives, bit for bit.
void conv2d_winograd_relu_maxpool2x2_f2x2_3x3_4x8_vec4(const Conv2dGeometry& g, std::size_t n,
                                                       const float* in, const float* weight,
                                                       const float* bias, float* out, float* scratch);

}  // namespace convscope::kernels
