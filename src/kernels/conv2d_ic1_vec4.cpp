// conv2d_ic1_direct_2ch_2x8_vec4: stride-1 convolutions of ONE input channel with a 3×3 kernel
// (the first layer of the MNIST CNNs). With one channel a tap count K = KH·KW is only 9, so the general
// direct kernel (conv2d_vec4.cpp: 4 channels × 8 columns, K taps, then a plane written and read back by
// the epilogue) spends as much on set-up and stores as on the multiply-adds. Every value starts from
// the bias and adds the taps in (ky, kx) order, the order of every other conv kernel here, so it has
// the same bits whichever kernel or tile made it. Two tiles:
//  - compact: 2 output channels × 2 output rows × 8 output columns (8 vector accumulators), walking
//    the KH + 1 input rows under it once (each input vector loaded serves both rows and both
//    channels); the values (ReLU'd if asked) stored straight into the output maps;
//  - pooled (conv + bias + ReLU + 2×2 max pool, for predict): 2 channels × the 2 conv rows of 4
//    pool windows. The 8 columns are taken as 4 even and 4 odd ones, read from the sample's padded
//    rows split into even and odd columns, so a window's four values sit in the same lane of four
//    accumulators: three vector maxes and the ReLU give 4 pooled values per channel; the full-size
//    map is never written. The two conv rows are made one after the other (4 accumulators each)
//    by a loop over the kernel rows that stays rolled: V8 (Node 20's and today's) puts the loads of
//    a basic block first and the arithmetic after, so a block may load only as many vectors as
//    registers stay free beside the accumulators (10 here: 4 input vectors, 6 weights); a fully
//    unrolled tile, or 8 accumulators beside a kernel row's 14 loads, spilled to the stack.
//    A map whose pooled width leaves 1 or 2 columns past the blocks of 4 (14: the MNIST CNNs)
//    does those columns for 2 pooled rows at once, one row in each half of the vectors (64-bit
//    loads and stores), instead of a block of 4 overlapping the one before (1/8 of the work).
// No other edge work in the tiles: the last column block and the last row pair of a map are moved
// back to overlap the one before (recomputed, identical bits), and the last channel pair likewise.
// Weights are read in their own [OC][KH][KW] order (a one-channel filter already is the order the
// tiles read), each tap as a 32-bit broadcast load.
#include "kernels/conv2d_ic1_vec4.hpp"

#include <algorithm>

#include "kernels/simd.hpp"

