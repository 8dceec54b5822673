// conv2d_winograd_f2x2_3x3_4x8_vec4: Winograd's minimal filtering F(2×2, 3×3) for 3×3 stride-1
// convolutions with many input channels (conv2 and conv3 of the MNIST CNN). Each 2×2 block of
// outputs ("tile") of a channel o is
//   Y = Aᵀ [ Σ_i (G g[o][i] Gᵀ) ⊙ (Bᵀ d[i] B) ] A,  d[i] the 4×4 input patch under the tile,
// 16 products per tile and input channel instead of 36. Per sample:
//  1. the sample, zero-padded, as its even and odd padded columns (planes [IC][2][rows][ws]);
//  2. input transform: V[ξ][i][t] = (Bᵀ d B)[ξ] for the 16 positions ξ, 4 tiles at a time (one
//     per lane: 4 neighbouring tiles' patches are 4 contiguous loads from the even/odd planes);
//  3. 16 GEMMs M[ξ] [OC, T] = U[ξ] [OC, IC] · V[ξ] [IC, T] in the 4 × 8 register tile of every
//     GEMM here (tile_vec4.hpp), U = G g Gᵀ packed per band of 4 channels as [IC][4];
//  4. output transform Aᵀ M A + bias, then the ReLU and either the 2×2 values stored (compact)
//     or their max (the 2×2 max pool: a tile is one pool window).
// The tile grid is ⌈OH/2⌉ × ⌈OW/2⌉ tiles, numbered row by row (T of them, no padding columns):
// the last group of 4 tile columns of a row, and the last group of 8 tiles of a GEMM, move back
// to overlap the one before (recomputed, the same bits) instead of running past the grid, as the
// one-channel tile does; so at least 4 tile columns and 8 tiles (else the direct kernel runs).
// Tiles past the map's last row or column read zero padding and are dropped by the output step.
// Every output's arithmetic depends only on its own sample, so a sample gets the same bits alone
// or in a batch, and the compact and pooled epilogues share the same transform code.
// The transformed weights U are made once per weight change by the layer
// (conv2d_pack_f32_vec4); without them (packed = null) each call makes them in scratch.
#include "kernels/conv2d_winograd_vec4.hpp"

#include <algorithm>

#include "kernels/simd.hpp"
#include "kernels/tile_vec4.hpp"

