// A seeded random number generator that gives the same numbers in every build (native g++ and
// wasm clang/libc++): std::mt19937 is fully specified, the std distributions are not, so the
// uniform and normal draws are written here.
#pragma once
#include <cmath>
#include <cstdint>
#include <random>

namespace convscope {

class Rng {
 public:
  explicit Rng(std::uint32_t seed) : engine_(seed) {}

  // Uniform in [0, 1), 24 random bits.
  float uniform() { return static_cast<float>(engine_() >> 8) * (1.0f / 16777216.0f); }
  float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n).
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>((static_cast<std::uint64_t>(engine_()) * n) >> 32);
  }
  // Standard normal (Box–Muller).
  float normal() {
    const float u = 1.0f - uniform();  // (0, 1]: log stays finite
    return std::sqrt(-2.0f * std::log(u)) * std::cos(6.2831853f * uniform());
  }

 private:
  std::mt19937 engine_;
};

}  // namespace convscope
