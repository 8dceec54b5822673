// Fast ReLU and its backward: four lanes at a time, a select on x > 0, then the tail.
#include "kernels/kernels.hpp"
#include "kernels/simd.hpp"

namespace convscope::kernels {

void relu_f32_vec4(std::size_t n, const float* x, float* y) {
  const f32x4 zero = splat4(0.0f);
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) store4(y + i, max4(load4(x + i), zero));
  for (; i < n; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void relu_backward_f32_vec4(std::size_t n, const float* x, const float* dy, float* dx) {
  const f32x4 zero = splat4(0.0f);
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) store4(dx + i, load4(x + i) > zero ? load4(dy + i) : zero);
  for (; i < n; ++i) dx[i] = x[i] > 0.0f ? dy[i] : 0.0f;
}

}  // namespace convscope::kernels
