// Reading a layer's hyperparameters from its architecture JSON object, with errors that name
// the layer, the key, what was expected and what came.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "error.hpp"
#include "tensor/shape.hpp"

namespace convscope::hyper {

using Json = nlohmann::json;
using Pair = std::pair<std::size_t, std::size_t>;  // (height, width)

constexpr std::size_t kMaxHyper = 1 << 16;  // larger kernels, strides or sizes are surely errors

inline std::size_t to_size(const Json& v, const std::string& where, std::size_t min) {
  if (!v.is_number_integer()) throw Error(where + ": expected an integer, got " + v.dump());
  // Read as unsigned when it is one: get<long long> would show 2^64 - 1 as -1.
  const bool in_range = v.is_number_unsigned()
                            ? v.get<std::uint64_t>() >= min && v.get<std::uint64_t>() <= kMaxHyper
                            : v.get<std::int64_t>() >= static_cast<std::int64_t>(min) &&
                                  v.get<std::int64_t>() <= static_cast<std::int64_t>(kMaxHyper);
  if (!in_range)
    throw Error(where + ": " + v.dump() + " is out of range (" + std::to_string(min) + ".." +
                std::to_string(kMaxHyper) + ")");
  return static_cast<std::size_t>(v.get<std::uint64_t>());
}

inline const Json& require(const Json& spec, const std::string& layer, const char* key) {
  if (!spec.contains(key)) throw Error(layer + ": missing \"" + key + "\"");
  return spec.at(key);
}

// An integer >= min.
inline std::size_t get_size(const Json& spec, const std::string& layer, const char* key,
                            std::size_t min) {
  return to_size(require(spec, layer, key), layer + "." + key, min);
}

// An integer n (meaning n×n) or [h, w], each >= min.
inline Pair pair_from(const Json& v, const std::string& where, std::size_t min) {
  if (v.is_array()) {
    if (v.size() != 2) throw Error(where + ": expected [h, w], got " + v.dump());
    return {to_size(v[0], where, min), to_size(v[1], where, min)};
  }
  const std::size_t n = to_size(v, where, min);
  return {n, n};
}

inline Pair get_pair(const Json& spec, const std::string& layer, const char* key, std::size_t min) {
  return pair_from(require(spec, layer, key), layer + "." + key, min);
}

// Padding as written: explicit (h, w), or "same" / "valid" resolved once the input is known.
struct Padding {
  enum class Mode { explicit_, same, valid } mode = Mode::explicit_;
  Pair size{0, 0};
};

inline Padding get_padding(const Json& spec, const std::string& layer) {
  if (!spec.contains("padding")) return {};
  const Json& v = spec.at("padding");
  if (v.is_string()) {
    if (v == "same") return {Padding::Mode::same, {0, 0}};
    if (v == "valid") return {Padding::Mode::valid, {0, 0}};
    throw Error(layer + ".padding: expected an integer, [h, w], \"same\" or \"valid\", got " + v.dump());
  }
  return {Padding::Mode::explicit_, pair_from(v, layer + ".padding", 0)};
}

// Fills win's padding for an input of n_h × n_w. "same" keeps OH = ceil(H/S) (TensorFlow's rule;
// for stride 1, PyTorch's): total padding max((OH-1)·S + K - H, 0), the odd pixel after.
inline void resolve_padding(const Padding& p, std::size_t n_h, std::size_t n_w, Window& win) {
  if (p.mode == Padding::Mode::explicit_) {
    win.pad_top = win.pad_bottom = p.size.first;
    win.pad_left = win.pad_right = p.size.second;
    return;
  }
  win.pad_top = win.pad_bottom = win.pad_left = win.pad_right = 0;
  if (p.mode == Padding::Mode::valid) return;
  auto total = [](std::size_t n, std::size_t k, std::size_t s) {
    const std::size_t out = (n + s - 1) / s;
    const std::size_t need = (out - 1) * s + k;
    return need > n ? need - n : 0;
  };
  const std::size_t th = total(n_h, win.kh, win.sh), tw = total(n_w, win.kw, win.sw);
  win.pad_top = th / 2;
  win.pad_bottom = th - th / 2;
  win.pad_left = tw / 2;
  win.pad_right = tw - tw / 2;
}

}  // namespace convscope::hyper
