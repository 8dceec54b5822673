// Winograd F(2×2, 3×3) convolution (conv2d_winograd_vec4.cpp), called by the fast conv2d entry
// points in conv2d_vec4.cpp when it fits; its reference twins are conv2d_batch_f32_scalar and
// conv2d_relu_maxpool2x2_batch_f32_scalar (the definition, so the test tolerance covers the
// transforms' different rounding).
#pragma once
#include <cstddef>

#include "kernels/kernels.hpp"

namespace convscope::kernels {

// 3×3, stride 1, at least 8 input channels (fewer: the transforms cost more than they save),
// at least 4 tile columns (OW ≥ 7) and 8 tiles.
bool conv2d_winograd_fits(const Conv2dGeometry& g);
std::size_t conv2d_winograd_scratch_floats(const Conv2dGeometry& g);
// The transformed weights U = G g Gᵀ, as the GEMMs read them: conv2d_winograd_packed_floats(g).
std::size_t conv2d_winograd_packed_floats(const Conv2dGeometry& g);
void conv2d_winograd_pack_f32_vec4(const Conv2dGeometry& g, const float* weight, float* packed);

// = conv2d_batch_f32_vec4 up to rounding: 16 products per 2×2 outputs instead of 36. packed:
// conv2d_winograd_pack_f32_vec4's U of these weights, or null (made in scratch, the same bits).
void conv2d_winograd_f2x2_3x3_4x8_vec4(const Conv2dGeometry& g, std::size_t n, const float* in,
                                       const float* weight, const float* bias, bool relu, float* out,
                                       float* scratch, const float* packed);
// = conv2d_relu_maxpool2x2_batch_f32_vec4 up to rounding; each 2×2 output tile is one pool
// window, pooled as it leaves the output transform. Every pooled value is the max of the
// ReLU'd values conv2d_winograd_f2x2_3x3_4x8_vec4 gives, bit for bit.
void conv2d_winograd_relu_maxpool2x2_f2x2_3x3_4x8_vec4(const Conv2dGeometry& g, std::size_t n,
                                                       const float* in, const float* weight,
                                                       const float* bias, float* out, float* scratch,
                                                       const float* packed);

}  // namespace convscope::kernels
