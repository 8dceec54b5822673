// Initial weights: He (normal, std √(2/fan_in)) for layers followed by ReLU, Glorot (uniform,
// ±√(6/(fan_in+fan_out))) otherwise; biases zero. Deterministic for a seed.
#pragma once
#include <cstdint>

#include "model/sequential.hpp"

namespace convscope {

void initialize(Sequential& model, std::uint32_t seed);

}  // namespace convscope
