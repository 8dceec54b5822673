// Fast fully connected layer: each dot product over four independent vector accumulators
// (16 floats per step) so multiply-adds overlap; scalar tail.
#include "kernels/kernels.hpp"
#include "kernels/simd.hpp"

namespace convscope::kernels {

void dense_f32_vec4(std::size_t in, std::size_t out, const float* x, const float* weight,
                    const float* bias, float* y) {
  for (std::size_t o = 0; o < out; ++o) {
    const float* w = weight + o * in;
    f32x4 a0 = splat4(0), a1 = splat4(0), a2 = splat4(0), a3 = splat4(0);
    std::size_t i = 0;
    for (; i + 16 <= in; i += 16) {
      a0 += load4(w + i) * load4(x + i);
      a1 += load4(w + i + 4) * load4(x + i + 4);
      a2 += load4(w + i + 8) * load4(x + i + 8);
      a3 += load4(w + i + 12) * load4(x + i + 12);
    }
    for (; i + 4 <= in; i += 4) a0 += load4(w + i) * load4(x + i);
    float sum = sum4((a0 + a1) + (a2 + a3));
    for (; i < in; ++i) sum += w[i] * x[i];
    y[o] = bias[o] + sum;
  }
}

// Row by row: dweight's row o += dy[o]·x and dx += dy[o]·weight's row o, both contiguous axpys.
void dense_backward_f32_vec4(std::size_t in, std::size_t out, const float* x, const float* weight,
                             const float* dy, float* dx, float* dweight, float* dbias) {
  if (dx)
    for (std::size_t i = 0; i < in; ++i) dx[i] = 0;
  for (std::size_t o = 0; o < out; ++o) {
    const float d = dy[o];
    dbias[o] += d;
    const f32x4 dv = splat4(d);
    float* dw = dweight + o * in;
    const float* w = weight + o * in;
    std::size_t i = 0;
    for (; i + 4 <= in; i += 4) {
      store4(dw + i, load4(dw + i) + dv * load4(x + i));
      if (dx) store4(dx + i, load4(dx + i) + dv * load4(w + i));
    }
    for (; i < in; ++i) {
      dw[i] += d * x[i];
      if (dx) dx[i] += d * w[i];
    }
  }
}

}  // namespace convscope::kernels
