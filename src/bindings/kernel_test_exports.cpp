// Test-only WebAssembly exports of the compute kernels, fast or reference, on plain arrays:
// tests/js/kernels.test.mjs checks every fast kernel against its *_scalar twin in each wasm build.
// Linked into build-wasm/<build>-kernels-test.mjs, never into the engine the pages load
// (web/engine/). Bad geometry or a wrong length becomes a JS Error naming it.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>
#include <emscripten/val.h>

#include <cmath>
#include <string>
#include <vector>

#include "bindings/js_values.hpp"
#include "error.hpp"
#include "kernels/kernels.hpp"

using convscope::bindings::float32_array;
using convscope::bindings::floats_from;
using convscope::bindings::guarded;
using emscripten::val;

namespace {

std::size_t get(const val& o, const char* key) {
  const val v = o[key];
  if (!v.isNumber() || v.as<double>() < 0)
    throw convscope::Error(std::string(key) + ": expected a size");
  return static_cast<std::size_t>(v.as<double>());
}

void require_length(const std::vector<float>& v, std::size_t n, const char* what) {
  if (v.size() != n)
    throw convscope::Error(std::string(what) + ": expected " + std::to_string(n) + " values, got " +
                           std::to_string(v.size()));
}

convscope::Window window_from(const val& g) {
  convscope::Window w;
  w.kh = get(g, "kh");
  w.kw = get(g, "kw");
  w.sh = get(g, "sh");
  w.sw = get(g, "sw");
  if (w.kh == 0 || w.kw == 0 || w.sh == 0 || w.sw == 0)
    throw convscope::Error("kernel and stride must be at least 1");
  return w;
}

// g: {ic, h, w, oc, kh, kw, sh, sw, pt, pl, pb, pr}
convscope::kernels::Conv2dGeometry conv_geometry_from(const val& g) {
  convscope::kernels::Conv2dGeometry c{};
  c.ic = get(g, "ic");
  c.h = get(g, "h");
  c.w = get(g, "w");
  c.oc = get(g, "oc");
  c.win = window_from(g);
  c.win.pad_top = get(g, "pt");
  c.win.pad_left = get(g, "pl");
  c.win.pad_bottom = get(g, "pb");
  c.win.pad_right = get(g, "pr");
  c.oh = convscope::out_size(c.h, c.win.kh, c.win.sh, c.win.pad_top, c.win.pad_bottom, "conv2d");
  c.ow = convscope::out_size(c.w, c.win.kw, c.win.sw, c.win.pad_left, c.win.pad_right, "conv2d");
  return c;
}

// A convolution's operands from JS arrays, each checked against the geometry (n samples).
struct ConvOperands {
  std::vector<float> x, w, b;
};

ConvOperands conv_operands(const convscope::kernels::Conv2dGeometry& c, std::size_t n, const val& in,
                           const val& weight, const val& bias) {
  ConvOperands o{floats_from(in, "in"), floats_from(weight, "weight"), floats_from(bias, "bias")};
  require_length(o.x, n * c.ic * c.h * c.w, "in");
  require_length(o.w, c.oc * c.ic * c.win.kh * c.win.kw, "weight");
  require_length(o.b, c.oc, "bias");
  return o;
}

val kernel_conv2d(bool fast, const val& g, const val& in, const val& weight, const val& bias) {
  return guarded([&] {
    const convscope::kernels::Conv2dGeometry c = conv_geometry_from(g);
    const auto [x, w, b] = conv_operands(c, 1, in, weight, bias);
    std::vector<float> out(c.oc * c.oh * c.ow), scratch(convscope::kernels::conv2d_scratch_floats(c));
    if (fast)
      convscope::kernels::conv2d_f32_vec4(c, x.data(), w.data(), b.data(), out.data(), scratch.data());
    else convscope::kernels::conv2d_f32_scalar(c, x.data(), w.data(), b.data(), out.data());
    return float32_array(out.data(), out.size());
  });
}

// n samples [N,IC,H,W] -> [N,OC,OH,OW]; relu: conv + bias + ReLU fused.
val kernel_conv2d_batch(bool fast, const val& g, int n, bool relu, const val& in, const val& weight,
                        const val& bias) {
  return guarded([&] {
    if (n < 1) throw convscope::Error("conv2d batch: n must be at least 1");
    const convscope::kernels::Conv2dGeometry c = conv_geometry_from(g);
    const std::size_t ns = n;
    const auto [x, w, b] = conv_operands(c, ns, in, weight, bias);
    std::vector<float> out(ns * c.oc * c.oh * c.ow, NAN);
    if (fast) {
      std::vector<float> scratch(convscope::kernels::conv2d_batch_scratch_floats(c, ns), NAN);
      convscope::kernels::conv2d_batch_f32_vec4(c, ns, x.data(), w.data(), b.data(), relu, out.data(),
                                                scratch.data());
    } else {
      convscope::kernels::conv2d_batch_f32_scalar(c, ns, x.data(), w.data(), b.data(), relu, out.data());
    }
    return float32_array(out.data(), out.size());
  });
}

// n samples [N,IC,H,W] -> [N,OC,OH/2,OW/2]: conv + bias + ReLU + 2×2 max pool, fused.
val kernel_conv2d_relu_maxpool(bool fast, const val& g, int n, const val& in, const val& weight,
                               const val& bias) {
  return guarded([&] {
    if (n < 1) throw convscope::Error("conv2d relu maxpool: n must be at least 1");
    const convscope::kernels::Conv2dGeometry c = conv_geometry_from(g);
    if (!convscope::kernels::conv2d_fuses_maxpool2x2(c))
      throw convscope::Error("conv2d relu maxpool: needs stride 1 and a map of at least 2×2");
    const std::size_t ns = n;
    const auto [x, w, b] = conv_operands(c, ns, in, weight, bias);
    std::vector<float> out(ns * c.oc * (c.oh / 2) * (c.ow / 2), NAN);
    if (fast) {
      std::vector<float> scratch(convscope::kernels::conv2d_batch_scratch_floats(c, ns), NAN);
      convscope::kernels::conv2d_relu_maxpool2x2_batch_f32_vec4(c, ns, x.data(), w.data(), b.data(),
                                                                out.data(), scratch.data());
    } else {
      convscope::kernels::conv2d_relu_maxpool2x2_batch_f32_scalar(c, ns, x.data(), w.data(), b.data(),
                                                                  out.data());
    }
    return float32_array(out.data(), out.size());
  });
}

// g: {c, h, w, kh, kw, sh, sw}; kind "max" or "average"
val kernel_pool2d(bool fast, const std::string& kind, const val& g, const val& in) {
  return guarded([&] {
    convscope::kernels::Pool2dGeometry p{};
    p.c = get(g, "c");
    p.h = get(g, "h");
    p.w = get(g, "w");
    p.win = window_from(g);
    p.oh = convscope::out_size(p.h, p.win.kh, p.win.sh, 0, 0, "pool2d");
    p.ow = convscope::out_size(p.w, p.win.kw, p.win.sw, 0, 0, "pool2d");
    const auto x = floats_from(in, "in");
    require_length(x, p.c * p.h * p.w, "in");
    const auto k = kind == "max" ? convscope::kernels::PoolKind::max
                                 : convscope::kernels::PoolKind::average;
    std::vector<float> out(p.c * p.oh * p.ow);
    if (fast) convscope::kernels::pool2d_f32_vec4(k, p, x.data(), out.data());
    else convscope::kernels::pool2d_f32_scalar(k, p, x.data(), out.data());
    return float32_array(out.data(), out.size());
  });
}

val kernel_dense(bool fast, int in_features, int out_features, const val& in, const val& weight,
                 const val& bias) {
  return guarded([&] {
    if (in_features < 1 || out_features < 1) throw convscope::Error("dense: sizes must be at least 1");
    const std::size_t ni = in_features, no = out_features;
    const auto x = floats_from(in, "in"), w = floats_from(weight, "weight"),
               b = floats_from(bias, "bias");
    require_length(x, ni, "in");
    require_length(w, no * ni, "weight");
    require_length(b, no, "bias");
    std::vector<float> y(no);
    if (fast) convscope::kernels::dense_f32_vec4(ni, no, x.data(), w.data(), b.data(), y.data());
    else convscope::kernels::dense_f32_scalar(ni, no, x.data(), w.data(), b.data(), y.data());
    return float32_array(y.data(), y.size());
  });
}

// n samples [N,IN] -> [N,OUT]; relu: dense + bias + ReLU fused.
val kernel_dense_batch(bool fast, int n, int in_features, int out_features, bool relu, const val& in,
                       const val& weight, const val& bias) {
  return guarded([&] {
    if (n < 1 || in_features < 1 || out_features < 1)
      throw convscope::Error("dense batch: sizes must be at least 1");
    const std::size_t ns = n, ni = in_features, no = out_features;
    const auto x = floats_from(in, "in"), w = floats_from(weight, "weight"),
               b = floats_from(bias, "bias");
    require_length(x, ns * ni, "in");
    require_length(w, no * ni, "weight");
    require_length(b, no, "bias");
    std::vector<float> y(ns * no, NAN);
    if (fast)
      convscope::kernels::dense_batch_f32_vec4(ns, ni, no, x.data(), w.data(), b.data(), relu, y.data());
    else
      convscope::kernels::dense_batch_f32_scalar(ns, ni, no, x.data(), w.data(), b.data(), relu,
                                                 y.data());
    return float32_array(y.data(), y.size());
  });
}

// The index of the first NaN or ±infinity of values (its length if none).
double kernel_first_nonfinite(bool fast, const val& values) {
  return guarded([&] {
    const auto x = floats_from(values, "values");
    return static_cast<double>(fast
                                   ? convscope::kernels::first_nonfinite_f32_vec4(x.size(), x.data())
                                   : convscope::kernels::first_nonfinite_f32_scalar(x.size(), x.data()));
  });
}

// Milliseconds for reps calls of the fast batched conv2d (+ ReLU) on n samples of fixed
// pseudo-random data, timed inside wasm so that no copy to or from JS is counted: the per-layer
// rows of a kernel profile. Buffers are allocated once, outside the timed loop.
double bench_conv2d_batch(const val& g, int n, int reps) {
  return guarded([&] {
    if (n < 1 || reps < 1) throw convscope::Error("bench: n and reps must be at least 1");
    const convscope::kernels::Conv2dGeometry c = conv_geometry_from(g);
    const std::size_t ns = n;
    std::vector<float> x(ns * c.ic * c.h * c.w), w(c.oc * c.ic * c.win.kh * c.win.kw), b(c.oc);
    float v = 0.25f;
    for (auto* a : {&x, &w, &b})
      for (float& f : *a) f = v = v * 3.7f - static_cast<float>(static_cast<int>(v * 3.7f)) - 0.5f;
    std::vector<float> out(ns * c.oc * c.oh * c.ow),
        scratch(convscope::kernels::conv2d_batch_scratch_floats(c, ns));
    const double t0 = emscripten_get_now();
    for (int r = 0; r < reps; ++r)
      convscope::kernels::conv2d_batch_f32_vec4(c, ns, x.data(), w.data(), b.data(), true, out.data(),
                                                scratch.data());
    return emscripten_get_now() - t0;
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(convscope_kernels_test) {
  using emscripten::function;
  function("kernelConv2d", &kernel_conv2d);
  function("kernelPool2d", &kernel_pool2d);
  function("kernelDense", &kernel_dense);
  function("kernelConv2dBatch", &kernel_conv2d_batch);
  function("kernelDenseBatch", &kernel_dense_batch);
  function("kernelConv2dReluMaxpool", &kernel_conv2d_relu_maxpool);
  function("kernelFirstNonfinite", &kernel_first_nonfinite);
  function("benchConv2dBatch", &bench_conv2d_batch);
}
