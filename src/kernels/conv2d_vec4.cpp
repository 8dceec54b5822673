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

#include "kernels/conv2d_ic1_vec4.hpp"
#include "kernels/conv2d_winograd_vec4.hpp"
#include "kernels/kernels.hpp"
#include "kernels/simd.hpp"
#include "kernels/tile_vec4.hpp"

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

// ---- Stride 1: conv2d_direct_4x8_vec4 ----
// One sample at a time. pad [IC, HP, WP] holds it with its zero border (HP = PT + H + PB,
// WP = PL + W + PR) and a few more zeros. Output pixel (y, x) is computed at plane position
// q = y·WP + x, the plane taken in passes of an even number of rows (~2,048 positions, rounded up
// to 8): the columns x ≥ OW of each row come from the border and are dropped, so every tile is a
// full 4 channels × 8 columns and the tile loop has no edge. Tap p = (i, ky, kx) reads pad + off[p] + q,
// off[p] = (i·HP + ky)·WP + kx. Weights are packed per band of 4 output channels as [K][4] (zeros past
// OC) and biases as [4], once per call (OC·K floats, against OC·K·OH·OW·N multiply-adds), in the order
// the tile reads them. Each tile starts from the bias, adds the taps p = 0..K-1 in order, applies the
// ReLU at the store, and a band's 4 rows of the pass's plane [4, chunk_q] then go to the output:
// compacted (x < OW), or max-pooled 2×2 (conv + bias + ReLU + pool fused: the full-size map is never
// written out).
constexpr std::size_t kTileCols = 8;
constexpr std::size_t kChunkPositions = 2048;

bool direct(const Conv2dGeometry& g) { return g.win.sh == 1 && g.win.sw == 1; }

struct DirectPlan {
  std::size_t hp, wp, k, bands, pad_floats;
  std::size_t chunk_rows, chunk_q;  // output rows per pass (even, ≥ 2), plane positions per pass
  explicit DirectPlan(const Conv2dGeometry& g)
      : hp(g.win.pad_top + g.h + g.win.pad_bottom),
        wp(g.win.pad_left + g.w + g.win.pad_right),
        k(g.ic * g.win.kh * g.win.kw),
        bands((g.oc + 3) / 4),
        // the last tile reads up to ic·HP·WP + KW + 5 (stride 1: OH + KH - 1 = HP)
        pad_floats(g.ic * hp * wp + g.win.kw + kTileCols),
        // ~2,048 positions a pass: the plane [4, chunk_q] stays in L1 whatever the map's size
        chunk_rows(std::max<std::size_t>(2, kChunkPositions / wp / 2 * 2)),
        chunk_q(round_up(std::min(chunk_rows, g.oh) * wp)) {}
  static std::size_t round_up(std::size_t q) { return (q + kTileCols - 1) / kTileCols * kTileCols; }
  // pad, tap offsets [K], packed weights [bands, K, 4], packed biases [bands, 4], plane [4, chunk_q]
  std::size_t scratch_floats() const { return pad_floats + k + bands * 4 * (k + 1) + 4 * chunk_q; }
};

// The zero-padded copy of one sample [IC,H,W] into pad (plan.pad_floats floats).
void pad_sample(const Conv2dGeometry& g, const DirectPlan& plan, const float* x, float* pad) {
  const Window& kw = g.win;
  float* dst = pad;
  for (std::size_t i = 0; i < g.ic; ++i)
    for (std::size_t r = 0; r < plan.hp; ++r, dst += plan.wp) {
      if (r < kw.pad_top || r - kw.pad_top >= g.h) {
        for (std::size_t j = 0; j < plan.wp; ++j) dst[j] = 0.0f;
        continue;
      }
      const float* src = x + (i * g.h + r - kw.pad_top) * g.w;
      for (std::size_t j = 0; j < kw.pad_left; ++j) dst[j] = 0.0f;
      float* row = dst + kw.pad_left;
      std::size_t j = 0;
      for (; j + 4 <= g.w; j += 4) store4(row + j, load4(src + j));
      for (; j < g.w; ++j) row[j] = src[j];
      for (j = kw.pad_left + g.w; j < plan.wp; ++j) dst[j] = 0.0f;
    }
  for (float* end = pad + plan.pad_floats; dst < end; ++dst) *dst = 0.0f;
}

