// Shared by the libFuzzer targets: run a model that loaded on an input derived from the fuzz
// bytes, so that layer and kernel code meets the odd shapes the fuzzer invents.
//
// The limits here are the harness's, not the engine's: a larger model is loaded and checked
// but not run, so that one input costs well under a millisecond and the fuzzer keeps its speed.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "layers/conv2d.hpp"
#include "layers/pool2d.hpp"
#include "model/sequential.hpp"

namespace convscope::fuzz {

constexpr double kMaxRunValues = 1 << 14;      // activations of one sample, all layers
constexpr double kMaxRunMacs = 1 << 16;        // multiply-adds of one sample's forward pass
constexpr double kMaxReferenceMacs = 1 << 12;  // the same for the (slow) reference kernels too
constexpr std::size_t kBatch = 2;              // two samples, so per-sample offsets are exercised

// Multiply-adds and activation values of one sample's forward pass, estimated in double so
// that nothing overflows (the engine has checked every count already).
inline void forward_cost(const Sequential& model, double* macs, double* values) {
  *macs = 0;
  *values = 0;
  double in = 1;
  for (std::size_t d : model.input_dims()) in *= static_cast<double>(d);
  for (std::size_t i = 0; i < model.size(); ++i) {
    double out = 1;
    for (std::size_t d : model.output_dims(i)) out *= static_cast<double>(d);
    const Layer& layer = model.layer(i);
    double per_output = 1;
    if (const auto* conv = dynamic_cast<const Conv2d*>(&layer)) {
      const auto& g = conv->geometry();
      per_output = static_cast<double>(g.ic) * static_cast<double>(g.win.kh * g.win.kw);
      *values += static_cast<double>(g.ic) * static_cast<double>(g.win.kh * g.win.kw) *
                 static_cast<double>(g.oh * g.ow);  // im2col scratch
    } else if (const auto* pool = dynamic_cast<const Pool2d*>(&layer)) {
      per_output = static_cast<double>(pool->geometry().win.kh * pool->geometry().win.kw);
    } else if (layer.type() == "dense") {
      per_output = in;
    }
    *macs += out * per_output;
    *values += out;
    in = out;
  }
}

// x[i] in [-4, 4), from the fuzz bytes; never NaN (forward refuses NaN input by design).
inline std::vector<float> input_from(const std::uint8_t* data, std::size_t size, std::size_t n) {
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t b = size ? data[(i * 131) % size] : 0;
    x[i] = (static_cast<float>(b) - 128.0f) / 32.0f;
  }
  return x;
}

// Forward then backward from dL/dy = 1 with the fast kernels and, for a small model, with the
// reference kernels too. Errors the engine throws (convscope::Error) are the caller's to catch.
inline void run_model(Sequential& model, const std::uint8_t* data, std::size_t size) {
  double macs = 0, values = 0;
  forward_cost(model, &macs, &values);
  if (macs > kMaxRunMacs || values > kMaxRunValues) return;
  const std::vector<float> x = input_from(data, size, kBatch * model.input_size());
  for (Kernels kernels : {Kernels::fast, Kernels::reference}) {
    if (kernels == Kernels::reference && macs > kMaxReferenceMacs) break;
    const Tensor& y = model.forward(x.data(), x.size(), kBatch, kernels);
    Tensor grad = Tensor::from_shape(y.shape());
    grad.fill(1.0f);
    model.zero_grad();
    model.backward(grad, model.size() - 1, kernels);
  }
}

}  // namespace convscope::fuzz
