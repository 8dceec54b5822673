// Helpers shared by the native tests: build a model from architecture JSON, set its
// parameters, compare tensors; the lecture's worked example (tests/fixtures/lecture.json).
#pragma once
#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/sequential.hpp"

namespace convscope::testing {

using Matrix = std::vector<std::vector<float>>;

// {"input": {...}, "layers": [...]} from a layers JSON array and an input [C,H,W].
inline Sequential make_model(const std::string& layers_json, std::size_t c, std::size_t h,
                             std::size_t w) {
  const std::string arch = R"({"input": {"channels": )" + std::to_string(c) +
                           R"(, "height": )" + std::to_string(h) + R"(, "width": )" +
                           std::to_string(w) + R"(}, "layers": )" + layers_json + "}";
  return Sequential(parse_architecture(arch));
}

inline void set_param(Sequential& model, const std::string& name, const std::vector<float>& v) {
  for (Param& p : model.params())
    if (p.name == name) {
      ASSERT_EQ(p.value->size(), v.size()) << name;
      std::copy(v.begin(), v.end(), p.value->data());
      return;
    }
  FAIL() << "no parameter " << name;
}

inline std::vector<float> flat(const Matrix& m) {
  std::vector<float> v;
  for (const auto& row : m) v.insert(v.end(), row.begin(), row.end());
  return v;
}

// Sample 0, channel `channel` of layer i's output as rows.
// The lecture's O, X (6x6, black 1), 3x3 filter and bias, read from tests/fixtures/lecture.json:
// the one copy the native, Node and browser tests share.
struct Lecture {
  Matrix o, x;
  std::vector<float> filter;  // row-major 3x3
  float bias;
};
inline const Lecture& lecture() {
  static const Lecture loaded = [] {
    const std::string path = std::string(CONVSCOPE_MODELS_DIR) + "/../../tests/fixtures/lecture.json";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    const auto j = nlohmann::json::parse(in);
    return Lecture{j.at("O").get<Matrix>(), j.at("X").get<Matrix>(), flat(j.at("filter").get<Matrix>()),
                   j.at("bias").get<float>()};
  }();
  return loaded;
}

inline Matrix channel_of(const Sequential& model, std::size_t i, std::size_t channel = 0) {
  const Dims& d = model.output_dims(i);
  const float* p = model.output(i).data() + channel * d[1] * d[2];
  Matrix m(d[1], std::vector<float>(d[2]));
  for (std::size_t y = 0; y < d[1]; ++y)
    for (std::size_t x = 0; x < d[2]; ++x) m[y][x] = p[y * d[2] + x];
  return m;
}

}  // namespace convscope::testing