// What a band's plane rows become: the conv's maps [OC,OH,OW], or their 2×2 max pools.
enum class Epilogue { compact, maxpool2x2 };

// Channel rows [0, rows) of plane [4, chunk_q], holding output rows [y0, y1) at positions
// (y - y0)·WP + x, -> out (channel row 0 at out).
void band_epilogue(const Conv2dGeometry& g, const DirectPlan& plan, Epilogue e, const float* plane,
                   int rows, std::size_t y0, std::size_t y1, float* out) {
  if (e == Epilogue::compact) {
    for (int r = 0; r < rows; ++r)
      for (std::size_t y = y0; y < y1; ++y) {
        const float* src = plane + r * plan.chunk_q + (y - y0) * plan.wp;
        float* dst = out + (r * g.oh + y) * g.ow;
        std::size_t x = 0;
        for (; x + 4 <= g.ow; x += 4) store4(dst + x, load4(src + x));
        for (; x < g.ow; ++x) dst[x] = src[x];
      }
    return;
  }
  const std::size_t ph = g.oh / 2, pw = g.ow / 2;  // 2×2 windows, stride 2, floor; y0 is even
  for (int r = 0; r < rows; ++r)
    for (std::size_t y = y0 / 2; y < y1 / 2; ++y) {
      const float* top = plane + r * plan.chunk_q + (2 * y - y0) * plan.wp;
      const float* bottom = top + plan.wp;
      float* dst = out + (r * ph + y) * pw;
      std::size_t x = 0;
      for (; x + 4 <= pw; x += 4) {  // reads columns 2x .. 2x+7 < OW
        const f32x4 t0 = load4(top + 2 * x), t1 = load4(top + 2 * x + 4);
        const f32x4 b0 = load4(bottom + 2 * x), b1 = load4(bottom + 2 * x + 4);
        store4(dst + x, max4(max4(even4(t0, t1), odd4(t0, t1)), max4(even4(b0, b1), odd4(b0, b1))));
      }
      for (; x < pw; ++x) {
        float m = top[2 * x];
        for (float v : {top[2 * x + 1], bottom[2 * x], bottom[2 * x + 1]}) m = v > m ? v : m;
        dst[x] = m;
      }
    }
}

