// Fast conv2d = im2col + gemm_f32_vec4; its backward = im2col, gemm_nt, gemm and col2im.
// im2col lays the input out as cols [IC·KH·KW, OH·OW] (zero where the window hangs over the
// padding), so out [OC, OH·OW] = bias + weight [OC, IC·KH·KW] · cols. A 1×1 kernel with stride 1
// and no padding needs no copy: the input already is cols.
#include <algorithm>

#include "kernels/kernels.hpp"

namespace convscope::kernels {
namespace {

bool input_is_cols(const Conv2dGeometry& g) {
  const Window& k = g.win;
  return k.kh == 1 && k.kw == 1 && k.sh == 1 && k.sw == 1 && k.pad_top == 0 && k.pad_left == 0 &&
         k.pad_bottom == 0 && k.pad_right == 0;
}

// Output columns [lo, hi) whose input column x·S + kx - P lies inside [0, w).
void valid_range(std::size_t ow, std::size_t w, std::size_t s, std::size_t k, std::size_t pad,
                 std::size_t& lo, std::size_t& hi) {
  lo = pad > k ? (pad - k + s - 1) / s : 0;
  hi = w + pad > k ? std::min(ow, (w + pad - k + s - 1) / s) : 0;
  if (lo > hi) lo = hi;
}

void im2col(const Conv2dGeometry& g, const float* in, float* cols) {
  const Window& k = g.win;
  for (std::size_t i = 0; i < g.ic; ++i)
    for (std::size_t ky = 0; ky < k.kh; ++ky)
      for (std::size_t kx = 0; kx < k.kw; ++kx) {
        std::size_t lo, hi;
        valid_range(g.ow, g.w, k.sw, kx, k.pad_left, lo, hi);
        for (std::size_t y = 0; y < g.oh; ++y) {
          float* row = cols + (((i * k.kh + ky) * k.kw + kx) * g.oh + y) * g.ow;
          const std::size_t iy = y * k.sh + ky;  // in padded coordinates
          if (iy < k.pad_top || iy - k.pad_top >= g.h) {
            std::fill(row, row + g.ow, 0.0f);
            continue;
          }
          // src[x·S] is the input pixel under output column x (valid for x in [lo, hi))
          const float* src = in + (i * g.h + iy - k.pad_top) * g.w + kx - k.pad_left;
          std::fill(row, row + lo, 0.0f);
          if (k.sw == 1)
            std::copy(src + lo, src + hi, row + lo);
          else
            for (std::size_t x = lo; x < hi; ++x) row[x] = src[x * k.sw];
          std::fill(row + hi, row + g.ow, 0.0f);
        }
      }
}

// The adjoint of im2col: adds each cols entry back onto the input pixel it was copied from.
void col2im(const Conv2dGeometry& g, const float* cols, float* in) {
  const Window& k = g.win;
  for (std::size_t i = 0; i < g.ic * g.h * g.w; ++i) in[i] = 0;
  for (std::size_t i = 0; i < g.ic; ++i)
    for (std::size_t ky = 0; ky < k.kh; ++ky)
      for (std::size_t kx = 0; kx < k.kw; ++kx)
        for (std::size_t y = 0; y < g.oh; ++y) {
          const float* row = cols + (((i * k.kh + ky) * k.kw + kx) * g.oh + y) * g.ow;
          const std::size_t iy = y * k.sh + ky;
          if (iy < k.pad_top || iy - k.pad_top >= g.h) continue;
          float* dst = in + (i * g.h + iy - k.pad_top) * g.w;
          for (std::size_t x = 0; x < g.ow; ++x) {
            const std::size_t ix = x * k.sw + kx;
            if (ix >= k.pad_left && ix - k.pad_left < g.w) dst[ix - k.pad_left] += row[x];
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

// scratch: cols [K,N] (unless the input is cols), dcols [K,N], weightᵀ [K,OC].
std::size_t conv2d_backward_scratch_floats(const Conv2dGeometry& g) {
  const std::size_t n = g.oh * g.ow, k = g.ic * g.win.kh * g.win.kw;
  return conv2d_scratch_floats(g) + k * n + k * g.oc;
}

void conv2d_backward_f32_vec4(const Conv2dGeometry& g, const float* in, const float* weight,
                              const float* dout, float* din, float* dweight, float* dbias,
                              float* scratch) {
  const std::size_t n = g.oh * g.ow, k = g.ic * g.win.kh * g.win.kw;
  for (std::size_t o = 0; o < g.oc; ++o) {
    float sum = 0;
    for (std::size_t j = 0; j < n; ++j) sum += dout[o * n + j];
    dbias[o] += sum;
  }
  const float* cols = in;
  float* rest = scratch;
  if (!input_is_cols(g)) {
    im2col(g, in, scratch);
    cols = scratch;
    rest += k * n;
  }
  // dweight [OC,K] += dout [OC,N] · colsᵀ
  gemm_nt_f32_vec4(g.oc, k, n, dout, n, cols, n, dweight, k);
  if (!din) return;
  // dcols [K,N] = weightᵀ [K,OC] · dout [OC,N], then back onto the input
  float* dcols = input_is_cols(g) ? din : rest;
  float* weight_t = rest + k * n;
  for (std::size_t o = 0; o < g.oc; ++o)
    for (std::size_t p = 0; p < k; ++p) weight_t[p * g.oc + o] = weight[o * k + p];
  for (std::size_t i = 0; i < k * n; ++i) dcols[i] = 0;
  gemm_f32_vec4(k, n, g.oc, weight_t, g.oc, dout, n, dcols, n);
  if (!input_is_cols(g)) col2im(g, dcols, din);
}

}  // namespace convscope::kernels
