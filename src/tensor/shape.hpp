// Shapes and window arithmetic shared by the layers.
// Dims is one sample's shape: {C,H,W} for images, {F} for vectors (the batch N is outside).
#pragma once
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "error.hpp"

namespace convscope {

using Dims = std::vector<std::size_t>;

// "[8,1,3,3]" — how shapes appear in error messages and in traces.
inline std::string to_string(const Dims& dims) {
  std::string s = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? "," : "") + std::to_string(dims[i]);
  return s + "]";
}

// Product of dims, refusing overflow (sizes come from files).
inline std::size_t checked_count(const Dims& dims, const std::string& what) {
  std::size_t n = 1;
  for (std::size_t d : dims) {
    if (d != 0 && n > std::numeric_limits<std::size_t>::max() / d)
      throw Error(what + ": shape " + to_string(dims) + " has too many elements");
    n *= d;
  }
  return n;
}

// Most values one sample may hold in any one tensor (256 MB of floats): sizes come from files,
// and a bad file must be refused, not allocated.
constexpr std::size_t kMaxValues = std::size_t{1} << 26;

// checked_count, also refusing more than kMaxValues.
inline std::size_t bounded_count(const Dims& dims, const std::string& what) {
  const std::size_t n = checked_count(dims, what);
  if (n > kMaxValues)
    throw Error(what + ": " + to_string(dims) + " is too large (" + std::to_string(n) +
                " values, at most " + std::to_string(kMaxValues) + ")");
  return n;
}

// A 2-D sliding window: kernel, stride and zero padding (before/after may differ for "same").
struct Window {
  std::size_t kh = 1, kw = 1;
  std::size_t sh = 1, sw = 1;
  std::size_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
};

// Output length along one axis: OH = (H + P_before + P_after - K)/S + 1. Throws if the
// window does not fit even once.
inline std::size_t out_size(std::size_t n, std::size_t k, std::size_t s, std::size_t p_before,
                            std::size_t p_after, const std::string& what) {
  if (k == 0 || s == 0) throw Error(what + ": kernel and stride must be at least 1");
  const std::size_t padded = n + p_before + p_after;
  if (k > padded)
    throw Error(what + ": kernel " + std::to_string(k) + " is larger than its input " +
                std::to_string(n) + (p_before + p_after ? " + padding" : ""));
  return (padded - k) / s + 1;
}

}  // namespace convscope