void conv2d_direct(const Conv2dGeometry& g, std::size_t n, const float* in, const float* weight,
                   const float* bias, bool relu, Epilogue e, float* out, float* scratch) {
  const Window& kw = g.win;
  const DirectPlan plan(g);
  const std::size_t k = plan.k;
  float* pad = scratch;
  // the tap offsets: the bits of 32-bit integers (memcpy in and out)
  float* off = pad + plan.pad_floats;
  for (std::size_t i = 0, p = 0; i < g.ic; ++i)
    for (std::size_t ky = 0; ky < kw.kh; ++ky)
      for (std::size_t kx = 0; kx < kw.kw; ++kx, ++p) {
        const std::uint32_t o = static_cast<std::uint32_t>((i * plan.hp + ky) * plan.wp + kx);
        __builtin_memcpy(off + p, &o, sizeof o);
      }
  float* packed = off + k;
  float* packed_bias = packed + plan.bands * 4 * k;
  for (std::size_t band = 0; band < plan.bands; ++band)
    for (std::size_t r = 0; r < 4; ++r) {
      const std::size_t o = band * 4 + r;
      for (std::size_t p = 0; p < k; ++p)
        packed[(band * k + p) * 4 + r] = o < g.oc ? weight[o * k + p] : 0.0f;
      packed_bias[band * 4 + r] = o < g.oc ? bias[o] : 0.0f;
    }
  float* plane = packed_bias + plan.bands * 4;
  const std::size_t out_plane = e == Epilogue::compact ? g.oh * g.ow : (g.oh / 2) * (g.ow / 2);
  for (std::size_t s = 0; s < n; ++s) {
    pad_sample(g, plan, in + s * g.ic * g.h * g.w, pad);
    float* y = out + s * g.oc * out_plane;
    for (std::size_t y0 = 0; y0 < g.oh; y0 += plan.chunk_rows) {
      const std::size_t y1 = std::min(g.oh, y0 + plan.chunk_rows);
      const float* b = pad + y0 * plan.wp;
      const std::size_t count = DirectPlan::round_up((y1 - y0) * plan.wp);
      for (std::size_t band = 0; band < plan.bands; ++band) {
        const float* a = packed + band * k * 4;
        for (std::size_t q = 0; q < count; q += kTileCols) {
          Tile<4, 2> t;
          t.fill_rows(packed_bias + band * 4);
          t.madd(k, a, 1, 4, [=](std::size_t p) {
            std::uint32_t o;
            __builtin_memcpy(&o, off + p, sizeof o);  // an i32 load
            return b + o + q;
          });
          t.store(plane + q, plan.chunk_q, relu);
        }
        const int rows = static_cast<int>(std::min<std::size_t>(4, g.oc - band * 4));
        band_epilogue(g, plan, e, plane, rows, y0, y1, y + band * 4 * out_plane);
      }
    }
  }
}

}  // namespace

std::size_t conv2d_scratch_floats(const Conv2dGeometry& g) { return conv2d_batch_scratch_floats(g, 1); }

// scratch: cols [K, G·P] (none for one sample whose input is cols), and for G > 1 the gemm's
// output [OC, G·P] before it is put in place.
std::size_t conv2d_batch_scratch_floats(const Conv2dGeometry& g, std::size_t n) {
  if (direct(g))
    return std::max({DirectPlan(g).scratch_floats(),
                     conv2d_ic1_direct_fits(g) ? conv2d_ic1_direct_scratch_floats(g) : 0,
                     conv2d_winograd_fits(g) ? conv2d_winograd_scratch_floats(g) : 0});
  const std::size_t group = group_size(g, n), p = g.oh * g.ow;
  const std::size_t cols = group == 1 && input_is_cols(g) ? 0 : g.ic * g.win.kh * g.win.kw * group * p;
  return cols + (group > 1 ? g.oc * group * p : 0);
}

void conv2d_f32_vec4(const Conv2dGeometry& g, const float* in, const float* weight, const float* bias,
                     float* out, float* scratch) {
  conv2d_batch_f32_vec4(g, 1, in, weight, bias, false, out, scratch);
}

std::size_t conv2d_packed_floats(const Conv2dGeometry& g) {
  return !conv2d_ic1_direct_fits(g) && conv2d_winograd_fits(g) ? conv2d_winograd_packed_floats(g) : 0;
}

void conv2d_pack_f32_vec4(const Conv2dGeometry& g, const float* weight, float* packed) {
  if (conv2d_packed_floats(g)) conv2d_winograd_pack_f32_vec4(g, weight, packed);
}

