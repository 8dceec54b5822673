// conv2d_ic1_direct_2ch_1x8_vec4 and conv2d_ic1_relu_maxpool2x2_2ch_2x8_vec4: stride-1
// convolutions of ONE input channel with a 3×3 kernel (the first layer of the MNIST CNNs). With
// one channel a tap count K = KH·KW is only 9, so the general direct kernel (conv2d_vec4.cpp: 4
// channels × 8 columns, K taps, then a plane written and read back by the epilogue) spends as
// much on set-up and stores as on the multiply-adds. Both kernels share one conv row of 2
// channels × 8 columns (conv_row), read from the sample's padded rows split into even and odd
// columns, the 8 columns taken as 4 "first" and 4 "second" ones (every other column), so that:
//  - compact (conv + bias, ReLU if asked): each row of 8 columns is interleaved back and stored;
//  - pooled (conv + bias + ReLU + 2×2 max pool, for predict): two conv rows from an even column
//    put each pool window's four values in one lane of four vectors: three vector maxes and the
//    ReLU give 4 pooled values per channel, and the full-size map is never written.
// A value is the bias plus, kernel row after kernel row, that row's three products summed left
// to right, whichever tile or kernel made it: pooled = compact + ReLU, then pooled, bit for
// bit, and a sample has the same bits alone or in a batch (the other conv kernels add the taps
// one by one; the tests hold every kernel to the reference within its tolerance).
// No edge work in the tiles: the last column block and the last channel pair of a map are moved
// back to overlap the one before (recomputed, identical bits); a pooled width that leaves 1 or 2
// columns past the blocks of 4 does them for 2 pooled rows at once (64-bit halves).
// Weights are read in their own [OC][KH][KW] order, each tap as a 32-bit broadcast load.
#include "kernels/conv2d_ic1_vec4.hpp"

#include <algorithm>

#include "kernels/simd.hpp"

