// Helpers shared by the native tests: build a model from architecture JSON, set its
// parameters, compare tensors, check a model's backward pass; the lecture's worked example
// (tests/fixtures/lecture.json).
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/sequential.hpp"
#include "train/init.hpp"
#include "train/rng.hpp"

namespace convscope::testing {

using Matrix = std::vector<std::vector<float>>;

// {"input": {...}, "layers": [...]} from a layers JSON array and an input [C,H,W].
inline Sequential make_model(const std::string& layers_json, std::size_t c, std::size_t h,
                             std::size_t w) {
  const std::string arch = R"({"input": {"channels": )" + std::to_string(c) + R"(, "height": )" +
                           std::to_string(h) + R"(, "width": )" + std::to_string(w) +
                           R"(}, "layers": )" + layers_json + "}";
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

// L = Σ_i r_i · y_i over the last output: dL/dy = r.
inline double projected_loss(Sequential& m, const std::vector<float>& x, std::size_t n,
                             const std::vector<float>& r) {
  const Tensor& y = m.forward(x.data(), x.size(), n, Kernels::reference);
  double loss = 0;
  for (std::size_t i = 0; i < y.size(); ++i) loss += static_cast<double>(r[i]) * y.data()[i];
  return loss;
}

// The model's backward pass, on 2 random inputs and random (non-zero) weights and biases: every
// parameter's gradient against central finite differences (loss in double), and the fast
// kernels' gradients against the reference ones. Every layer after the first parametrised one
// is checked too, since its dL/dx feeds that layer's gradient. `what` names the net in failures.
inline void expect_gradients_match(Sequential& m, const std::string& what) {
  initialize(m, 42);
  Rng rng(7);
  for (Param& p : m.params())  // non-zero biases too
    if (p.shape.size() == 1)
      for (float& b : *p.value) b = rng.uniform(-0.5f, 0.5f);
  const std::size_t n = 2;
  std::vector<float> x(n * m.input_size()), r(n * m.output_size());
  for (float& v : x) v = rng.uniform(-1, 1);
  for (float& v : r) v = rng.uniform(-1, 1);

  std::vector<std::vector<float>> analytic[2];  // reference, fast
  for (int k = 0; k < 2; ++k) {
    const Kernels kernels = k == 0 ? Kernels::reference : Kernels::fast;
    const Tensor& y = m.forward(x.data(), x.size(), n, kernels);
    Tensor grad = Tensor::from_shape(y.shape());
    std::copy(r.begin(), r.end(), grad.data());
    m.zero_grad();
    m.backward(grad, m.size() - 1, kernels);
    for (const Param& p : m.params()) analytic[k].emplace_back(p.grad->begin(), p.grad->end());
  }

  const float eps = 1e-3f;
  const auto params = m.params();
  for (std::size_t i = 0; i < params.size(); ++i) {
    float* w = params[i].value->data();
    for (std::size_t j = 0; j < params[i].value->size(); ++j) {
      EXPECT_NEAR(analytic[1][i][j], analytic[0][i][j], 1e-4 * (1 + std::fabs(analytic[0][i][j])))
          << what << " fast vs reference " << params[i].name << "[" << j << "]";
      const float saved = w[j];
      w[j] = saved + eps;
      m.weights_changed();  // written through params kept from before
      const double up = projected_loss(m, x, n, r);
      w[j] = saved - eps;
      m.weights_changed();
      const double down = projected_loss(m, x, n, r);
      w[j] = saved;
      m.weights_changed();
      const double numeric = (up - down) / (2.0 * eps);
      EXPECT_NEAR(analytic[0][i][j], numeric, 2e-3 + 1e-2 * std::fabs(numeric))
          << what << " " << params[i].name << "[" << j << "]";
    }
  }
}

}  // namespace convscope::testing