void conv2d_batch_f32_vec4(const Conv2dGeometry& g, std::size_t n, const float* in, const float* weight,
                           const float* bias, bool relu, float* out, float* scratch,
                           const float* packed) {
  if (conv2d_ic1_direct_fits(g))
    return conv2d_ic1_direct_2ch_1x8_vec4(g, n, in, weight, bias, relu, out, scratch);
  if (conv2d_winograd_fits(g))
    return conv2d_winograd_f2x2_3x3_4x8_vec4(g, n, in, weight, bias, relu, out, scratch, packed);
  if (direct(g)) return conv2d_direct(g, n, in, weight, bias, relu, Epilogue::compact, out, scratch);
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
    float* c = group == 1 ? out + s0 * out_size : scratch + k * group * p;
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

bool conv2d_fuses_maxpool2x2(const Conv2dGeometry& g) { return direct(g) && g.oh >= 2 && g.ow >= 2; }

void conv2d_relu_maxpool2x2_batch_f32_vec4(const Conv2dGeometry& g, std::size_t n, const float* in,
                                           const float* weight, const float* bias, float* out,
                                           float* scratch, const float* packed) {
  if (conv2d_ic1_direct_fits(g))
    return conv2d_ic1_relu_maxpool2x2_2ch_2x8_vec4(g, n, in, weight, bias, out, scratch);
  if (conv2d_winograd_fits(g))
    return conv2d_winograd_relu_maxpool2x2_f2x2_3x3_4x8_vec4(g, n, in, weight, bias, out, scratch,
                                                             packed);
  conv2d_direct(g, n, in, weight, bias, true, Epilogue::maxpool2x2, out, scratch);
}

namespace {

// din of a stride-1 conv is itself a stride-1 conv, run by the direct kernel: dout [OC,OH,OW]
// padded by K-1-P on each side, correlated with the weights flipped and transposed,
//   w'[i][o][ky][kx] = w[o][i][KH-1-ky][KW-1-kx],  din = conv(dout, w') [IC,H,W]
// (OH + 2(K-1) - P_top - P_bottom - K + 1 = H). Needs every padding < its kernel side; else false.
bool din_as_conv(const Conv2dGeometry& g, Conv2dGeometry& t) {
  const Window& k = g.win;
  if (!direct(g) || k.pad_top >= k.kh || k.pad_bottom >= k.kh || k.pad_left >= k.kw ||
      k.pad_right >= k.kw)
    return false;
  t = {};
  t.ic = g.oc;
  t.h = g.oh;
  t.w = g.ow;
  t.oc = g.ic;
  t.oh = g.h;
  t.ow = g.w;
  t.win = k;
  t.win.pad_top = k.kh - 1 - k.pad_top;
  t.win.pad_bottom = k.kh - 1 - k.pad_bottom;
  t.win.pad_left = k.kw - 1 - k.pad_left;
  t.win.pad_right = k.kw - 1 - k.pad_right;
  return true;
}

}  // namespace

// scratch: cols [K,N] (unless the input is cols), then for din either w' [IC·OC·KH·KW], a zero
// bias [IC] and the direct conv's scratch (din_as_conv), or dcols [K,N] and weightᵀ [K,OC].
std::size_t conv2d_backward_scratch_floats(const Conv2dGeometry& g) {
  const std::size_t n = g.oh * g.ow, k = g.ic * g.win.kh * g.win.kw;
  const std::size_t cols = input_is_cols(g) ? 0 : k * n;
  Conv2dGeometry t;
  if (din_as_conv(g, t)) return cols + g.oc * k + g.ic + DirectPlan(t).scratch_floats();
  return cols + k * n + k * g.oc;
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
  Conv2dGeometry t;
  if (din_as_conv(g, t)) {
    const std::size_t kh = g.win.kh, kw = g.win.kw;
    float* flipped = rest;
    float* zero_bias = flipped + g.oc * k;
    for (std::size_t i = 0; i < g.ic; ++i) {
      zero_bias[i] = 0.0f;
      for (std::size_t o = 0; o < g.oc; ++o)
        for (std::size_t ky = 0; ky < kh; ++ky)
          for (std::size_t kx = 0; kx < kw; ++kx)
            flipped[((i * g.oc + o) * kh + ky) * kw + kx] =
                weight[((o * g.ic + i) * kh + kh - 1 - ky) * kw + kw - 1 - kx];
    }
    conv2d_direct(t, 1, dout, flipped, zero_bias, false, Epilogue::compact, din, zero_bias + g.ic);
    return;
  }
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
