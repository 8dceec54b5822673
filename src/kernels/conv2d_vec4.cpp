// Fast conv2d = im2col + gemm_f32_vec4.
// im2col lays the input out as cols [IC·KH·KW, OH·OW] (zero where the window hangs over the
// padding), so out [OC, OH·OW] = bias + weight [OC, IC·KH·KW] · cols. A 1×1 kernel with stride 1
// and no padding needs no copy: the input already is cols.
#include "kernels/kernels.hpp"

namespace convscope::kernels {
namespace {

bool input_is_cols(const Conv2dGeometry& g) {
  const Window& k = g.win;
  return k.kh == 1 && k.kw == 1 && k.sh == 1 && k.sw == 1 && k.pad_top == 0 && k.pad_left == 0 &&
         k.pad_bottom == 0 && k.pad_right == 0;
}

void im2col(const Conv2dGeometry& g, const float* in, float* cols) {
  const Window& k = g.win;
  for (std::size_t i = 0; i < g.ic; ++i)
    for (std::size_t ky = 0; ky < k.kh; ++ky)
      for (std::size_t kx = 0; kx < k.kw; ++kx)
        for (std::size_t y = 0; y < g.oh; ++y) {
          float* row = cols + (((i * k.kh + ky) * k.kw + kx) * g.oh + y) * g.ow;
          const std::size_t iy = y * k.sh + ky;  // in padded coordinates
          if (iy < k.pad_top || iy - k.pad_top >= g.h) {
            for (std::size_t x = 0; x < g.ow; ++x) row[x] = 0;
            continue;
          }
          const float* src = in + (i * g.h + iy - k.pad_top) * g.w;
          for (std::size_t x = 0; x < g.ow; ++x) {
            const std::size_t ix = x * k.sw + kx;
            row[x] = (ix < k.pad_left || ix - k.pad_left >= g.w) ? 0.0f : src[ix - k.pad_left];
          }
        }
}

}  // namespace

std::size_t conv2d_scratch_floats(const Conv2dGeometry& g) {
  return input_is_cols(g) ? 0 : g.ic * g.win.kh * g.win.kw * g.oh * g.ow;
}

void conv2d_f32_vec4(const Conv2dGeometry& g, const float* in, const float* weight,
                     const float* bias, float* out, float* scratch) {
  const std::size_t n = g.oh * g.ow, k = g.ic * g.win.kh * g.win.kw;
  for (std::size_t o = 0; o < g.oc; ++o)
    for (std::size_t j = 0; j < n; ++j) out[o * n + j] = bias[o];
  const float* cols = in;
  if (!input_is_cols(g)) {
    im2col(g, in, scratch);
    cols = scratch;
  }
  gemm_f32_vec4(g.oc, n, k, weight, k, cols, n, out, n);
}

}  // namespace convscope::kernels
