// Reference fully connected layer: one dot product per output.
#include "kernels/kernels.hpp"

namespace convscope::kernels {

void dense_f32_scalar(std::size_t in, std::size_t out, const float* x, const float* weight,
                      const float* bias, float* y) {
  for (std::size_t o = 0; o < out; ++o) {
    float sum = bias[o];
    for (std::size_t i = 0; i < in; ++i) sum += weight[o * in + i] * x[i];
    y[o] = sum;
  }
}

void dense_batch_f32_scalar(std::size_t n, std::size_t in, std::size_t out, const float* x,
                            const float* weight, const float* bias, bool relu, float* y) {
  for (std::size_t s = 0; s < n; ++s) {
    float* ys = y + s * out;
    dense_f32_scalar(in, out, x + s * in, weight, bias, ys);
    if (relu)
      for (std::size_t o = 0; o < out; ++o) ys[o] = ys[o] > 0.0f ? ys[o] : 0.0f;
  }
}

void dense_backward_f32_scalar(std::size_t in, std::size_t out, const float* x, const float* weight,
                               const float* dy, float* dx, float* dweight, float* dbias) {
  for (std::size_t o = 0; o < out; ++o) {
    dbias[o] += dy[o];
    for (std::size_t i = 0; i < in; ++i) dweight[o * in + i] += dy[o] * x[i];
  }
  if (!dx) return;
  for (std::size_t i = 0; i < in; ++i) {
    float sum = 0;
    for (std::size_t o = 0; o < out; ++o) sum += weight[o * in + i] * dy[o];
    dx[i] = sum;
  }
}

}  // namespace convscope::kernels
