// Fast conv2d. Stride 1 (the shipped models): direct, an implicit gemm over a zero-padded copy
// of each sample (below). Other strides: im2col + gemm. Its backward: im2col, gemm_nt, gemm and
// col2im. im2col lays the input out as cols [IC·KH·KW, OH·OW] (zero where the window hangs over the
// padding), so out [OC, OH·OW] = bias + weight [OC, IC·KH·KW] · cols. A batch is done in groups
// of G samples side by side, cols [IC·KH·KW, G·OH·OW], so that one gemm covers G samples. A 1×1
// kernel with stride 1 and no padding needs no copy for one sample: the input already is cols.
// Fill and copy loops are written out (and the wasm build compiles kernels with -fno-builtin):
// rows here are 1-30 floats, and a memset/memcpy call per row cost as much as the copy.
#include <algorithm>
#include <cstdint>

#include "kernels/kernels.hpp"
#include "kernels/simd.hpp"

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

// cols row r = (i·KH + ky)·KW + kx starts at cols + r·ld; one sample's OH·OW columns.
void im2col(const Conv2dGeometry& g, const float* in, float* cols, std::size_t ld) {
  const Window& k = g.win;
  for (std::size_t i = 0; i < g.ic; ++i)
    for (std::size_t ky = 0; ky < k.kh; ++ky)
      for (std::size_t kx = 0; kx < k.kw; ++kx) {
        std::size_t lo, hi;
        valid_range(g.ow, g.w, k.sw, kx, k.pad_left, lo, hi);
        for (std::size_t y = 0; y < g.oh; ++y) {
          float* row = cols + ((i * k.kh + ky) * k.kw + kx) * ld + y * g.ow;
          const std::size_t iy = y * k.sh + ky;  // in padded coordinates
          if (iy < k.pad_top || iy - k.pad_top >= g.h) {
            for (std::size_t x = 0; x < g.ow; ++x) row[x] = 0.0f;
            continue;
          }
          // src[x·S] is the input pixel under output column x (valid for x in [lo, hi))
          const float* src = in + (i * g.h + iy - k.pad_top) * g.w + kx - k.pad_left;
          for (std::size_t x = 0; x < lo; ++x) row[x] = 0.0f;
          if (k.sw == 1) {
            std::size_t x = lo;
            for (; x + 4 <= hi; x += 4) store4(row + x, load4(src + x));
            for (; x < hi; ++x) row[x] = src[x];
          } else {
            for (std::size_t x = lo; x < hi; ++x) row[x] = src[x * k.sw];
          }
          for (std::size_t x = hi; x < g.ow; ++x) row[x] = 0.0f;
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

// Samples per group: cols for a group stay within ~256 KB (L2), at least one sample.
std::size_t group_size(const Conv2dGeometry& g, std::size_t n) {
  constexpr std::size_t kColsFloats = 64 * 1024;
  const std::size_t per_sample = g.ic * g.win.kh * g.win.kw * g.oh * g.ow;
  return std::max<std::size_t>(1, std::min(n, kColsFloats / std::max<std::size_t>(per_sample, 1)));
}

// ---- Stride 1: direct convolution, an implicit gemm over a zero-padded copy of the sample ----
// pad [IC, HP, WP] (HP = PT + H + PB, WP = PL + W + PR, plus kPadSlack floats) holds the sample
// with its zero border. For kernel tap p = (i, ky, kx), off[p] = (i·HP + ky)·WP + kx, and the
// taps under output pixels (y, x..x+3) are the four floats at pad + off[p] + y·WP + x: the rows of
// cols are read in place, never copied. A tile of ROWS output channels × 4·VECS columns of one
// output row keeps its sums in registers (from the bias, taps in order p = 0..K-1, then the
// ReLU), like the gemm's; columns past OW are computed from the slack and not stored.
constexpr std::size_t kPadSlack = 8;

bool direct(const Conv2dGeometry& g) { return g.win.sh == 1 && g.win.sw == 1; }
std::size_t padded_floats(const Conv2dGeometry& g) {
  const Window& k = g.win;
  return g.ic * (k.pad_top + g.h + k.pad_bottom) * (k.pad_left + g.w + k.pad_right) + kPadSlack;
}

// a: ROWS weight rows (stride k); b: pad + y·WP + x; out: channel row 0 at (y, x), stride plane.
template <int ROWS, int VECS>
void direct_tile(std::size_t k, const float* a, const float* off, const float* b,
                 const float* bias, bool relu, float* out, std::size_t plane, std::size_t valid) {
  f32x4 acc[ROWS][VECS];
  for (int r = 0; r < ROWS; ++r)
    for (int v = 0; v < VECS; ++v) acc[r][v] = splat4(bias[r]);
  for (std::size_t p = 0; p < k; ++p) {
    std::uint32_t o;
    __builtin_memcpy(&o, off + p, sizeof o);  // an i32 load; off holds integers' bits
    const float* bp = b + o;
    f32x4 row[VECS];
    for (int v = 0; v < VECS; ++v) row[v] = load4(bp + 4 * v);
    for (int r = 0; r < ROWS; ++r) {
      const f32x4 ar = splat4(a[r * k + p]);
      for (int v = 0; v < VECS; ++v) acc[r][v] += ar * row[v];
    }
  }
  const f32x4 zero = splat4(0.0f);
  for (int r = 0; r < ROWS; ++r) {
    float* o = out + r * plane;
    if (valid == 4 * VECS) {
      for (int v = 0; v < VECS; ++v) store4(o + 4 * v, relu ? max4(acc[r][v], zero) : acc[r][v]);
    } else {
      float lanes[4 * VECS];
      for (int v = 0; v < VECS; ++v) store4(lanes + 4 * v, relu ? max4(acc[r][v], zero) : acc[r][v]);
      for (std::size_t j = 0; j < valid; ++j) o[j] = lanes[j];
    }
  }
}

// One output row of ROWS channels: tiles of 8 columns, the rest in one tile of 4 or 8.
template <int ROWS>
void direct_row(const Conv2dGeometry& g, const float* a, const float* off, const float* b,
                const float* bias, bool relu, float* out) {
  const std::size_t k = g.ic * g.win.kh * g.win.kw, plane = g.oh * g.ow;
  std::size_t x = 0;
  for (; x + 8 <= g.ow; x += 8) direct_tile<ROWS, 2>(k, a, off, b + x, bias, relu, out + x, plane, 8);
  const std::size_t rest = g.ow - x;
  if (rest > 4) direct_tile<ROWS, 2>(k, a, off, b + x, bias, relu, out + x, plane, rest);
  else if (rest > 0) direct_tile<ROWS, 1>(k, a, off, b + x, bias, relu, out + x, plane, rest);
}

template <int ROWS>
void direct_band(const Conv2dGeometry& g, const float* a, const float* off,
                 const float* pad, const float* bias, bool relu, float* out) {
  const std::size_t wp = g.win.pad_left + g.w + g.win.pad_right;
  for (std::size_t y = 0; y < g.oh; ++y)
    direct_row<ROWS>(g, a, off, pad + y * wp, bias, relu, out + y * g.ow);
}

void conv2d_direct(const Conv2dGeometry& g, std::size_t n, const float* in, const float* weight,
                   const float* bias, bool relu, float* out, float* scratch) {
  const Window& kw = g.win;
  const std::size_t hp = kw.pad_top + g.h + kw.pad_bottom, wp = kw.pad_left + g.w + kw.pad_right;
  const std::size_t k = g.ic * kw.kh * kw.kw, plane = g.oh * g.ow;
  float* pad = scratch;
  const std::size_t pad_size = padded_floats(g);
  // the tap offsets: the bits of 32-bit integers, in the scratch after pad (memcpy in and out)
  float* off = scratch + pad_size;
  for (std::size_t i = 0, p = 0; i < g.ic; ++i)
    for (std::size_t ky = 0; ky < kw.kh; ++ky)
      for (std::size_t kx = 0; kx < kw.kw; ++kx, ++p) {
        const std::uint32_t o = static_cast<std::uint32_t>((i * hp + ky) * wp + kx);
        __builtin_memcpy(off + p, &o, sizeof o);
      }
  for (std::size_t s = 0; s < n; ++s) {
    const float* x = in + s * g.ic * g.h * g.w;
    float* y = out + s * g.oc * plane;
    float* dst = pad;
    for (std::size_t i = 0; i < g.ic; ++i)
      for (std::size_t r = 0; r < hp; ++r, dst += wp) {
        if (r < kw.pad_top || r - kw.pad_top >= g.h) {
          for (std::size_t j = 0; j < wp; ++j) dst[j] = 0.0f;
          continue;
        }
        const float* src = x + (i * g.h + r - kw.pad_top) * g.w;
        for (std::size_t j = 0; j < kw.pad_left; ++j) dst[j] = 0.0f;
        float* row = dst + kw.pad_left;
        std::size_t j = 0;
        for (; j + 4 <= g.w; j += 4) store4(row + j, load4(src + j));
        for (; j < g.w; ++j) row[j] = src[j];
        for (j = kw.pad_left + g.w; j < wp; ++j) dst[j] = 0.0f;
      }
    for (std::size_t j = 0; j < kPadSlack; ++j) dst[j] = 0.0f;
    std::size_t o = 0;
    for (; o + 4 <= g.oc; o += 4)
      direct_band<4>(g, weight + o * k, off, pad, bias + o, relu, y + o * plane);
    switch (g.oc - o) {
      case 3: direct_band<3>(g, weight + o * k, off, pad, bias + o, relu, y + o * plane); break;
      case 2: direct_band<2>(g, weight + o * k, off, pad, bias + o, relu, y + o * plane); break;
      case 1: direct_band<1>(g, weight + o * k, off, pad, bias + o, relu, y + o * plane); break;
      default: break;
    }
  }
}

}  // namespace

std::size_t conv2d_scratch_floats(const Conv2dGeometry& g) { return conv2d_batch_scratch_floats(g, 1); }

// scratch: cols [K, G·P] (none for one sample whose input is cols), and for G > 1 the gemm's
// output [OC, G·P] before it is put in place.
std::size_t conv2d_batch_scratch_floats(const Conv2dGeometry& g, std::size_t n) {
  if (direct(g)) return padded_floats(g) + g.ic * g.win.kh * g.win.kw;  // + the tap offsets
  const std::size_t group = group_size(g, n), p = g.oh * g.ow;
  const std::size_t cols = group == 1 && input_is_cols(g) ? 0 : g.ic * g.win.kh * g.win.kw * group * p;
  return cols + (group > 1 ? g.oc * group * p : 0);
}

void conv2d_f32_vec4(const Conv2dGeometry& g, const float* in, const float* weight,
                     const float* bias, float* out, float* scratch) {
  conv2d_batch_f32_vec4(g, 1, in, weight, bias, false, out, scratch);
}

void conv2d_batch_f32_vec4(const Conv2dGeometry& g, std::size_t n, const float* in,
                           const float* weight, const float* bias, bool relu, float* out,
                           float* scratch) {
  if (direct(g)) return conv2d_direct(g, n, in, weight, bias, relu, out, scratch);
  const std::size_t p = g.oh * g.ow, k = g.ic * g.win.kh * g.win.kw;
  const std::size_t in_size = g.ic * g.h * g.w, out_size = g.oc * p;
  const std::size_t group = group_size(g, n);
  for (std::size_t s0 = 0; s0 < n; s0 += group) {
    const std::size_t m = std::min(group, n - s0), cols_n = m * p;
    const float* x = in + s0 * in_size;
    const float* cols = x;
    float* cols_buffer = scratch;
    if (!(group == 1 && input_is_cols(g))) {
      for (std::size_t s = 0; s < m; ++s) im2col(g, x + s * in_size, cols_buffer + s * p, cols_n);
      cols = cols_buffer;
    }
    // one sample: straight into out; a group: into scratch, then each sample's [OC, P] in place
    float* c = group == 1 ? out + s0 * out_size
                          : scratch + k * group * p;
    gemm_bias_f32_vec4(g.oc, cols_n, k, weight, k, cols, cols_n, bias, c, cols_n);
    if (group == 1 && !relu) continue;
    const f32x4 zero = splat4(0.0f);
    for (std::size_t s = 0; s < m; ++s)
      for (std::size_t o = 0; o < g.oc; ++o) {
        const float* src = c + o * cols_n + s * p;
        float* dst = out + (s0 + s) * out_size + o * p;
        std::size_t j = 0;
        if (relu) {
          for (; j + 4 <= p; j += 4) store4(dst + j, max4(load4(src + j), zero));
          for (; j < p; ++j) dst[j] = src[j] > 0.0f ? src[j] : 0.0f;
        } else {
          for (; j + 4 <= p; j += 4) store4(dst + j, load4(src + j));
          for (; j < p; ++j) dst[j] = src[j];
        }
      }
  }
}

// scratch: cols [K,N] (unless the input is cols), dcols [K,N], weightᵀ [K,OC].
std::size_t conv2d_backward_scratch_floats(const Conv2dGeometry& g) {
  const std::size_t n = g.oh * g.ow, k = g.ic * g.win.kh * g.win.kw;
  return (input_is_cols(g) ? 0 : k * n) + k * n + k * g.oc;
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
    im2col(g, in, scratch, n);
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
