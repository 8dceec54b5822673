// Reference max/average pooling (no padding; average divides by KH·KW).
#include "kernels/kernels.hpp"

namespace convscope::kernels {

void pool2d_f32_scalar(PoolKind kind, const Pool2dGeometry& g, const float* in, float* out) {
  const Window& k = g.win;
  for (std::size_t c = 0; c < g.c; ++c)
    for (std::size_t y = 0; y < g.oh; ++y)
      for (std::size_t x = 0; x < g.ow; ++x) {
        float acc = kind == PoolKind::max ? in[(c * g.h + y * k.sh) * g.w + x * k.sw] : 0.0f;
        for (std::size_t ky = 0; ky < k.kh; ++ky)
          for (std::size_t kx = 0; kx < k.kw; ++kx) {
            const float v = in[(c * g.h + y * k.sh + ky) * g.w + x * k.sw + kx];
            if (kind == PoolKind::max) acc = v > acc ? v : acc;
            else acc += v;
          }
        out[(c * g.oh + y) * g.ow + x] = kind == PoolKind::max ? acc
                                                               : acc / static_cast<float>(k.kh * k.kw);
      }
}

void pool2d_backward_f32_scalar(PoolKind kind, const Pool2dGeometry& g, const float* in,
                                const float* dout, float* din) {
  const Window& k = g.win;
  for (std::size_t i = 0; i < g.c * g.h * g.w; ++i) din[i] = 0;
  const float share = 1.0f / static_cast<float>(k.kh * k.kw);
  for (std::size_t c = 0; c < g.c; ++c)
    for (std::size_t y = 0; y < g.oh; ++y)
      for (std::size_t x = 0; x < g.ow; ++x) {
        const float d = dout[(c * g.oh + y) * g.ow + x];
        const std::size_t first = (c * g.h + y * k.sh) * g.w + x * k.sw;  // window's top left
        if (kind == PoolKind::average) {
          for (std::size_t ky = 0; ky < k.kh; ++ky)
            for (std::size_t kx = 0; kx < k.kw; ++kx) din[first + ky * g.w + kx] += d * share;
          continue;
        }
        std::size_t best = first;
        for (std::size_t ky = 0; ky < k.kh; ++ky)
          for (std::size_t kx = 0; kx < k.kw; ++kx)
            if (in[first + ky * g.w + kx] > in[best]) best = first + ky * g.w + kx;
        din[best] += d;
      }
}

}  // namespace convscope::kernels
