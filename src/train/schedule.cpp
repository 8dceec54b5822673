#include "train/schedule.hpp"

#include <cmath>

namespace convscope {

// Starts at 4% of the peak (a first step at 0 would be wasted) and ends at 0.2% of it.
float one_cycle(float peak, std::size_t step, std::size_t total_steps) {
  const float t = total_steps ? static_cast<float>(step) / static_cast<float>(total_steps) : 0.0f;
  if (t < 0.25f) return peak * (0.04f + 0.96f * t / 0.25f);
  const float u = (t - 0.25f) / 0.75f;
  return peak * (0.002f + 0.998f * 0.5f * (1.0f + std::cos(3.14159265f * u)));
}

}  // namespace convscope