namespace convscope::kernels {
namespace {

struct WinogradPlan {
  std::size_t ty, tx, t;        // tile rows, tile columns, tiles (T = ty·tx)
  std::size_t rows, ws;         // rows of the padded planes, floats per half row
  std::size_t bands;            // bands of 4 output channels
  std::size_t planes, v, m, u;  // floats of each buffer
  explicit WinogradPlan(const Conv2dGeometry& g)
      : ty((g.oh + 1) / 2),
        tx((g.ow + 1) / 2),
        t(ty * tx),
        rows(2 * ty + 2),
        ws(tx + 1),
        bands((g.oc + 3) / 4),
        planes(g.ic * 2 * rows * ws),
        v(16 * g.ic * t),
        m(16 * bands * 4 * t),
        u(16 * bands * g.ic * 4) {}
  std::size_t scratch_floats() const { return planes + v + m + u; }
};

// The first of the 4 tile columns (8 tiles) of the group starting at x in a row of n: the last
// group moves back to overlap the one before.
inline std::size_t group_start(std::size_t x, std::size_t n, std::size_t width) {
  return std::min(x, n - width);
}

// U[ξ] = G g Gᵀ for every (o, i), packed [ξ][band][i][4] (zero rows past OC).
//   G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1]
void transform_weights(const Conv2dGeometry& g, const WinogradPlan& plan, const float* weight,
                       float* u) {
  for (std::size_t i = 0; i < plan.u; ++i) u[i] = 0.0f;
  for (std::size_t o = 0; o < g.oc; ++o)
    for (std::size_t i = 0; i < g.ic; ++i) {
      const float* w = weight + (o * g.ic + i) * 9;
      float gg[4][3];  // G g
      for (int c = 0; c < 3; ++c) {
        gg[0][c] = w[c];
        gg[1][c] = 0.5f * (w[c] + w[3 + c] + w[6 + c]);
        gg[2][c] = 0.5f * (w[c] - w[3 + c] + w[6 + c]);
        gg[3][c] = w[6 + c];
      }
      for (int r = 0; r < 4; ++r) {
        const float row[4] = {gg[r][0], 0.5f * (gg[r][0] + gg[r][1] + gg[r][2]),
                              0.5f * (gg[r][0] - gg[r][1] + gg[r][2]), gg[r][2]};
        for (int c = 0; c < 4; ++c)
          u[((static_cast<std::size_t>(r * 4 + c) * plan.bands + o / 4) * g.ic + i) * 4 + o % 4] =
              row[c];
      }
    }
}

// The sample x [IC,H,W] with its zero border (and zeros past it, to the tile grid's edge) as
// planes [IC][2][rows][ws]: even padded columns, then odd ones.
void fill_planes(const Conv2dGeometry& g, const WinogradPlan& plan, const float* x, float* planes) {
  const Window& k = g.win;
  for (std::size_t i = 0; i < g.ic; ++i)
    for (std::size_t r = 0; r < plan.rows; ++r) {
      float* even = planes + (i * 2 * plan.rows + r) * plan.ws;
      float* odd = even + plan.rows * plan.ws;
      if (r < k.pad_top || r - k.pad_top >= g.h) {
        for (std::size_t j = 0; j < plan.ws; ++j) even[j] = odd[j] = 0.0f;
        continue;
      }
      const float* src = x + (i * g.h + r - k.pad_top) * g.w;
      for (std::size_t j = 0; j < plan.ws; ++j) {
        const std::size_t c0 = 2 * j, c1 = 2 * j + 1;  // padded columns
        even[j] = c0 >= k.pad_left && c0 - k.pad_left < g.w ? src[c0 - k.pad_left] : 0.0f;
        odd[j] = c1 >= k.pad_left && c1 - k.pad_left < g.w ? src[c1 - k.pad_left] : 0.0f;
      }
    }
}

// V[ξ][i][t] = (Bᵀ d B)[ξ], 4 tiles (lanes) at a time.   Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
void transform_input(const Conv2dGeometry& g, const WinogradPlan& plan, const float* planes, float* v) {
  for (std::size_t i = 0; i < g.ic; ++i) {
    const float* even = planes + i * 2 * plan.rows * plan.ws;
    const float* odd = even + plan.rows * plan.ws;
    for (std::size_t y = 0; y < plan.ty; ++y)
      for (std::size_t x0 = 0; x0 < plan.tx; x0 += 4) {
        const std::size_t x = group_start(x0, plan.tx, 4);
        f32x4 w[4][4];  // d B, row by row: tile lane l's patch row r is padded row 2y + r, columns 2(x +
                        // l) ..
        for (int r = 0; r < 4; ++r) {
          const std::size_t at = (2 * y + r) * plan.ws + x;
          const f32x4 d0 = load4(even + at), d1 = load4(odd + at), d2 = load4(even + at + 1),
                      d3 = load4(odd + at + 1);
          w[r][0] = d0 - d2;
          w[r][1] = d1 + d2;
          w[r][2] = d2 - d1;
          w[r][3] = d1 - d3;
        }
        float* dst = v + i * plan.t + y * plan.tx + x;
        const std::size_t xi = g.ic * plan.t;  // from one ξ to the next
        for (int c = 0; c < 4; ++c) {
          store4(dst + (0 * 4 + c) * xi, w[0][c] - w[2][c]);
          store4(dst + (1 * 4 + c) * xi, w[1][c] + w[2][c]);
          store4(dst + (2 * 4 + c) * xi, w[2][c] - w[1][c]);
          store4(dst + (3 * 4 + c) * xi, w[1][c] - w[3][c]);
        }
      }
  }
}

// M[ξ] [bands·4, T] = U[ξ] · V[ξ].
void multiply(const Conv2dGeometry& g, const WinogradPlan& plan, const float* u, const float* v,
              float* m) {
  static const float kZeros[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  const std::size_t t = plan.t;
  for (std::size_t xi = 0; xi < 16; ++xi) {
    const float* vx = v + xi * g.ic * t;
    for (std::size_t band = 0; band < plan.bands; ++band) {
      const float* a = u + (xi * plan.bands + band) * g.ic * 4;
      float* mx = m + (xi * plan.bands + band) * 4 * plan.t;
      for (std::size_t q0 = 0; q0 < t; q0 += 8) {
        const std::size_t q = group_start(q0, t, 8);
        Tile<4, 2> tile;
        tile.fill_rows(kZeros);
        tile.madd_rows(g.ic, a, 1, 4, vx + q, t);
        tile.store(mx + q, t, false);
      }
    }
  }
}

// Aᵀ M A + bias for 4 tiles of channel o (lanes), from m = M + o·T + (first tile):
// y[dy][dx] = the output at (2·ty + dy, 2·tx + dx).   Aᵀ = [1 1 1 0; 0 1 -1 -1]
inline void output_tiles(const float* m, std::size_t xi_stride, f32x4 bias, f32x4 y[2][2]) {
  f32x4 s[4][2];  // (M A) row by row
  for (int r = 0; r < 4; ++r) {
    const f32x4 m0 = load4(m + (r * 4 + 0) * xi_stride), m1 = load4(m + (r * 4 + 1) * xi_stride),
                m2 = load4(m + (r * 4 + 2) * xi_stride), m3 = load4(m + (r * 4 + 3) * xi_stride);
    s[r][0] = m0 + m1 + m2;
    s[r][1] = m1 - m2 - m3;
  }
  for (int c = 0; c < 2; ++c) {
    y[0][c] = s[0][c] + s[1][c] + s[2][c] + bias;
    y[1][c] = s[1][c] - s[2][c] - s[3][c] + bias;
  }
}

template <bool POOL>
void run(const Conv2dGeometry& g, std::size_t n, const float* in, const float* weight, const float* bias,
         bool relu, float* out, float* scratch, const float* packed) {
  const WinogradPlan plan(g);
  float* planes = scratch;
  float* v = planes + plan.planes;
  float* m = v + plan.v;
  const float* u = packed;
  if (!u) {
    float* made = m + plan.m;
    transform_weights(g, plan, weight, made);
    u = made;
  }
  const std::size_t xi_stride = plan.bands * 4 * plan.t;  // M: from one ξ to the next
  const std::size_t ph = g.oh / 2, pw = g.ow / 2;
  const std::size_t out_plane = POOL ? ph * pw : g.oh * g.ow;
  const std::size_t rows = POOL ? ph : plan.ty;
  const std::size_t cols = POOL ? pw : plan.tx;  // tiles (pooled: windows) per row
  const f32x4 zero = splat4(0.0f);
  for (std::size_t s = 0; s < n; ++s) {
    fill_planes(g, plan, in + s * g.ic * g.h * g.w, planes);
    transform_input(g, plan, planes, v);
    multiply(g, plan, u, v, m);
    float* y_out = out + s * g.oc * out_plane;
    for (std::size_t o = 0; o < g.oc; ++o) {
      const f32x4 b = splat4(bias[o]);
      float* dst_o = y_out + o * out_plane;
      for (std::size_t ty = 0; ty < rows; ++ty)
        for (std::size_t x0 = 0; x0 < cols; x0 += 4) {
          const std::size_t tx = group_start(x0, plan.tx, 4);  // tiles tx .. tx + 3 (lanes)
          f32x4 y[2][2];
          output_tiles(m + o * plan.t + ty * plan.tx + tx, xi_stride, b, y);
          if (POOL) {
            const f32x4 p = max4(max4(max4(y[0][0], y[0][1]), max4(y[1][0], y[1][1])), zero);
            float* dst = dst_o + ty * pw + tx;
            if (tx + 4 <= pw) {
              store4(dst, p);
            } else {
              for (std::size_t l = 0; l < pw - tx; ++l) dst[l] = p[l];
            }
            continue;
          }
          for (std::size_t dy = 0; dy < 2 && 2 * ty + dy < g.oh; ++dy) {
            f32x4 a = y[dy][0], c = y[dy][1];
            if (relu) {
              a = max4(a, zero);
              c = max4(c, zero);
            }
            // lanes interleaved: columns 2tx, 2tx+1, ..., 2tx+7
            const f32x4 lo = __builtin_shufflevector(a, c, 0, 4, 1, 5);
            const f32x4 hi = __builtin_shufflevector(a, c, 2, 6, 3, 7);
            float* dst = dst_o + (2 * ty + dy) * g.ow + 2 * tx;
            if (2 * tx + 8 <= g.ow) {
              store4(dst, lo);
              store4(dst + 4, hi);
            } else {
              const std::size_t left = g.ow - 2 * tx;
              for (std::size_t l = 0; l < left && l < 4; ++l) dst[l] = lo[l];
              for (std::size_t l = 4; l < left; ++l) dst[l] = hi[l - 4];
            }
          }
        }
    }
  }
}

}  // namespace

bool conv2d_winograd_fits(const Conv2dGeometry& g) {
  const Window& k = g.win;
  if (g.ic < 8 || k.kh != 3 || k.kw != 3 || k.sh != 1 || k.sw != 1) return false;
  // 4 tile columns and 8 tiles for the overlapped groups, and a scratch of at most 16 MB (V and M
  // hold 16 floats per tile and channel: for a huge map the direct kernel, which needs little
  // more than the padded sample, is kept)
  const WinogradPlan plan(g);
  return plan.tx >= 4 && plan.t >= 8 && plan.scratch_floats() <= (std::size_t{1} << 22);
}

std::size_t conv2d_winograd_scratch_floats(const Conv2dGeometry& g) {
  return WinogradPlan(g).scratch_floats();
}
std::size_t conv2d_winograd_packed_floats(const Conv2dGeometry& g) { return WinogradPlan(g).u; }

void conv2d_winograd_pack_f32_vec4(const Conv2dGeometry& g, const float* weight, float* packed) {
  transform_weights(g, WinogradPlan(g), weight, packed);
}

void conv2d_winograd_f2x2_3x3_4x8_vec4(const Conv2dGeometry& g, std::size_t n, const float* in,
                                       const float* weight, const float* bias, bool relu, float* out,
                                       float* scratch, const float* packed) {
  run<false>(g, n, in, weight, bias, relu, out, scratch, packed);
}

void conv2d_winograd_relu_maxpool2x2_f2x2_3x3_4x8_vec4(const Conv2dGeometry& g, std::size_t n,
                                                       const float* in, const float* weight,
                                                       const float* bias, float* out, float* scratch,
                                                       const float* packed) {
  run<true>(g, n, in, weight, bias, true, out, scratch, packed);
}

}  // namespace convscope::kernels
