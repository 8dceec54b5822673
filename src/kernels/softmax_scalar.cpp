// Stable softmax: subtracting the maximum keeps every exponent <= 0, so nothing overflows.
#include <algorithm>
#include <cmath>

#include "kernels/kernels.hpp"

namespace convscope::kernels {

void softmax_f32_scalar(std::size_t n, const float* x, float* y) {
  const float top = *std::max_element(x, x + n);
  float sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += y[i] = std::exp(x[i] - top);
  for (std::size_t i = 0; i < n; ++i) y[i] /= sum;
}

}  // namespace convscope::kernels
