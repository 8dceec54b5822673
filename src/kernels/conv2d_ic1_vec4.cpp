// conv2d_ic1_direct_2ch_2x8_vec4: stride-1 convolutions of ONE input channel with a 3×3 kernel
// (the first layer of the MNIST CNNs). With one channel a tap count K = KH·KW is only 9, so the general
// direct kernel (conv2d_vec4.cpp: 4 channels × 8 columns, K taps, then a plane written and read back by
// the epilogue) spends as much on set-up and stores as on the multiply-adds. This tile holds 2 output
// channels × 2 output rows × 8 output columns (8 vector accumulators) and walks the KH + 1 input rows
// under it once: each input vector loaded serves both output rows and both channels. It starts from the
// bias and adds the taps in (ky, kx) order, the order of every other conv kernel here, so a value has
// the same bits whichever kernel made it. Two epilogues, chosen at compile time:
//  - compact: the 2 × 2 × 8 values (ReLU'd if asked) stored straight into the output maps;
//  - pooled (conv + bias + ReLU + 2×2 max pool, for predict): the 8 columns are taken as 4 even
//    and 4 odd ones, read from the sample's padded rows split into even and odd columns, so the
//    2×2 windows' four values sit in the same lane of four accumulators: three vector maxes and
//    the ReLU give 4 pooled values per channel; the full-size map is never written.
// No edge work in the tile: the last column block and the last row pair of a map are moved back
// to overlap the one before (recomputed, identical bits), and the last channel pair likewise.
// Weights are read in their own [OC][KH][KW] order (a one-channel filter already is the order the
// tile reads), each tap as a 32-bit broadcast load.
#include "kernels/conv2d_ic1_vec4.hpp"

#include <algorithm>

#include "kernels/simd.hpp"

namespace convscope::kernels {
namespace {

constexpr std::size_t kChannels = 2, kRows = 2, kCols = 8;

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

template <int KH, int KW, bool POOL>
void run(const Conv2dGeometry& g, std::size_t n, const float* in, const float* weight, const float* bias,
         bool relu, float* out, float* padded) {
  const std::size_t hp = padded_h(g), wp = padded_w(g);
  const std::size_t ws = POOL ? (wp + 1) / 2 : wp, odd_plane = POOL ? hp * ws : 0;
  const std::size_t out_h = POOL ? g.oh / 2 : g.oh, out_w = POOL ? g.ow / 2 : g.ow;
  const std::size_t tile_w = POOL ? kCols / 2 : kCols;  // output columns a tile stores
  const std::size_t out_plane = out_h * out_w;
  const f32x4 zero = splat4(0.0f);
  for (std::size_t s = 0; s < n; ++s) {
    fill_padded<POOL>(g, in + s * g.h * g.w, padded);
    float* y = out + s * g.oc * out_plane;
    for (std::size_t c0 = 0; c0 < g.oc; c0 += kChannels) {
      const std::size_t c = std::min(c0, g.oc - kChannels);
      const float* w0 = weight + c * KH * KW;
      const float* w1 = w0 + KH * KW;
      const f32x4 b0 = splat4(bias[c]), b1 = splat4(bias[c + 1]);
      // out_y: the tile's first output row (pooled: conv rows 2·out_y, 2·out_y + 1)
      for (std::size_t r0 = 0; r0 < out_h; r0 += POOL ? 1 : kRows) {
        const std::size_t out_y = POOL ? r0 : std::min(r0, out_h - kRows);
        const std::size_t conv_y = POOL ? 2 * out_y : out_y;
        for (std::size_t x0 = 0; x0 < out_w; x0 += tile_w) {
          const std::size_t out_x = std::min(x0, out_w - tile_w);
          // padded column of the tile's first conv column (pooled: its index in the half rows)
          const float* base = padded + conv_y * ws + out_x;
          f32x4 acc[kChannels][kRows][2];
          for (std::size_t r = 0; r < kRows; ++r)
            for (int v = 0; v < 2; ++v) {
              acc[0][r][v] = b0;
              acc[1][r][v] = b1;
            }
          for (int t = 0; t <= KH; ++t) {  // input row conv_y + t
            const float* row = base + t * ws;
            for (int kx = 0; kx < KW; ++kx) {
              f32x4 in0, in1;
              if (POOL) {  // even conv columns read padded column 2j + kx, odd ones 2j + 1 + kx
                in0 = load4(row + (kx & 1) * odd_plane + kx / 2);
                in1 = load4(row + ((kx + 1) & 1) * odd_plane + (kx + 1) / 2);
              } else {
                in0 = load4(row + kx);
                in1 = load4(row + kx + 4);
              }
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
            float* dst = y + (c + ch) * out_plane + out_y * out_w + out_x;
            if (POOL) {
              const f32x4 m = max4(max4(acc[ch][0][0], acc[ch][0][1]),
                                   max4(acc[ch][1][0], acc[ch][1][1]));
              store4(dst, max4(m, zero));
            } else {
              for (std::size_t r = 0; r < kRows; ++r)
                for (int v = 0; v < 2; ++v)
                  store4(dst + r * out_w + 4 * v, relu ? max4(acc[ch][r][v], zero) : acc[ch][r][v]);
            }
          }
        }
      }
    }
  }
}

// 3×3 only: for 5×5 (the jet CNN's conv1) the general 4 × 8 tile, whose 25 taps amortize its
// set-up, measured as fast or faster (the tile's 2·2·25 weight broadcasts per 8 columns weigh).
template <bool POOL>
void dispatch(const Conv2dGeometry& g, std::size_t n, const float* in, const float* weight,
              const float* bias, bool relu, float* out, float* scratch) {
  run<3, 3, POOL>(g, n, in, weight, bias, relu, out, scratch);
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
