// The learning-rate schedule of every trainer (the native one and the pages'): one-cycle,
// a linear warm-up to the peak over the first quarter of the steps, then a cosine down to ~0.
#pragma once
#include <cstddef>

namespace convscope {

// The learning rate at step (0-based) of total_steps, for a peak learning rate.
float one_cycle(float peak, std::size_t step, std::size_t total_steps);

}  // namespace convscope
