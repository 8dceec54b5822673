// Reference finiteness scan, value by value.
#include <cmath>

#include "kernels/kernels.hpp"

namespace convscope::kernels {

std::size_t first_nonfinite_f32_scalar(std::size_t n, const float* x) {
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(x[i])) return i;
  return n;
}

}  // namespace convscope::kernels
