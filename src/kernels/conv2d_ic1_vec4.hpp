// The one-input-channel direct convolution (conv2d_ic1_vec4.cpp), called by the fast conv2d
// entry points in conv2d_vec4.cpp when it fits; its reference twins are conv2d_batch_f32_scalar
// and conv2d_relu_maxpool2x2_batch_f32_scalar.
#pragma once
#include <cstddef>

#include "kernels/kernels.hpp"

namespace convscope::kernels {

// One input channel, a 3×3 kernel, stride 1, at least 2 output channels, 2 rows and 8
// columns (any padding).
bool conv2d_ic1_direct_fits(const Conv2dGeometry& g);
std::size_t conv2d_ic1_direct_scratch_floats(const Conv2dGeometry& g);

// = conv2d_batch_f32_vec4 (bias, then each kernel row's three taps summed, ReLU if asked), tiles
// of 2 channels × 1 row × 8 columns.
void conv2d_ic1_direct_2ch_1x8_vec4(const Conv2dGeometry& g, std::size_t n, const float* in,
                                    const float* weight, const float* bias, bool relu, float* out,
                                    float* scratch);
// = conv2d_relu_maxpool2x2_batch_f32_vec4, two rows of the same tiles pooled in registers.
void conv2d_ic1_relu_maxpool2x2_2ch_2x8_vec4(const Conv2dGeometry& g, std::size_t n, const float* in,
                                             const float* weight, const float* bias, float* out,
                                             float* scratch);

}  // namespace convscope::kernels