namespace convscope::kernels {
namespace {

constexpr std::size_t kChannels = 2, kRows = 2, kCols = 8;

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

// The sample [H,W] with its zero border: rows of WP floats (compact), or each padded row as its
// even columns then, a plane of HP rows later, its odd columns, rows of (WP + 1) / 2 (pooled;
// each row padded first into `line`, WP + 8 floats past the planes).
template <bool POOL>
void fill_padded(const Conv2dGeometry& g, const float* x, float* dst) {
  const std::size_t hp = padded_h(g), wp = padded_w(g);
  const std::size_t ws = POOL ? (wp + 1) / 2 : wp;
  float* line = dst + hp * (wp + 1);
  for (std::size_t r = 0; r < hp; ++r) {
    const float* src = r >= g.win.pad_top && r - g.win.pad_top < g.h ? x + (r - g.win.pad_top) * g.w
                                                                     : nullptr;
    float* row = dst + r * ws;
    if (!POOL) {
      pad_row(g, src, wp, row);
      continue;
    }
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

// The compact tile: 2 channels × 2 output rows × 8 columns, 8 accumulators.
template <int KH, int KW>
void run_compact(const Conv2dGeometry& g, std::size_t n, const float* in, const float* weight,
                 const float* bias, bool relu, float* out, float* padded) {
  const std::size_t ws = padded_w(g);
  const std::size_t out_plane = g.oh * g.ow;
  const f32x4 zero = splat4(0.0f);
  for (std::size_t s = 0; s < n; ++s) {
    fill_padded<false>(g, in + s * g.h * g.w, padded);
    float* y = out + s * g.oc * out_plane;
    for (std::size_t c0 = 0; c0 < g.oc; c0 += kChannels) {
      const std::size_t c = std::min(c0, g.oc - kChannels);
      const float* w0 = weight + c * KH * KW;
      const float* w1 = w0 + KH * KW;
      const f32x4 b0 = splat4(bias[c]), b1 = splat4(bias[c + 1]);
      for (std::size_t r0 = 0; r0 < g.oh; r0 += kRows) {
        const std::size_t out_y = std::min(r0, g.oh - kRows);  // the tile's first output row
        for (std::size_t x0 = 0; x0 < g.ow; x0 += kCols) {
          const std::size_t out_x = std::min(x0, g.ow - kCols);
          const float* base = padded + out_y * ws + out_x;
          f32x4 acc[kChannels][kRows][2];
          for (std::size_t r = 0; r < kRows; ++r)
            for (int v = 0; v < 2; ++v) {
              acc[0][r][v] = b0;
              acc[1][r][v] = b1;
            }
          for (int t = 0; t <= KH; ++t) {  // input row out_y + t
            const float* row = base + t * ws;
            for (int kx = 0; kx < KW; ++kx) {
              const f32x4 in0 = load4(row + kx), in1 = load4(row + kx + 4);
              for (int dy = 0; dy < 2; ++dy) {
                const int ky = t - dy;
                if (ky < 0 || ky >= KH) continue;
                const f32x4 a0 = splat4(w0[ky * KW + kx]);
                acc[0][dy][0] = madd4(acc[0][dy][0], a0, in0);
                acc[0][dy][1] = madd4(acc[0][dy][1], a0, in1);
                const f32x4 a1 = splat4(w1[ky * KW + kx]);
                acc[1][dy][0] = madd4(acc[1][dy][0], a1, in0);
                acc[1][dy][1] = madd4(acc[1][dy][1], a1, in1);
              }
            }
          }
          for (std::size_t ch = 0; ch < kChannels; ++ch) {
            float* dst = y + (c + ch) * out_plane + out_y * g.ow + out_x;
            for (std::size_t r = 0; r < kRows; ++r)
              for (int v = 0; v < 2; ++v)
                store4(dst + r * g.ow + 4 * v, relu ? max4(acc[ch][r][v], zero) : acc[ch][r][v]);
          }
        }
      }
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

// The pooled tile: channels c, c + 1, pooled row out_y, pooled columns out_x .. out_x + 3 (PAIR:
// pooled rows out_y, out_y + 1 × columns out_x, out_x + 1). Conv row 2·out_y + dy, kernel row ky
// reads padded row 2·out_y + dy + ky: its even conv columns read the even-column plane at kx = 0,
// 2 and the odd one at kx = 1; the odd conv columns the reverse, one column on.
template <int KH, int KW, bool PAIR>
inline void pooled_tile(const float* base, std::size_t ws, std::size_t odd_plane, const float* w0,
                        f32x4 b0, f32x4 b1, float* dst0, float* dst1, std::size_t out_w) {
  const std::size_t pair = 2 * ws;  // PAIR: lanes 2, 3 from the pooled row below
  f32x4 m0 = b0, m1 = b1;
  for (int dy = 0; dy < 2; ++dy) {
    f32x4 e0 = b0, o0 = b0, e1 = b1, o1 = b1;  // channel c / c + 1, even / odd conv columns
    const float* row = base + dy * ws;
    const float* w = w0;  // kernel row ky of channel c; channel c + 1's is KH·KW floats on
    CONVSCOPE_ROLLED for (int ky = 0; ky < KH; ++ky, row += ws, w += KW) {
      const float* odr = row + odd_plane;
      const f32x4 ev = PAIR ? load2_2(row, row + pair) : load4(row),
                  od = PAIR ? load2_2(odr, odr + pair) : load4(odr),
                  ev1 = PAIR ? load2_2(row + 1, row + 1 + pair) : load4(row + 1),
                  od1 = PAIR ? load2_2(odr + 1, odr + 1 + pair) : load4(odr + 1);
      const f32x4 in_even[3] = {ev, od, ev1}, in_odd[3] = {od, ev1, od1};
      for (int kx = 0; kx < KW; ++kx) {
        const f32x4 a = splat4(w[kx]), b = splat4(w[KH * KW + kx]);
        e0 = madd4(e0, a, in_even[kx]);
        o0 = madd4(o0, a, in_odd[kx]);
        e1 = madd4(e1, b, in_even[kx]);
        o1 = madd4(o1, b, in_odd[kx]);
      }
    }
    const f32x4 p0 = max4(e0, o0), p1 = max4(e1, o1);
    m0 = dy == 0 ? p0 : max4(m0, p0);
    m1 = dy == 0 ? p1 : max4(m1, p1);
  }
  const f32x4 zero = splat4(0.0f);
  if (PAIR) {
    store2_2(dst0, dst0 + out_w, max4(m0, zero));
    store2_2(dst1, dst1 + out_w, max4(m1, zero));
  } else {
    store4(dst0, max4(m0, zero));
    store4(dst1, max4(m1, zero));
  }
}

template <int KH, int KW>
void run_pooled(const Conv2dGeometry& g, std::size_t n, const float* in, const float* weight,
                const float* bias, float* out, float* padded) {
  static_assert(KH == 3 && KW == 3, "the pooled tile reads 3 kernel rows of 3 columns");
  const std::size_t hp = padded_h(g), ws = (padded_w(g) + 1) / 2, odd_plane = hp * ws;
  const std::size_t out_h = g.oh / 2, out_w = g.ow / 2, out_plane = out_h * out_w;
  const std::size_t main_w = out_w / 4 * 4;
  // 1 or 2 columns past the blocks of 4: as 2 columns × 2 pooled rows in one vector
  const bool pairs = out_w % 4 != 0 && out_w % 4 <= 2 && out_h >= 2;
  for (std::size_t s = 0; s < n; ++s) {
    fill_padded<true>(g, in + s * g.h * g.w, padded);
    float* y = out + s * g.oc * out_plane;
    for (std::size_t c0 = 0; c0 < g.oc; c0 += kChannels) {
      const std::size_t c = std::min(c0, g.oc - kChannels);
      const f32x4 b0 = splat4(bias[c]), b1 = splat4(bias[c + 1]);
      const float* w = weight + c * KH * KW;
      float* yc = y + c * out_plane;
      for (std::size_t out_y = 0; out_y < out_h; ++out_y) {
        for (std::size_t out_x = 0; out_x + 4 <= main_w; out_x += 4) {
          float* dst = yc + out_y * out_w + out_x;
          pooled_tile<KH, KW, false>(padded + 2 * out_y * ws + out_x, ws, odd_plane, w, b0, b1, dst,
                                     dst + out_plane, out_w);
        }
        if (main_w < out_w && !pairs) {
          float* dst = yc + out_y * out_w + out_w - 4;
          pooled_tile<KH, KW, false>(padded + 2 * out_y * ws + out_w - 4, ws, odd_plane, w, b0, b1, dst,
                                     dst + out_plane, out_w);
        }
      }
      if (pairs)
        for (std::size_t r0 = 0; r0 < out_h; r0 += 2) {
          const std::size_t out_y = std::min(r0, out_h - 2);
          float* dst = yc + out_y * out_w + out_w - 2;
          pooled_tile<KH, KW, true>(padded + 2 * out_y * ws + out_w - 2, ws, odd_plane, w, b0, b1, dst,
                                    dst + out_plane, out_w);
        }
    }
  }
}

// 3×3 only: for 5×5 (the jet CNN's conv1) the general 4 × 8 tile, whose 25 taps amortize its
// set-up, measured as fast or faster (the tile's 2·2·25 weight broadcasts per 8 columns weigh).
template <bool POOL>
void dispatch(const Conv2dGeometry& g, std::size_t n, const float* in, const float* weight,
              const float* bias, bool relu, float* out, float* scratch) {
  if (POOL) return run_pooled<3, 3>(g, n, in, weight, bias, out, scratch);
  run_compact<3, 3>(g, n, in, weight, bias, relu, out, scratch);
}

}  // namespace

bool conv2d_ic1_direct_fits(const Conv2dGeometry& g) {
  const Window& k = g.win;
  const bool square_3 = k.kh == 3 && k.kw == 3;
  // a tile needs 2 channels, 2 rows and 8 columns of output (pooled: 4 columns)
  return g.ic == 1 && square_3 && k.sh == 1 && k.sw == 1 && g.oc >= kChannels && g.oh >= kRows &&
         g.ow >= kCols;
}

std::size_t conv2d_ic1_direct_scratch_floats(const Conv2dGeometry& g) {
  return padded_h(g) * (padded_w(g) + 1) + padded_w(g) + 9;  // the rows or the two half planes; a line
}

void conv2d_ic1_direct_2ch_2x8_vec4(const Conv2dGeometry& g, std::size_t n, const float* in,
                                    const float* weight, const float* bias, bool relu, float* out,
                                    float* scratch) {
  dispatch<false>(g, n, in, weight, bias, relu, out, scratch);
}

void conv2d_ic1_relu_maxpool2x2_2ch_2x8_vec4(const Conv2dGeometry& g, std::size_t n, const float* in,
                                             const float* weight, const float* bias, float* out,
                                             float* scratch) {
  dispatch<true>(g, n, in, weight, bias, true, out, scratch);
}

}  // namespace convscope::kernels
