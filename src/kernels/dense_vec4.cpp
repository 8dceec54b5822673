// Fast fully connected layer on a batch: blocks of S samples × O outputs, one vector
// accumulator each (lanes over i), so every weight and input vector loaded serves several
// multiply-adds. Each output is summed in the same order in every block shape: lanes over i in
// steps of 4, then the four lanes, then the scalar tail, then the bias.
#include "kernels/kernels.hpp"
#include "kernels/simd.hpp"

namespace convscope::kernels {
namespace {

// x: S samples (stride in); w: O weight rows (stride in); y: S rows (stride out), at [s0][o0].
template <int S, int O>
void dense_block(std::size_t in, std::size_t out, const float* x, const float* w, const float* bias,
                 bool relu, float* y) {
  f32x4 acc[S][O];
  for (int s = 0; s < S; ++s)
    for (int o = 0; o < O; ++o) acc[s][o] = splat4(0.0f);
  std::size_t i = 0;
  for (; i + 4 <= in; i += 4) {
    f32x4 wv[O];
    for (int o = 0; o < O; ++o) wv[o] = load4(w + o * in + i);
    for (int s = 0; s < S; ++s) {
      const f32x4 xv = load4(x + s * in + i);
      for (int o = 0; o < O; ++o) acc[s][o] = madd4(acc[s][o], wv[o], xv);
    }
  }
  for (int s = 0; s < S; ++s)
    for (int o = 0; o < O; ++o) {
      float sum = sum4(acc[s][o]);
      for (std::size_t q = i; q < in; ++q) sum = madd1(sum, w[o * in + q], x[s * in + q]);
      const float v = bias[o] + sum;
      y[s * out + o] = relu && !(v > 0.0f) ? 0.0f : v;
    }
}

}  // namespace

void dense_batch_f32_vec4(std::size_t n, std::size_t in, std::size_t out, const float* x,
                          const float* weight, const float* bias, bool relu, float* y) {
  std::size_t s = 0;
  for (; s + 4 <= n; s += 4) {
    const float* xs = x + s * in;
    float* ys = y + s * out;
    std::size_t o = 0;
    for (; o + 2 <= out; o += 2) dense_block<4, 2>(in, out, xs, weight + o * in, bias + o, relu, ys + o);
    for (; o < out; ++o) dense_block<4, 1>(in, out, xs, weight + o * in, bias + o, relu, ys + o);
  }
  for (; s < n; ++s) {
    const float* xs = x + s * in;
    float* ys = y + s * out;
    std::size_t o = 0;
    for (; o + 4 <= out; o += 4) dense_block<1, 4>(in, out, xs, weight + o * in, bias + o, relu, ys + o);
    for (; o < out; ++o) dense_block<1, 1>(in, out, xs, weight + o * in, bias + o, relu, ys + o);
  }
}

void dense_f32_vec4(std::size_t in, std::size_t out, const float* x, const float* weight,
                    const float* bias, float* y) {
  dense_batch_f32_vec4(1, in, out, x, weight, bias, false, y);
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