namespace convscope::kernels {
namespace {

constexpr std::size_t kChannels = 2, kCols = 8;

// A loop left rolled (see the pooled tile).
#if defined(__clang__)
#define CONVSCOPE_ROLLED _Pragma("clang loop unroll(disable)")
#else
#define CONVSCOPE_ROLLED _Pragma("GCC unroll 1")
#endif

std::size_t padded_h(const Conv2dGeometry& g) { return g.win.pad_top + g.h + g.win.pad_bottom; }
std::size_t padded_w(const Conv2dGeometry& g) { return g.win.pad_left + g.w + g.win.pad_right; }

// One padded row: zeros, the input row src (null: a padding row), zeros; wp floats.
void pad_row(const Conv2dGeometry& g, const float* src, std::size_t wp, float* row) {
  if (!src) {
    for (std::size_t j = 0; j < wp; ++j) row[j] = 0.0f;
    return;
  }
  for (std::size_t j = 0; j < g.win.pad_left; ++j) row[j] = 0.0f;
  float* mid = row + g.win.pad_left;
  std::size_t j = 0;
  for (; j + 4 <= g.w; j += 4) store4(mid + j, load4(src + j));
  for (; j < g.w; ++j) mid[j] = src[j];
  for (j = g.win.pad_left + g.w; j < wp; ++j) row[j] = 0.0f;
}

// The plane width: (WP + 1) / 2 floats, the even or the odd columns of a padded row.
std::size_t plane_w(const Conv2dGeometry& g) { return (padded_w(g) + 1) / 2; }

// The sample [H,W] with its zero border, each padded row split into its even columns and, a
// plane of HP rows later, its odd columns (rows of plane_w floats; each row padded first into
// `line`, WP + 9 floats past the planes).
void fill_planes(const Conv2dGeometry& g, const float* x, float* dst) {
  const std::size_t hp = padded_h(g), wp = padded_w(g), ws = plane_w(g);
  float* line = dst + hp * (wp + 1);
  for (std::size_t r = 0; r < hp; ++r) {
    const float* src = r >= g.win.pad_top && r - g.win.pad_top < g.h ? x + (r - g.win.pad_top) * g.w
                                                                     : nullptr;
    float* row = dst + r * ws;
    pad_row(g, src, wp, line);
    for (std::size_t j = wp; j < 2 * ws + 8; ++j) line[j] = 0.0f;  // an odd WP's last odd column
    float* odd = row + hp * ws;
    std::size_t j = 0;
    for (; j + 4 <= ws; j += 4) {
      const f32x4 a = load4(line + 2 * j), b = load4(line + 2 * j + 4);
      store4(row + j, even4(a, b));
      store4(odd + j, odd4(a, b));
    }
    for (; j < ws; ++j) {
      row[j] = line[2 * j];
      odd[j] = line[2 * j + 1];
    }
  }
}

// Floats a[0..1] in lanes 0, 1 and b[0..1] in lanes 2, 3 (two 64-bit loads); and back.
inline f32x4 load2_2(const float* a, const float* b) {
  typedef long long i64x2 __attribute__((vector_size(16)));
  long long lo, hi;
  __builtin_memcpy(&lo, a, 8);
  __builtin_memcpy(&hi, b, 8);
  return (f32x4)i64x2{lo, hi};
}
inline void store2_2(float* a, float* b, f32x4 v) {
  __builtin_memcpy(a, &v, 8);
  __builtin_memcpy(b, (const char*)&v + 8, 8);
}

// One conv row of a tile: channels c, c + 1 × 8 conv columns x0 .. x0 + 7, as 4 "first"
// columns x0 + 2i and 4 "second" columns x0 + 2i + 1. a and b point into the two column-parity
// planes of the padded sample (a: the plane of x0's parity at x0 / 2, b: the other at
// (x0 + 1) / 2): conv column x0 + 2i reads a[i], b[i], a[i + 1] of each kernel row, x0 + 2i + 1
// reads b[i], a[i + 1], b[i + 1]. Each kernel row's three products are summed first and then
// added to the bias, row after row: the running sum waits on one add per kernel row, not three
// (the three-tap chain per row left the loop waiting on add latency, ~2/3 of the peak). The
// loop over kernel rows stays rolled: V8 (Node 20's) puts the loads of a basic block first and
// the arithmetic after, so a block may load only as many vectors as registers stay free beside
// the 4 sums and the 2 temporaries (10 here: 4 input vectors, 6 weights); a fully unrolled
// tile spilled to the stack. HALVES: lanes 0, 1 from row r and lanes 2, 3 from row r + 2 of the
// planes (64-bit loads; two pooled rows of 2 columns at once). w: channel c's 9 weights, c + 1's
// next. out: first, second of channel c, then of c + 1.
template <bool HALVES>
inline void conv_row(const float* a, const float* b, std::size_t ws, const float* w, f32x4 b0, f32x4 b1,
                     f32x4 out[4]) {
  const std::size_t below = 2 * ws;
  f32x4 f0 = b0, s0 = b0, f1 = b1, s1 = b1;
  CONVSCOPE_ROLLED for (int ky = 0; ky < 3; ++ky, a += ws, b += ws, w += 3) {
    const f32x4 x0 = HALVES ? load2_2(a, a + below) : load4(a),
                x1 = HALVES ? load2_2(b, b + below) : load4(b),
                x2 = HALVES ? load2_2(a + 1, a + 1 + below) : load4(a + 1),
                x3 = HALVES ? load2_2(b + 1, b + 1 + below) : load4(b + 1);
    const f32x4 p0 = splat4(w[0]), p1 = splat4(w[1]), p2 = splat4(w[2]);
    const f32x4 q0 = splat4(w[9]), q1 = splat4(w[10]), q2 = splat4(w[11]);
    f0 = f0 + madd4(madd4(p0 * x0, p1, x1), p2, x2);
    s0 = s0 + madd4(madd4(p0 * x1, p1, x2), p2, x3);
    f1 = f1 + madd4(madd4(q0 * x0, q1, x1), q2, x2);
    s1 = s1 + madd4(madd4(q0 * x1, q1, x2), q2, x3);
  }
  out[0] = f0;
  out[1] = s0;
  out[2] = f1;
  out[3] = s1;
}

// The compact tile: channels c, c + 1 × conv row y × columns x0 .. x0 + 7 (any x0: the planes
// are picked by its parity), the values (ReLU'd if asked) stored in place, first and second
// columns interleaved back.
inline void compact_tile(const float* planes, std::size_t ws, std::size_t odd_plane, std::size_t y,
                         std::size_t x0, const float* w, f32x4 b0, f32x4 b1, bool relu, float* dst0,
                         float* dst1) {
  const float* row = planes + y * ws;
  const float* a = row + (x0 % 2 ? odd_plane : 0) + x0 / 2;
  const float* b = row + (x0 % 2 ? 0 : odd_plane) + (x0 + 1) / 2;
  f32x4 v[4];
  conv_row<false>(a, b, ws, w, b0, b1, v);
  if (relu) {
    const f32x4 zero = splat4(0.0f);
    for (f32x4& x : v) x = max4(x, zero);
  }
  store4(dst0, __builtin_shufflevector(v[0], v[1], 0, 4, 1, 5));
  store4(dst0 + 4, __builtin_shufflevector(v[0], v[1], 2, 6, 3, 7));
  store4(dst1, __builtin_shufflevector(v[2], v[3], 0, 4, 1, 5));
  store4(dst1 + 4, __builtin_shufflevector(v[2], v[3], 2, 6, 3, 7));
}

// The pooled tile: channels c, c + 1, pooled row out_y, pooled columns out_x .. out_x + 3 (HALVES:
// pooled rows out_y, out_y + 1 × columns out_x, out_x + 1): conv rows 2·out_y and 2·out_y + 1 at
// columns from 2·out_x (even: a in the even plane), each window's four values in one lane of the
// two rows' first and second columns.
template <bool HALVES>
inline void pooled_tile(const float* planes, std::size_t ws, std::size_t odd_plane, std::size_t out_y,
                        std::size_t out_x, const float* w, f32x4 b0, f32x4 b1, float* dst0, float* dst1,
                        std::size_t out_w) {
  const float* a = planes + 2 * out_y * ws + out_x;
  f32x4 top[4], bottom[4];
  conv_row<HALVES>(a, a + odd_plane, ws, w, b0, b1, top);
  conv_row<HALVES>(a + ws, a + ws + odd_plane, ws, w, b0, b1, bottom);
  const f32x4 zero = splat4(0.0f);
  const f32x4 m0 = max4(max4(max4(top[0], top[1]), max4(bottom[0], bottom[1])), zero);
  const f32x4 m1 = max4(max4(max4(top[2], top[3]), max4(bottom[2], bottom[3])), zero);
  if (HALVES) {
    store2_2(dst0, dst0 + out_w, m0);
    store2_2(dst1, dst1 + out_w, m1);
  } else {
    store4(dst0, m0);
    store4(dst1, m1);
  }
}

// For each sample (its planes filled) and each channel pair c, c + 1 (the last pair moved back
// to overlap the one before: recomputed, identical bits): tiles(w, b0, b1, yc), with channel c's
// weights, the two biases and channel c's output map (maps of out_plane floats).
template <class Tiles>
void for_each_channel_pair(const Conv2dGeometry& g, std::size_t n, const float* in, const float* weight,
                           const float* bias, float* out, std::size_t out_plane, float* planes,
                           Tiles tiles) {
  for (std::size_t s = 0; s < n; ++s) {
    fill_planes(g, in + s * g.h * g.w, planes);
    float* y = out + s * g.oc * out_plane;
    for (std::size_t c0 = 0; c0 < g.oc; c0 += kChannels) {
      const std::size_t c = std::min(c0, g.oc - kChannels);
      tiles(weight + c * 9, splat4(bias[c]), splat4(bias[c + 1]), y + c * out_plane);
    }
  }
}

// Conv (+ ReLU): 2 channels × 1 row × 8 columns per tile; the last column block moved back to
// overlap the one before.
void run_compact(const Conv2dGeometry& g, std::size_t n, const float* in, const float* weight,
                 const float* bias, bool relu, float* out, float* planes) {
  const std::size_t ws = plane_w(g), odd_plane = padded_h(g) * ws;
  const std::size_t out_plane = g.oh * g.ow;
  const auto tiles = [&](const float* w, f32x4 b0, f32x4 b1, float* yc) {
    for (std::size_t r = 0; r < g.oh; ++r)
      for (std::size_t x = 0; x < g.ow; x += kCols) {
        const std::size_t x0 = std::min(x, g.ow - kCols);
        float* dst = yc + r * g.ow + x0;
        compact_tile(planes, ws, odd_plane, r, x0, w, b0, b1, relu, dst, dst + out_plane);
      }
  };
  for_each_channel_pair(g, n, in, weight, bias, out, out_plane, planes, tiles);
}

// Conv + ReLU + 2×2 max pool: 2 channels × 4 pooled columns per tile; a pooled width that
// leaves 1 or 2 columns past the blocks of 4 (14: the MNIST CNNs) does those columns for 2
// pooled rows at once, one row in each half of the vectors, instead of a block of 4 overlapping
// the one before (1/8 of the work); the last row pair then overlaps likewise.
void run_pooled(const Conv2dGeometry& g, std::size_t n, const float* in, const float* weight,
                const float* bias, float* out, float* planes) {
  const std::size_t ws = plane_w(g), odd_plane = padded_h(g) * ws;
  const std::size_t out_h = g.oh / 2, out_w = g.ow / 2, out_plane = out_h * out_w;
  const std::size_t main_w = out_w / 4 * 4;
  const bool halves = out_w % 4 != 0 && out_w % 4 <= 2 && out_h >= 2;
  const auto tiles = [&](const float* w, f32x4 b0, f32x4 b1, float* yc) {
    for (std::size_t out_y = 0; out_y < out_h; ++out_y) {
      for (std::size_t out_x = 0; out_x + 4 <= main_w; out_x += 4) {
        float* dst = yc + out_y * out_w + out_x;
        pooled_tile<false>(planes, ws, odd_plane, out_y, out_x, w, b0, b1, dst, dst + out_plane, out_w);
      }
      if (main_w < out_w && !halves) {
        float* dst = yc + out_y * out_w + out_w - 4;
        pooled_tile<false>(planes, ws, odd_plane, out_y, out_w - 4, w, b0, b1, dst, dst + out_plane,
                           out_w);
      }
    }
    if (halves)
      for (std::size_t r0 = 0; r0 < out_h; r0 += 2) {
        const std::size_t out_y = std::min(r0, out_h - 2);
        float* dst = yc + out_y * out_w + out_w - 2;
        pooled_tile<true>(planes, ws, odd_plane, out_y, out_w - 2, w, b0, b1, dst, dst + out_plane,
                          out_w);
      }
  };
  for_each_channel_pair(g, n, in, weight, bias, out, out_plane, planes, tiles);
}

// 3×3 only: for 5×5 (the jet CNN's conv1) the general 4 × 8 tile, whose 25 taps amortize its
// set-up, measured as fast or faster (the tile's 2·2·25 weight broadcasts per 8 columns weigh).
}  // namespace

bool conv2d_ic1_direct_fits(const Conv2dGeometry& g) {
  const Window& k = g.win;
  const bool square_3 = k.kh == 3 && k.kw == 3;
  // a tile needs 2 channels and 8 columns of output (pooled: 2 rows, 4 columns)
  return g.ic == 1 && square_3 && k.sh == 1 && k.sw == 1 && g.oc >= kChannels && g.oh >= 2 &&
         g.ow >= kCols;
}

std::size_t conv2d_ic1_direct_scratch_floats(const Conv2dGeometry& g) {
  return padded_h(g) * (padded_w(g) + 1) + padded_w(g) + 9;  // the two half planes; a line
}

void conv2d_ic1_direct_2ch_1x8_vec4(const Conv2dGeometry& g, std::size_t n, const float* in,
                                    const float* weight, const float* bias, bool relu, float* out,
                                    float* scratch) {
  run_compact(g, n, in, weight, bias, relu, out, scratch);
}

void conv2d_ic1_relu_maxpool2x2_2ch_2x8_vec4(const Conv2dGeometry& g, std::size_t n, const float* in,
                                             const float* weight, const float* bias, float* out,
                                             float* scratch) {
  run_pooled(g, n, in, weight, bias, out, scratch);
}

}  // namespace convscope::kernels
