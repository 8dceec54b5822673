// Fast pooling: four neighbouring outputs of a row at once. Stride 1 windows are contiguous
// loads; stride 2 windows take every second element of seven (two overlapping loads and a
// shuffle). Other strides and the row tails run the scalar loop.
#include "kernels/kernels.hpp"
#include "kernels/simd.hpp"

namespace convscope::kernels {
namespace {

// p[0], p[2], p[4], p[6], reading nothing past p[6].
inline f32x4 load4_stride2(const float* p) {
  return __builtin_shufflevector(load4(p), load4(p + 3), 0, 2, 5, 7);
}

}  // namespace

void pool2d_f32_vec4(PoolKind kind, const Pool2dGeometry& g, const float* in, float* out) {
  const Window& k = g.win;
  const bool is_max = kind == PoolKind::max;
  const float scale = 1.0f / static_cast<float>(k.kh * k.kw);
  const bool vector_stride = k.sw == 1 || k.sw == 2;
  for (std::size_t c = 0; c < g.c; ++c)
    for (std::size_t y = 0; y < g.oh; ++y) {
      const float* top = in + (c * g.h + y * k.sh) * g.w;  // first input row of this window row
      float* row = out + (c * g.oh + y) * g.ow;
      std::size_t x = 0;
      for (; vector_stride && x + 4 <= g.ow; x += 4) {
        f32x4 acc = is_max ? (k.sw == 1 ? load4(top + x) : load4_stride2(top + 2 * x)) : splat4(0.0f);
        for (std::size_t ky = 0; ky < k.kh; ++ky)
          for (std::size_t kx = 0; kx < k.kw; ++kx) {
            const float* p = top + ky * g.w + x * k.sw + kx;
            const f32x4 v = k.sw == 1 ? load4(p) : load4_stride2(p);
            acc = is_max ? max4(acc, v) : acc + v;
          }
        store4(row + x, is_max ? acc : acc * splat4(scale));
      }
      for (; x < g.ow; ++x) {
        float acc = is_max ? top[x * k.sw] : 0.0f;
        for (std::size_t ky = 0; ky < k.kh; ++ky)
          for (std::size_t kx = 0; kx < k.kw; ++kx) {
            const float v = top[ky * g.w + x * k.sw + kx];
            acc = is_max ? (v > acc ? v : acc) : acc + v;
          }
        row[x] = is_max ? acc : acc * scale;
      }
    }
}

}  // namespace convscope::kernels
