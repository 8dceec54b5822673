// Native microbenchmarks (Google Benchmark) of every forward kernel, fast (*_vec4) against
// reference (*_scalar), at the shapes of the shipped MNIST CNN, and whole-model forward passes
// of the shipped CNN and DNN. Built as build/convscope-bench; `npm run bench` runs it first.
// Counters: GFLOPS (2 per multiply-add; the rate, in FLOP/s) and items/s (images or calls).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernels.hpp"
#include "model/model_io.hpp"

namespace {

using namespace convscope;
using namespace convscope::kernels;

std::vector<float> random_floats(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = u(rng);
  return v;
}

void set_flops(benchmark::State& state, double flops_per_iteration) {
  state.counters["GFLOPS"] = benchmark::Counter(flops_per_iteration,
                                                benchmark::Counter::kIsIterationInvariantRate);
}

// ---- conv2d at the shipped CNN's three layers (3×3, stride 1, padding 1) ----
struct ConvShape {
  const char* name;
  std::size_t ic, h, w, oc;
};
constexpr ConvShape kConvs[] = {
    {"conv1/1x28x28->8", 1, 28, 28, 8},
    {"conv2/8x14x14->16", 8, 14, 14, 16},
    {"conv3/16x7x7->16", 16, 7, 7, 16},
};

Conv2dGeometry conv_geometry(const ConvShape& s) {
  Conv2dGeometry g{};
  g.ic = s.ic;
  g.h = s.h;
  g.w = s.w;
  g.oc = s.oc;
  g.win.kh = g.win.kw = 3;
  g.win.sh = g.win.sw = 1;
  g.win.pad_top = g.win.pad_left = g.win.pad_bottom = g.win.pad_right = 1;
  g.oh = s.h;
  g.ow = s.w;
  return g;
}

double conv_flops(const Conv2dGeometry& g) {
  return 2.0 * g.oc * g.oh * g.ow * g.ic * g.win.kh * g.win.kw;
}

void BM_Conv2d(benchmark::State& state, ConvShape s, bool fast) {
  const Conv2dGeometry g = conv_geometry(s);
  const auto in = random_floats(g.ic * g.h * g.w, 1);
  const auto weight = random_floats(g.oc * g.ic * 9, 2);
  const auto bias = random_floats(g.oc, 3);
  std::vector<float> out(g.oc * g.oh * g.ow), scratch(conv2d_scratch_floats(g));
  for (auto _ : state) {
    if (fast) conv2d_f32_vec4(g, in.data(), weight.data(), bias.data(), out.data(), scratch.data());
    else conv2d_f32_scalar(g, in.data(), weight.data(), bias.data(), out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_flops(state, conv_flops(g));
}

// ---- the same convs on a batch of 64, conv + bias + ReLU fused (what predictBatch runs) ----
void BM_Conv2dBatch(benchmark::State& state, ConvShape s, bool fast) {
  const Conv2dGeometry g = conv_geometry(s);
  constexpr std::size_t n = 64;
  const auto in = random_floats(n * g.ic * g.h * g.w, 1);
  const auto weight = random_floats(g.oc * g.ic * 9, 2);
  const auto bias = random_floats(g.oc, 3);
  std::vector<float> out(n * g.oc * g.oh * g.ow), scratch(conv2d_batch_scratch_floats(g, n));
  for (auto _ : state) {
    if (fast)
      conv2d_batch_f32_vec4(g, n, in.data(), weight.data(), bias.data(), true, out.data(),
                            scratch.data());
    else conv2d_batch_f32_scalar(g, n, in.data(), weight.data(), bias.data(), true, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_flops(state, n * conv_flops(g));
}

// ---- conv + bias + ReLU + 2×2 max pool fused on a batch of 64 (what predictBatch runs for
// conv1 and conv2): the one-channel tile for conv1, Winograd F(2×2, 3×3) for conv2 ----
void BM_Conv2dReluPoolBatch(benchmark::State& state, ConvShape s, bool fast) {
  const Conv2dGeometry g = conv_geometry(s);
  constexpr std::size_t n = 64;
  const auto in = random_floats(n * g.ic * g.h * g.w, 1);
  const auto weight = random_floats(g.oc * g.ic * 9, 2);
  const auto bias = random_floats(g.oc, 3);
  std::vector<float> out(n * g.oc * (g.oh / 2) * (g.ow / 2)), scratch(conv2d_batch_scratch_floats(g, n));
  for (auto _ : state) {
    if (fast)
      conv2d_relu_maxpool2x2_batch_f32_vec4(g, n, in.data(), weight.data(), bias.data(), out.data(),
                                            scratch.data());
    else
      conv2d_relu_maxpool2x2_batch_f32_scalar(g, n, in.data(), weight.data(), bias.data(), out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_flops(state, n * conv_flops(g));  // the conv's multiply-adds (direct count), not the pool's
}

// ---- gemm at the im2col shapes of those convs: [OC, IC·9] · [IC·9, OH·OW] ----
void BM_Gemm(benchmark::State& state, ConvShape s, bool fast) {
  const std::size_t m = s.oc, n = s.h * s.w, k = s.ic * 9;
  const auto a = random_floats(m * k, 4), b = random_floats(k * n, 5);
  std::vector<float> c(m * n, 0.0f);
  for (auto _ : state) {
    if (fast) gemm_f32_vec4(m, n, k, a.data(), k, b.data(), n, c.data(), n);
    else gemm_f32_scalar(m, n, k, a.data(), k, b.data(), n, c.data(), n);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_flops(state, 2.0 * m * n * k);
}

// ---- 2×2 max pool, stride 2, at pool1 and pool2 ----
void BM_MaxPool(benchmark::State& state, std::size_t c, std::size_t hw, bool fast) {
  Pool2dGeometry g{};
  g.c = c;
  g.h = g.w = hw;
  g.oh = g.ow = hw / 2;
  g.win.kh = g.win.kw = g.win.sh = g.win.sw = 2;
  const auto in = random_floats(c * hw * hw, 6);
  std::vector<float> out(c * g.oh * g.ow);
  for (auto _ : state) {
    if (fast) pool2d_f32_vec4(PoolKind::max, g, in.data(), out.data());
    else pool2d_f32_scalar(PoolKind::max, g, in.data(), out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * in.size() * sizeof(float)));
}

// ---- dense at fc1 (784→16), fc2 (16→10) of the CNN and fc1 (784→30) of the DNN ----
void BM_Dense(benchmark::State& state, std::size_t in_features, std::size_t out_features, bool fast) {
  const auto x = random_floats(in_features, 7), w = random_floats(in_features * out_features, 8),
             b = random_floats(out_features, 9);
  std::vector<float> y(out_features);
  for (auto _ : state) {
    if (fast) dense_f32_vec4(in_features, out_features, x.data(), w.data(), b.data(), y.data());
    else dense_f32_scalar(in_features, out_features, x.data(), w.data(), b.data(), y.data());
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  set_flops(state, 2.0 * in_features * out_features);
}

void BM_DenseBatch(benchmark::State& state, std::size_t in_features, std::size_t out_features,
                   bool fast) {
  constexpr std::size_t n = 64;
  const auto x = random_floats(n * in_features, 7), w = random_floats(in_features * out_features, 8),
             b = random_floats(out_features, 9);
  std::vector<float> y(n * out_features);
  for (auto _ : state) {
    if (fast)
      dense_batch_f32_vec4(n, in_features, out_features, x.data(), w.data(), b.data(), true, y.data());
    else
      dense_batch_f32_scalar(n, in_features, out_features, x.data(), w.data(), b.data(), true, y.data());
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  set_flops(state, 2.0 * n * in_features * out_features);
}

// ---- whole model: the shipped file, N random images per call ----
Sequential load_shipped(const std::string& file) {
  std::ifstream f(std::string(CONVSCOPE_MODELS_DIR) + "/" + file, std::ios::binary);
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(f)),
                                        std::istreambuf_iterator<char>());
  if (bytes.empty()) throw std::runtime_error("cannot read " + file);
  return load_model(bytes.data(), bytes.size());
}

void BM_Model(benchmark::State& state, const char* file, bool fast) {
  Sequential model = load_shipped(file);
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  std::vector<float> x = random_floats(n * model.input_size(), 10);
  for (auto& v : x) v = v * 0.5f + 0.5f;  // pixels in [0, 1]
  const Kernels k = fast ? Kernels::fast : Kernels::reference;
  for (auto _ : state) {
    const Tensor& y = model.forward(x.data(), x.size(), n, k);
    benchmark::DoNotOptimize(y.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

void register_all() {
  for (const ConvShape& s : kConvs) {
    benchmark::RegisterBenchmark((std::string("conv2d_fast/") + s.name).c_str(), BM_Conv2d, s, true);
    benchmark::RegisterBenchmark((std::string("conv2d_reference/") + s.name).c_str(), BM_Conv2d, s,
                                 false);
  }
  for (const ConvShape& s : kConvs) {
    benchmark::RegisterBenchmark((std::string("conv2d_relu_batch64_fast/") + s.name).c_str(),
                                 BM_Conv2dBatch, s, true);
    benchmark::RegisterBenchmark((std::string("conv2d_relu_batch64_reference/") + s.name).c_str(),
                                 BM_Conv2dBatch, s, false);
  }
  for (const ConvShape& s : {kConvs[0], kConvs[1]}) {
    benchmark::RegisterBenchmark((std::string("conv2d_relu_maxpool_batch64_fast/") + s.name).c_str(),
                                 BM_Conv2dReluPoolBatch, s, true);
    benchmark::RegisterBenchmark(
        (std::string("conv2d_relu_maxpool_batch64_reference/") + s.name).c_str(), BM_Conv2dReluPoolBatch,
        s, false);
  }
  for (const ConvShape& s : kConvs) {
    const std::string shape = std::to_string(s.oc) + "x" + std::to_string(s.ic * 9) + "x" +
                              std::to_string(s.h * s.w);
    benchmark::RegisterBenchmark(("gemm_fast/" + shape).c_str(), BM_Gemm, s, true);
    benchmark::RegisterBenchmark(("gemm_reference/" + shape).c_str(), BM_Gemm, s, false);
  }
  benchmark::RegisterBenchmark("maxpool_fast/8x28x28", BM_MaxPool, 8, 28, true);
  benchmark::RegisterBenchmark("maxpool_reference/8x28x28", BM_MaxPool, 8, 28, false);
  benchmark::RegisterBenchmark("maxpool_fast/16x14x14", BM_MaxPool, 16, 14, true);
  benchmark::RegisterBenchmark("maxpool_reference/16x14x14", BM_MaxPool, 16, 14, false);
  benchmark::RegisterBenchmark("dense_fast/784->16", BM_Dense, 784, 16, true);
  benchmark::RegisterBenchmark("dense_reference/784->16", BM_Dense, 784, 16, false);
  benchmark::RegisterBenchmark("dense_fast/16->10", BM_Dense, 16, 10, true);
  benchmark::RegisterBenchmark("dense_reference/16->10", BM_Dense, 16, 10, false);
  benchmark::RegisterBenchmark("dense_fast/784->30", BM_Dense, 784, 30, true);
  benchmark::RegisterBenchmark("dense_reference/784->30", BM_Dense, 784, 30, false);
  benchmark::RegisterBenchmark("dense_relu_batch64_fast/784->16", BM_DenseBatch, 784, 16, true);
  benchmark::RegisterBenchmark("dense_relu_batch64_reference/784->16", BM_DenseBatch, 784, 16, false);
  for (const char* file : {"mnist-cnn.safetensors", "mnist-dnn.safetensors"}) {
    const std::string name = std::string(file).substr(0, std::string(file).find('.'));
    benchmark::RegisterBenchmark(("model_fast/" + name).c_str(), BM_Model, file, true)->Arg(1)->Arg(64);
    benchmark::RegisterBenchmark(("model_reference/" + name).c_str(), BM_Model, file, false)
        ->Arg(1)
        ->Arg(64);
  }
}

[[maybe_unused]] const int registered = (register_all(), 0);

}  // namespace
