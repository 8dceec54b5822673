// Fast finiteness scan (every model input is checked before it runs): x − x is +0 for a finite x
// and NaN for NaN or ±infinity, so running sums of it stay exactly 0 while every value is finite:
// a vector subtract and add per 4 values, no branch per value. Only a sum that is not 0 sends
// the array to the plain scan, which finds the index. (The plain loop, compiled for size, called
// isfinite once per value, a call V8 11 in Node 20 does not inline: a fifth of the time of the
// MNIST CNN's first conv stage at batch 64.)
#include "kernels/kernels.hpp"
#include "kernels/simd.hpp"

namespace convscope::kernels {

std::size_t first_nonfinite_f32_vec4(std::size_t n, const float* x) {
  f32x4 s0 = splat4(0.0f), s1 = s0;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const f32x4 a = load4(x + i), b = load4(x + i + 4);
    s0 += a - a;
    s1 += b - b;
  }
  float tail = 0.0f;
  for (; i < n; ++i) tail += x[i] - x[i];
  const f32x4 s = s0 + s1;
  const bool finite = s[0] == 0.0f && s[1] == 0.0f && s[2] == 0.0f && s[3] == 0.0f && tail == 0.0f;
  return finite ? n : first_nonfinite_f32_scalar(n, x);
}

}  // namespace convscope::kernels
