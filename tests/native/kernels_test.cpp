// Fast kernels vs their reference twins on many random shapes (native build: SSE via the
// vector extensions). Outputs are prefilled with NaN so a cell the kernel forgets shows.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <sstream>

#include "kernels/conv2d_winograd_vec4.hpp"
#include "kernels/kernels.hpp"
#include "layers/conv2d.hpp"
#include "test_util.hpp"
#include "train/trainer.hpp"

namespace convscope::kernels {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

std::vector<float> random_values(std::mt19937& rng, std::size_t n) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

std::size_t pick(std::mt19937& rng, std::size_t lo, std::size_t hi) {
  return std::uniform_int_distribution<std::size_t>(lo, hi)(rng);
}

// The transformed weights made once (as the layer keeps them) give the same bits as made per
// call; packed gets conv2d_pack_f32_vec4's output (empty where the kernel reads the weights as
// they are, i.e. where Winograd does not fit).
void ExpectPackedOnceMatchesPerCall(const Conv2dGeometry& g, std::size_t n, const std::vector<float>& in,
                                    const std::vector<float>& weight, const std::vector<float>& bias,
                                    bool relu, const std::vector<float>& fast,
                                    std::vector<float>& scratch, const std::string& params,
                                    std::vector<float>& packed) {
  packed.assign(conv2d_packed_floats(g), kNaN);
  ASSERT_EQ(packed.empty(), !conv2d_winograd_fits(g)) << params;
  conv2d_pack_f32_vec4(g, weight.data(), packed.data());
  std::vector<float> with_packed(fast.size(), kNaN);
  conv2d_batch_f32_vec4(g, n, in.data(), weight.data(), bias.data(), relu, with_packed.data(),
                        scratch.data(), packed.empty() ? nullptr : packed.data());
  for (std::size_t j = 0; j < with_packed.size(); ++j)
    ASSERT_EQ(with_packed[j], fast[j]) << params << " packed once vs per call, index " << j;
}

// |a - b| <= 1e-5 · (1 + |b|) everywhere, and no NaN left; reports the first bad index.
::testing::AssertionResult close(const std::vector<float>& fast, const std::vector<float>& ref,
                                 const std::string& params) {
  if (fast.size() != ref.size()) return ::testing::AssertionFailure() << "sizes differ " << params;
  for (std::size_t i = 0; i < ref.size(); ++i)
    if (!(std::fabs(fast[i] - ref[i]) <= 1e-5f * (1 + std::fabs(ref[i]))))
      return ::testing::AssertionFailure()
             << params << " index " << i << ": fast " << fast[i] << ", reference " << ref[i];
  return ::testing::AssertionSuccess();
}

TEST(Kernels, Conv2dFastMatchesReferenceOn300RandomShapes) {
  std::mt19937 rng(20261128);
  for (int trial = 0; trial < 300; ++trial) {
    Conv2dGeometry g{};
    g.ic = pick(rng, 1, 16);
    g.oc = pick(rng, 1, 16);
    g.win.kh = pick(rng, 1, 5);
    g.win.kw = pick(rng, 1, 5);
    g.win.sh = pick(rng, 1, 3);
    g.win.sw = pick(rng, 1, 3);
    g.win.pad_top = pick(rng, 0, 2);
    g.win.pad_left = pick(rng, 0, 2);
    g.win.pad_bottom = pick(rng, 0, 2);
    g.win.pad_right = pick(rng, 0, 2);
    g.h = pick(rng, 1, 17);
    g.w = pick(rng, 1, 17);
    const std::size_t ph = g.h + g.win.pad_top + g.win.pad_bottom,
                      pw = g.w + g.win.pad_left + g.win.pad_right;
    if (g.win.kh > ph || g.win.kw > pw) continue;
    g.oh = (ph - g.win.kh) / g.win.sh + 1;
    g.ow = (pw - g.win.kw) / g.win.sw + 1;
    std::ostringstream params;
    params << "trial " << trial << " ic=" << g.ic << " oc=" << g.oc << " h=" << g.h << " w=" << g.w
           << " k=" << g.win.kh << "x" << g.win.kw << " s=" << g.win.sh << "x" << g.win.sw
           << " pad=" << g.win.pad_top << "," << g.win.pad_left << "," << g.win.pad_bottom << ","
           << g.win.pad_right;

    const auto in = random_values(rng, g.ic * g.h * g.w);
    const auto weight = random_values(rng, g.oc * g.ic * g.win.kh * g.win.kw);
    const auto bias = random_values(rng, g.oc);
    std::vector<float> ref(g.oc * g.oh * g.ow, kNaN), fast(ref.size(), kNaN);
    std::vector<float> scratch(conv2d_scratch_floats(g), kNaN);
    conv2d_f32_scalar(g, in.data(), weight.data(), bias.data(), ref.data());
    conv2d_f32_vec4(g, in.data(), weight.data(), bias.data(), fast.data(), scratch.data());
    ASSERT_TRUE(close(fast, ref, params.str()));
  }
}

// A random conv2d geometry as above (channels 1-16, kernels 1-5, strides 1-3, padding 0-2 a
// side, H and W 1-17); false if the kernel does not fit the padded input.
bool random_conv(std::mt19937& rng, Conv2dGeometry& g) {
  g = {};
  g.ic = pick(rng, 1, 16);
  g.oc = pick(rng, 1, 16);
  g.win.kh = pick(rng, 1, 5);
  g.win.kw = pick(rng, 1, 5);
  g.win.sh = pick(rng, 1, 3);
  g.win.sw = pick(rng, 1, 3);
  g.win.pad_top = pick(rng, 0, 2);
  g.win.pad_left = pick(rng, 0, 2);
  g.win.pad_bottom = pick(rng, 0, 2);
  g.win.pad_right = pick(rng, 0, 2);
  g.h = pick(rng, 1, 17);
  g.w = pick(rng, 1, 17);
  const std::size_t ph = g.h + g.win.pad_top + g.win.pad_bottom,
                    pw = g.w + g.win.pad_left + g.win.pad_right;
  if (g.win.kh > ph || g.win.kw > pw) return false;
  g.oh = (ph - g.win.kh) / g.win.sh + 1;
  g.ow = (pw - g.win.kw) / g.win.sw + 1;
  return true;
}

std::string describe(const Conv2dGeometry& g) {
  std::ostringstream s;
  s << "ic=" << g.ic << " oc=" << g.oc << " h=" << g.h << " w=" << g.w << " k=" << g.win.kh << "x"
    << g.win.kw << " s=" << g.win.sh << "x" << g.win.sw << " pad=" << g.win.pad_top << ","
    << g.win.pad_left << "," << g.win.pad_bottom << "," << g.win.pad_right;
  return s.str();
}

// Batches of 1-9 samples (several im2col groups for small shapes), with and without the fused
// ReLU, plus the shipped CNN's three shapes at 37 samples (groups of 4 and 9, a short last one).
TEST(Kernels, Conv2dBatchFastMatchesReferenceOn300RandomShapes) {
  std::mt19937 rng(20261129);
  std::vector<std::pair<Conv2dGeometry, std::size_t>> cases;
  const std::size_t shipped[][4] = {{1, 28, 28, 8}, {8, 14, 14, 16}, {16, 7, 7, 16}};  // IC H W OC
  for (const auto& s : shipped) {
    Conv2dGeometry g{};
    g.ic = s[0];
    g.h = g.oh = s[1];
    g.w = g.ow = s[2];
    g.oc = s[3];
    g.win.kh = g.win.kw = 3;
    g.win.pad_top = g.win.pad_left = g.win.pad_bottom = g.win.pad_right = 1;
    cases.push_back({g, 37});
  }
  while (cases.size() < 303) {
    Conv2dGeometry g;
    if (random_conv(rng, g)) cases.push_back({g, pick(rng, 1, 9)});
  }
  for (std::size_t trial = 0; trial < cases.size(); ++trial) {
    const auto& [g, n] = cases[trial];
    const bool relu = trial % 2 == 1;
    const std::string params = "trial " + std::to_string(trial) + " n=" + std::to_string(n) +
                               (relu ? " relu " : " ") + describe(g);
    const auto in = random_values(rng, n * g.ic * g.h * g.w);
    const auto weight = random_values(rng, g.oc * g.ic * g.win.kh * g.win.kw);
    const auto bias = random_values(rng, g.oc);
    const std::size_t out_size = g.oc * g.oh * g.ow;
    std::vector<float> ref(n * out_size, kNaN), fast(ref.size(), kNaN);
    std::vector<float> scratch(conv2d_batch_scratch_floats(g, n), kNaN);
    conv2d_batch_f32_scalar(g, n, in.data(), weight.data(), bias.data(), relu, ref.data());
    conv2d_batch_f32_vec4(g, n, in.data(), weight.data(), bias.data(), relu, fast.data(),
                          scratch.data());
    ASSERT_TRUE(close(fast, ref, params));
    // each sample gets the same bits as when it runs alone (predict = predictBatch)
    std::vector<float> alone(out_size, kNaN), scratch1(conv2d_batch_scratch_floats(g, 1), kNaN);
    const std::size_t s = n - 1;
    conv2d_batch_f32_vec4(g, 1, in.data() + s * g.ic * g.h * g.w, weight.data(), bias.data(), relu,
                          alone.data(), scratch1.data());
    for (std::size_t j = 0; j < out_size; ++j)
      ASSERT_EQ(alone[j], fast[s * out_size + j]) << params << " sample " << s << " index " << j;
  }
}

// conv + bias + ReLU + 2×2 max pool fused: the fast kernel against its reference twin and
// against the three steps one after the other (conv2d_batch_f32_scalar with ReLU, then
// pool2d_f32_scalar, bit for bit: a max is one of its inputs), on random stride-1 shapes and the
// shipped CNN's, with odd map sizes (the pool's floor) and channels past the 4-row bands; a
// sample alone gives the same bits as in its batch.
TEST(Kernels, Conv2dReluMaxpoolFusedMatchesReferenceOn200RandomShapes) {
  std::mt19937 rng(20261202);
  std::vector<std::pair<Conv2dGeometry, std::size_t>> cases;
  const std::size_t shipped[][4] = {{1, 28, 28, 8}, {8, 14, 14, 16}, {16, 7, 7, 16}};  // IC H W OC
  for (const auto& s : shipped) {
    Conv2dGeometry g{};
    g.ic = s[0];
    g.h = g.oh = s[1];
    g.w = g.ow = s[2];
    g.oc = s[3];
    g.win.kh = g.win.kw = 3;
    g.win.sh = g.win.sw = 1;
    g.win.pad_top = g.win.pad_left = g.win.pad_bottom = g.win.pad_right = 1;
    cases.push_back({g, 5});
  }
  while (cases.size() < 203) {
    Conv2dGeometry g;
    if (!random_conv(rng, g)) continue;
    g.win.sh = g.win.sw = 1;  // the fused kernel's precondition: stride 1, a map of at least 2×2
    const std::size_t ph = g.h + g.win.pad_top + g.win.pad_bottom,
                      pw = g.w + g.win.pad_left + g.win.pad_right;
    g.oh = ph - g.win.kh + 1;
    g.ow = pw - g.win.kw + 1;
    if (!conv2d_fuses_maxpool2x2(g)) continue;
    cases.push_back({g, pick(rng, 1, 6)});
  }
  for (std::size_t trial = 0; trial < cases.size(); ++trial) {
    const auto& [g, n] = cases[trial];
    const std::string params = "trial " + std::to_string(trial) + " n=" + std::to_string(n) + " " +
                               describe(g);
    const auto in = random_values(rng, n * g.ic * g.h * g.w);
    const auto weight = random_values(rng, g.oc * g.ic * g.win.kh * g.win.kw);
    const auto bias = random_values(rng, g.oc);
    Pool2dGeometry pg{};
    pg.c = g.oc;
    pg.h = g.oh;
    pg.w = g.ow;
    pg.oh = g.oh / 2;
    pg.ow = g.ow / 2;
    pg.win.kh = pg.win.kw = pg.win.sh = pg.win.sw = 2;
    const std::size_t map = g.oc * g.oh * g.ow, pooled = g.oc * pg.oh * pg.ow;
    std::vector<float> conv(n * map, kNaN), steps(n * pooled, kNaN), ref(n * pooled, kNaN),
        fast(n * pooled, kNaN), scratch(conv2d_batch_scratch_floats(g, n), kNaN);
    conv2d_batch_f32_scalar(g, n, in.data(), weight.data(), bias.data(), true, conv.data());
    for (std::size_t s = 0; s < n; ++s)
      pool2d_f32_scalar(PoolKind::max, pg, conv.data() + s * map, steps.data() + s * pooled);
    conv2d_relu_maxpool2x2_batch_f32_scalar(g, n, in.data(), weight.data(), bias.data(), ref.data());
    conv2d_relu_maxpool2x2_batch_f32_vec4(g, n, in.data(), weight.data(), bias.data(), fast.data(),
                                          scratch.data());
    for (std::size_t j = 0; j < ref.size(); ++j)
      ASSERT_EQ(ref[j], steps[j]) << params << " index " << j << ": fused reference vs the three steps";
    ASSERT_TRUE(close(fast, ref, params));
    std::vector<float> alone(pooled, kNaN), scratch1(conv2d_batch_scratch_floats(g, 1), kNaN);
    const std::size_t s = n - 1;
    conv2d_relu_maxpool2x2_batch_f32_vec4(g, 1, in.data() + s * g.ic * g.h * g.w, weight.data(),
                                          bias.data(), alone.data(), scratch1.data());
    for (std::size_t j = 0; j < pooled; ++j)
      ASSERT_EQ(alone[j], fast[s * pooled + j]) << params << " sample " << s << " index " << j;
    // and the fast fused kernel = the fast conv + ReLU, then pooled, bit for bit
    std::vector<float> fast_conv(n * map, kNaN), fast_steps(n * pooled, kNaN);
    conv2d_batch_f32_vec4(g, n, in.data(), weight.data(), bias.data(), true, fast_conv.data(),
                          scratch.data());
    for (std::size_t s2 = 0; s2 < n; ++s2)
      pool2d_f32_scalar(PoolKind::max, pg, fast_conv.data() + s2 * map, fast_steps.data() + s2 * pooled);
    for (std::size_t j = 0; j < fast.size(); ++j)
      ASSERT_EQ(fast[j], fast_steps[j]) << params << " index " << j << ": fused vs fast conv then pool";
  }
}

// One input channel, stride 1: 3×3 (conv2d_ic1_direct_2ch_1x8_vec4 and its pooled twin
// conv2d_ic1_relu_maxpool2x2_2ch_2x8_vec4, tiles of 2 channels × 8 columns moved back to overlap
// at the map's edges, at even and odd columns): maps of
// 1-40 × 1-40 around the tile's 8 columns and 2 rows, odd channel counts, any padding; 5×5 (the
// general direct tile) for a quarter of the shapes; batches of
// 1-5. Compact (with and without ReLU) and pooled, each against its reference twin, a sample
// alone against its batch bit for bit, and pooled = compact + ReLU then pooled, bit for bit.
TEST(Kernels, Conv2dOneInputChannelFastMatchesReferenceOn300RandomShapes) {
  std::mt19937 rng(20261203);
  int fitted = 0;
  for (int trial = 0; trial < 300; ++trial) {
    Conv2dGeometry g{};
    g.ic = 1;
    g.oc = pick(rng, 1, 11);
    g.win.kh = g.win.kw = pick(rng, 0, 3) == 0 ? 5 : 3;
    g.win.sh = g.win.sw = 1;
    g.win.pad_top = pick(rng, 0, 2);
    g.win.pad_left = pick(rng, 0, 2);
    g.win.pad_bottom = pick(rng, 0, 2);
    g.win.pad_right = pick(rng, 0, 2);
    g.h = pick(rng, 1, 40);
    g.w = pick(rng, 1, 40);
    const std::size_t ph = g.h + g.win.pad_top + g.win.pad_bottom,
                      pw = g.w + g.win.pad_left + g.win.pad_right;
    if (g.win.kh > ph || g.win.kw > pw) continue;
    g.oh = ph - g.win.kh + 1;
    g.ow = pw - g.win.kw + 1;
    const std::size_t n = pick(rng, 1, 5);
    const bool relu = trial % 2 == 1;
    const std::string params = "trial " + std::to_string(trial) + " n=" + std::to_string(n) +
                               (relu ? " relu " : " ") + describe(g);
    if (g.win.kh == 3 && g.oc >= 2 && g.oh >= 2 && g.ow >= 8) ++fitted;  // the tile's precondition
    const auto in = random_values(rng, n * g.h * g.w);
    const auto weight = random_values(rng, g.oc * g.win.kh * g.win.kw);
    const auto bias = random_values(rng, g.oc);
    const std::size_t map = g.oc * g.oh * g.ow;
    std::vector<float> ref(n * map, kNaN), fast(n * map, kNaN), alone(map, kNaN);
    std::vector<float> scratch(conv2d_batch_scratch_floats(g, n), kNaN);
    conv2d_batch_f32_scalar(g, n, in.data(), weight.data(), bias.data(), relu, ref.data());
    conv2d_batch_f32_vec4(g, n, in.data(), weight.data(), bias.data(), relu, fast.data(),
                          scratch.data());
    ASSERT_TRUE(close(fast, ref, params));
    conv2d_batch_f32_vec4(g, 1, in.data() + (n - 1) * g.h * g.w, weight.data(), bias.data(), relu,
                          alone.data(), scratch.data());
    for (std::size_t j = 0; j < map; ++j)
      ASSERT_EQ(alone[j], fast[(n - 1) * map + j]) << params << " last sample alone, index " << j;
    std::vector<float> packed;
    ASSERT_NO_FATAL_FAILURE(
        ExpectPackedOnceMatchesPerCall(g, n, in, weight, bias, relu, fast, scratch, params, packed));
    if (!conv2d_fuses_maxpool2x2(g)) continue;
    Pool2dGeometry pg{};
    pg.c = g.oc;
    pg.h = g.oh;
    pg.w = g.ow;
    pg.oh = g.oh / 2;
    pg.ow = g.ow / 2;
    pg.win.kh = pg.win.kw = pg.win.sh = pg.win.sw = 2;
    const std::size_t pooled = g.oc * pg.oh * pg.ow;
    std::vector<float> pref(n * pooled, kNaN), pfast(n * pooled, kNaN), palone(pooled, kNaN),
        relu_maps(n * map, kNaN), steps(n * pooled, kNaN);
    conv2d_relu_maxpool2x2_batch_f32_scalar(g, n, in.data(), weight.data(), bias.data(), pref.data());
    conv2d_relu_maxpool2x2_batch_f32_vec4(g, n, in.data(), weight.data(), bias.data(), pfast.data(),
                                          scratch.data());
    ASSERT_TRUE(close(pfast, pref, params + " pooled"));
    conv2d_relu_maxpool2x2_batch_f32_vec4(g, 1, in.data() + (n - 1) * g.h * g.w, weight.data(),
                                          bias.data(), palone.data(), scratch.data());
    for (std::size_t j = 0; j < pooled; ++j)
      ASSERT_EQ(palone[j], pfast[(n - 1) * pooled + j])
          << params << " pooled, last sample alone, index " << j;
    conv2d_batch_f32_vec4(g, n, in.data(), weight.data(), bias.data(), true, relu_maps.data(),
                          scratch.data());
    for (std::size_t s = 0; s < n; ++s)
      pool2d_f32_scalar(PoolKind::max, pg, relu_maps.data() + s * map, steps.data() + s * pooled);
    for (std::size_t j = 0; j < pfast.size(); ++j)
      ASSERT_EQ(pfast[j], steps[j]) << params << " index " << j
                                    << ": pooled vs fast conv + ReLU then pool";
  }
  EXPECT_GT(fitted, 100) << "too few shapes reached the one-channel tile";
}

// 3×3 stride 1 with 8-20 input channels (conv2d_winograd_f2x2_3x3_4x8_vec4 and its pooled twin):
// maps of 1-20 × 1-20 (odd sizes: tiles past the map), any padding, channels past the 4-row
// bands, batches of 1-4. Against the reference (the transforms round differently, within the
// tolerance), a sample alone = in its batch bit for bit, pooled = compact + ReLU then pooled bit for
// bit.
TEST(Kernels, Conv2dWinogradFastMatchesReferenceOn200RandomShapes) {
  std::mt19937 rng(20261204);
  int fitted = 0;
  for (int trial = 0; trial < 200; ++trial) {
    Conv2dGeometry g{};
    g.ic = pick(rng, 8, 20);
    g.oc = pick(rng, 1, 18);
    g.win.kh = g.win.kw = 3;
    g.win.sh = g.win.sw = 1;
    g.win.pad_top = pick(rng, 0, 2);
    g.win.pad_left = pick(rng, 0, 2);
    g.win.pad_bottom = pick(rng, 0, 2);
    g.win.pad_right = pick(rng, 0, 2);
    g.h = pick(rng, 1, 20);
    g.w = pick(rng, 1, 20);
    const std::size_t ph = g.h + g.win.pad_top + g.win.pad_bottom,
                      pw = g.w + g.win.pad_left + g.win.pad_right;
    if (ph < 3 || pw < 3) continue;
    g.oh = ph - 2;
    g.ow = pw - 2;
    const std::size_t n = pick(rng, 1, 4);
    const bool relu = trial % 2 == 1;
    const std::string params = "trial " + std::to_string(trial) + " n=" + std::to_string(n) +
                               (relu ? " relu " : " ") + describe(g);
    const std::size_t in_size = g.ic * g.h * g.w, map = g.oc * g.oh * g.ow;
    const auto in = random_values(rng, n * in_size);
    const auto weight = random_values(rng, g.oc * g.ic * 9);
    const auto bias = random_values(rng, g.oc);
    std::vector<float> ref(n * map, kNaN), fast(n * map, kNaN), alone(map, kNaN);
    std::vector<float> scratch(conv2d_batch_scratch_floats(g, n), kNaN);
    conv2d_batch_f32_scalar(g, n, in.data(), weight.data(), bias.data(), relu, ref.data());
    conv2d_batch_f32_vec4(g, n, in.data(), weight.data(), bias.data(), relu, fast.data(),
                          scratch.data());
    ASSERT_TRUE(close(fast, ref, params));
    std::vector<float> scratch1(conv2d_batch_scratch_floats(g, 1), kNaN);
    conv2d_batch_f32_vec4(g, 1, in.data() + (n - 1) * in_size, weight.data(), bias.data(), relu,
                          alone.data(), scratch1.data());
    for (std::size_t j = 0; j < map; ++j)
      ASSERT_EQ(alone[j], fast[(n - 1) * map + j]) << params << " last sample alone, index " << j;
    fitted += conv2d_winograd_fits(g);
    std::vector<float> packed;
    ASSERT_NO_FATAL_FAILURE(
        ExpectPackedOnceMatchesPerCall(g, n, in, weight, bias, relu, fast, scratch, params, packed));
    if (!conv2d_fuses_maxpool2x2(g)) continue;
    Pool2dGeometry pg{};
    pg.c = g.oc;
    pg.h = g.oh;
    pg.w = g.ow;
    pg.oh = g.oh / 2;
    pg.ow = g.ow / 2;
    pg.win.kh = pg.win.kw = pg.win.sh = pg.win.sw = 2;
    const std::size_t pooled = g.oc * pg.oh * pg.ow;
    std::vector<float> pref(n * pooled, kNaN), pfast(n * pooled, kNaN), palone(pooled, kNaN),
        relu_maps(n * map, kNaN), steps(n * pooled, kNaN);
    conv2d_relu_maxpool2x2_batch_f32_scalar(g, n, in.data(), weight.data(), bias.data(), pref.data());
    conv2d_relu_maxpool2x2_batch_f32_vec4(g, n, in.data(), weight.data(), bias.data(), pfast.data(),
                                          scratch.data());
    ASSERT_TRUE(close(pfast, pref, params + " pooled"));
    conv2d_relu_maxpool2x2_batch_f32_vec4(g, 1, in.data() + (n - 1) * in_size, weight.data(),
                                          bias.data(), palone.data(), scratch1.data());
    for (std::size_t j = 0; j < pooled; ++j)
      ASSERT_EQ(palone[j], pfast[(n - 1) * pooled + j])
          << params << " pooled, last sample alone, index " << j;
    conv2d_batch_f32_vec4(g, n, in.data(), weight.data(), bias.data(), true, relu_maps.data(),
                          scratch.data());
    for (std::size_t s = 0; s < n; ++s)
      pool2d_f32_scalar(PoolKind::max, pg, relu_maps.data() + s * map, steps.data() + s * pooled);
    for (std::size_t j = 0; j < pfast.size(); ++j)
      ASSERT_EQ(pfast[j], steps[j]) << params << " index " << j
                                    << ": pooled vs fast conv + ReLU then pool";
    std::vector<float> ppacked(n * pooled, kNaN);
    conv2d_relu_maxpool2x2_batch_f32_vec4(g, n, in.data(), weight.data(), bias.data(), ppacked.data(),
                                          scratch.data(), packed.empty() ? nullptr : packed.data());
    for (std::size_t j = 0; j < ppacked.size(); ++j)
      ASSERT_EQ(ppacked[j], pfast[j]) << params << " pooled, packed once vs per call, index " << j;
  }
  EXPECT_GT(fitted, 80) << "too few shapes reached the Winograd kernel";
}

TEST(Kernels, GemmBiasFastMatchesReferenceOn200RandomShapes) {
  std::mt19937 rng(23);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t m = pick(rng, 1, 17), n = pick(rng, 1, 40), k = pick(rng, 1, 30);
    const std::size_t lda = k + pick(rng, 0, 3), ldb = n + pick(rng, 0, 3), ldc = n + pick(rng, 0, 3);
    const auto a = random_values(rng, m * lda), b = random_values(rng, k * ldb),
               bias = random_values(rng, m);
    std::vector<float> ref(m * ldc, kNaN), fast(ref.size(), kNaN);
    gemm_bias_f32_scalar(m, n, k, a.data(), lda, b.data(), ldb, bias.data(), ref.data(), ldc);
    gemm_bias_f32_vec4(m, n, k, a.data(), lda, b.data(), ldb, bias.data(), fast.data(), ldc);
    // only the M×N cells are written: the padding columns stay NaN in both
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t j = n; j < ldc; ++j) {
        ASSERT_TRUE(std::isnan(fast[i * ldc + j]))
            << "trial " << trial << " wrote C[" << i << "][" << j << "]";
        fast[i * ldc + j] = ref[i * ldc + j] = 0;
      }
    std::ostringstream params;
    params << "trial " << trial << " m=" << m << " n=" << n << " k=" << k << " lda=" << lda
           << " ldb=" << ldb << " ldc=" << ldc;
    ASSERT_TRUE(close(fast, ref, params.str()));
  }
}

TEST(Kernels, GemmFastMatchesReferenceOn200RandomShapes) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t m = pick(rng, 1, 17), n = pick(rng, 1, 40), k = pick(rng, 1, 30);
    const std::size_t lda = k + pick(rng, 0, 3), ldb = n + pick(rng, 0, 3), ldc = n + pick(rng, 0, 3);
    const auto a = random_values(rng, m * lda), b = random_values(rng, k * ldb);
    auto ref = random_values(rng, m * ldc);  // C is accumulated into
    auto fast = ref;
    gemm_f32_scalar(m, n, k, a.data(), lda, b.data(), ldb, ref.data(), ldc);
    gemm_f32_vec4(m, n, k, a.data(), lda, b.data(), ldb, fast.data(), ldc);
    std::ostringstream params;
    params << "trial " << trial << " m=" << m << " n=" << n << " k=" << k << " lda=" << lda
           << " ldb=" << ldb << " ldc=" << ldc;
    ASSERT_TRUE(close(fast, ref, params.str()));
  }
}

TEST(Kernels, Pool2dFastMatchesReferenceOn300RandomShapes) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 300; ++trial) {
    Pool2dGeometry g{};
    g.c = pick(rng, 1, 16);
    g.win.kh = pick(rng, 1, 4);
    g.win.kw = pick(rng, 1, 4);
    g.win.sh = pick(rng, 1, 3);
    g.win.sw = pick(rng, 1, 3);
    g.h = pick(rng, g.win.kh, 17);
    g.w = pick(rng, g.win.kw, 17);
    g.oh = (g.h - g.win.kh) / g.win.sh + 1;
    g.ow = (g.w - g.win.kw) / g.win.sw + 1;
    const auto in = random_values(rng, g.c * g.h * g.w);
    for (PoolKind kind : {PoolKind::max, PoolKind::average}) {
      std::vector<float> ref(g.c * g.oh * g.ow, kNaN), fast(ref.size(), kNaN);
      pool2d_f32_scalar(kind, g, in.data(), ref.data());
      pool2d_f32_vec4(kind, g, in.data(), fast.data());
      std::ostringstream params;
      params << "trial " << trial << (kind == PoolKind::max ? " max" : " average") << " c=" << g.c
             << " h=" << g.h << " w=" << g.w << " k=" << g.win.kh << "x" << g.win.kw << " s=" << g.win.sh
             << "x" << g.win.sw;
      ASSERT_TRUE(close(fast, ref, params.str()));
    }
  }
}

TEST(Kernels, DenseFastMatchesReferenceOn200RandomShapes) {
  std::mt19937 rng(13);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t in = pick(rng, 1, 300), out = pick(rng, 1, 40);
    const auto x = random_values(rng, in), w = random_values(rng, in * out), b = random_values(rng, out);
    std::vector<float> ref(out, kNaN), fast(out, kNaN);
    dense_f32_scalar(in, out, x.data(), w.data(), b.data(), ref.data());
    dense_f32_vec4(in, out, x.data(), w.data(), b.data(), fast.data());
    ASSERT_TRUE(close(fast, ref,
                      "trial " + std::to_string(trial) + " in=" + std::to_string(in) +
                          " out=" + std::to_string(out)));
  }
}

TEST(Kernels, DenseBatchFastMatchesReferenceOn200RandomShapes) {
  std::mt19937 rng(29);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t n = pick(rng, 1, 11), in = pick(rng, 1, 300), out = pick(rng, 1, 40);
    const bool relu = trial % 2 == 1;
    const auto x = random_values(rng, n * in), w = random_values(rng, in * out),
               b = random_values(rng, out);
    std::vector<float> ref(n * out, kNaN), fast(n * out, kNaN), alone(out, kNaN);
    dense_batch_f32_scalar(n, in, out, x.data(), w.data(), b.data(), relu, ref.data());
    dense_batch_f32_vec4(n, in, out, x.data(), w.data(), b.data(), relu, fast.data());
    const std::string params = "trial " + std::to_string(trial) + " n=" + std::to_string(n) +
                               " in=" + std::to_string(in) + " out=" + std::to_string(out) +
                               (relu ? " relu" : "");
    ASSERT_TRUE(close(fast, ref, params));
    // the last sample alone gives the same bits as in its batch (predict = predictBatch)
    dense_batch_f32_vec4(1, in, out, x.data() + (n - 1) * in, w.data(), b.data(), relu, alone.data());
    for (std::size_t o = 0; o < out; ++o)
      ASSERT_EQ(alone[o], fast[(n - 1) * out + o]) << params << " output " << o;
  }
}

// The finiteness scan every model input goes through: arrays of 0-100 values (every tail of 8),
// huge finite values (whose plain sum would overflow) in half of them, and 0-3 NaN / ±infinity
// planted at random places: the fast scan, the reference and the planted answer agree.
TEST(Kernels, FirstNonfiniteFastMatchesReferenceOn400RandomArrays) {
  std::mt19937 rng(20261213);
  const float bad[] = {kNaN, std::numeric_limits<float>::infinity(),
                       -std::numeric_limits<float>::infinity()};
  for (int trial = 0; trial < 400; ++trial) {
    const std::size_t n = pick(rng, 0, 100);
    std::vector<float> x = random_values(rng, n);
    if (trial % 2 == 1)
      for (float& v : x) v *= 3e38f;
    std::size_t want = n;
    for (std::size_t k = n ? pick(rng, 0, 3) : 0; k > 0; --k) {
      const std::size_t at = pick(rng, 0, n - 1);
      x[at] = bad[pick(rng, 0, 2)];
      want = std::min(want, at);
    }
    const std::string params = "trial " + std::to_string(trial) + " n=" + std::to_string(n);
    ASSERT_EQ(first_nonfinite_f32_scalar(n, x.data()), want) << params;
    ASSERT_EQ(first_nonfinite_f32_vec4(n, x.data()), want) << params;
  }
}

TEST(Kernels, Conv2dBackwardFastMatchesReferenceOn200RandomShapes) {
  std::mt19937 rng(17);
  int checked = 0;
  for (int trial = 0; checked < 200; ++trial) {
    Conv2dGeometry g{};
    g.ic = pick(rng, 1, 9);
    g.oc = pick(rng, 1, 9);
    g.win.kh = pick(rng, 1, 5);
    g.win.kw = pick(rng, 1, 5);
    g.win.sh = pick(rng, 1, 3);
    g.win.sw = pick(rng, 1, 3);
    g.win.pad_top = pick(rng, 0, 2);
    g.win.pad_left = pick(rng, 0, 2);
    g.win.pad_bottom = pick(rng, 0, 2);
    g.win.pad_right = pick(rng, 0, 2);
    g.h = pick(rng, 1, 13);
    g.w = pick(rng, 1, 13);
    const std::size_t ph = g.h + g.win.pad_top + g.win.pad_bottom,
                      pw = g.w + g.win.pad_left + g.win.pad_right;
    if (g.win.kh > ph || g.win.kw > pw) continue;
    ++checked;
    g.oh = (ph - g.win.kh) / g.win.sh + 1;
    g.ow = (pw - g.win.kw) / g.win.sw + 1;
    const auto in = random_values(rng, g.ic * g.h * g.w);
    const auto weight = random_values(rng, g.oc * g.ic * g.win.kh * g.win.kw);
    const auto dout = random_values(rng, g.oc * g.oh * g.ow);
    // gradients accumulate: start both from the same non-zero values
    const auto dw0 = random_values(rng, weight.size()), db0 = random_values(rng, g.oc);
    std::vector<float> din_ref(in.size(), kNaN), din_fast(in.size(), kNaN);
    auto dw_ref = dw0, dw_fast = dw0, db_ref = db0, db_fast = db0;
    std::vector<float> scratch(conv2d_backward_scratch_floats(g), kNaN);
    conv2d_backward_f32_scalar(g, in.data(), weight.data(), dout.data(), din_ref.data(), dw_ref.data(),
                               db_ref.data());
    conv2d_backward_f32_vec4(g, in.data(), weight.data(), dout.data(), din_fast.data(), dw_fast.data(),
                             db_fast.data(), scratch.data());
    const std::string params = "trial " + std::to_string(trial) + " ic=" + std::to_string(g.ic) +
                               " oc=" + std::to_string(g.oc) + " h=" + std::to_string(g.h) +
                               " w=" + std::to_string(g.w) + " k=" + std::to_string(g.win.kh) + "x" +
                               std::to_string(g.win.kw) + " s=" + std::to_string(g.win.sh) + "x" +
                               std::to_string(g.win.sw);
    ASSERT_TRUE(close(din_fast, din_ref, params + " din"));
    ASSERT_TRUE(close(dw_fast, dw_ref, params + " dweight"));
    ASSERT_TRUE(close(db_fast, db_ref, params + " dbias"));
  }
}

TEST(Kernels, GemmNtAndDenseBackwardFastMatchReferenceOn200RandomShapes) {
  std::mt19937 rng(19);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t m = pick(rng, 1, 17), n = pick(rng, 1, 23), k = pick(rng, 1, 40);
    const auto a = random_values(rng, m * k), b = random_values(rng, n * k);
    auto ref = random_values(rng, m * n);
    auto fast = ref;
    gemm_nt_f32_scalar(m, n, k, a.data(), k, b.data(), k, ref.data(), n);
    gemm_nt_f32_vec4(m, n, k, a.data(), k, b.data(), k, fast.data(), n);
    ASSERT_TRUE(close(fast, ref, "gemm_nt trial " + std::to_string(trial)));

    const std::size_t in = pick(rng, 1, 70), out = pick(rng, 1, 20);
    const auto x = random_values(rng, in), w = random_values(rng, in * out),
               dy = random_values(rng, out);
    auto dw_ref = random_values(rng, in * out), db_ref = random_values(rng, out);
    auto dw_fast = dw_ref, db_fast = db_ref;
    std::vector<float> dx_ref(in, kNaN), dx_fast(in, kNaN);
    dense_backward_f32_scalar(in, out, x.data(), w.data(), dy.data(), dx_ref.data(), dw_ref.data(),
                              db_ref.data());
    dense_backward_f32_vec4(in, out, x.data(), w.data(), dy.data(), dx_fast.data(), dw_fast.data(),
                            db_fast.data());
    const std::string params = "dense trial " + std::to_string(trial) + " in=" + std::to_string(in) +
                               " out=" + std::to_string(out);
    ASSERT_TRUE(close(dx_fast, dx_ref, params + " dx"));
    ASSERT_TRUE(close(dw_fast, dw_ref, params + " dweight"));
    ASSERT_TRUE(close(db_fast, db_ref, params + " dbias"));
  }
}

// The reference itself, against values worked out by hand.
TEST(Kernels, ReferenceConvIsCrossCorrelationWithZeroPadding) {
  Conv2dGeometry g{};
  g.ic = 1;
  g.h = 2;
  g.w = 2;
  g.oc = 1;
  g.oh = 2;
  g.ow = 2;
  g.win.kh = g.win.kw = 2;
  g.win.pad_top = g.win.pad_left = 1;  // only before: out[0][0] sees in[0][0] at the kernel's corner
  const float in[] = {1, 2, 3, 4}, w[] = {1, 10, 100, 1000}, b[] = {0.5f};
  float out[4];
  conv2d_f32_scalar(g, in, w, b, out);
  EXPECT_FLOAT_EQ(out[0], 1000 * 1 + 0.5f);
  EXPECT_FLOAT_EQ(out[1], 100 * 1 + 1000 * 2 + 0.5f);
  EXPECT_FLOAT_EQ(out[2], 10 * 1 + 1000 * 3 + 0.5f);
  EXPECT_FLOAT_EQ(out[3], 1 * 1 + 10 * 2 + 100 * 3 + 1000 * 4 + 0.5f);
}

TEST(Kernels, ReferencePoolingOverlapping) {
  Pool2dGeometry g{};
  g.c = 1;
  g.h = 3;
  g.w = 3;
  g.oh = 2;
  g.ow = 2;
  g.win.kh = g.win.kw = 2;  // stride 1: windows overlap
  const float in[] = {1, 5, 2, 4, 3, 9, 0, 8, 6};
  float out[4];
  pool2d_f32_scalar(PoolKind::max, g, in, out);
  EXPECT_EQ(std::vector<float>(out, out + 4), (std::vector<float>{5, 9, 8, 9}));
  pool2d_f32_scalar(PoolKind::average, g, in, out);
  EXPECT_EQ(std::vector<float>(out, out + 4),
            (std::vector<float>{13 / 4.f, 19 / 4.f, 15 / 4.f, 26 / 4.f}));
}

}  // namespace
}  // namespace convscope::kernels

// The conv layer keeps Winograd's transformed weights between calls: every way of changing the
// weights (params() written, a training step, Params kept from before + weights_changed()) must
// make the next fast prediction use the new ones.
namespace convscope {
namespace {

const char* kWinogradNet = R"([
  {"name": "conv1", "type": "conv2d", "out_channels": 8, "kernel": 3, "padding": 1},
  {"name": "relu1", "type": "relu"},
  {"name": "conv2", "type": "conv2d", "out_channels": 6, "kernel": 3, "padding": 1},
  {"name": "relu2", "type": "relu"},
  {"name": "pool2", "type": "maxpool2d", "kernel": 2},
  {"name": "flatten", "type": "flatten"},
  {"name": "fc", "type": "dense", "out_features": 3}
])";

std::vector<float> infer_copy(Sequential& m, const std::vector<float>& x, std::size_t n, Kernels k) {
  const Tensor& y = m.infer(x.data(), x.size(), n, k);
  return std::vector<float>(y.begin(), y.end());
}

// Fast = reference within the kernels' tolerance; returns the fast output.
std::vector<float> expect_fast_matches(Sequential& m, const std::vector<float>& x, std::size_t n,
                                       const std::string& what) {
  const auto fast = infer_copy(m, x, n, Kernels::fast), ref = infer_copy(m, x, n, Kernels::reference);
  EXPECT_TRUE(kernels::close(fast, ref, what));
  return fast;
}

TEST(Conv2dLayer, TransformedWeightsFollowEveryWeightChange) {
  Sequential m = testing::make_model(kWinogradNet, 1, 10, 10);
  const auto& conv2 = dynamic_cast<const Conv2d&>(m.layer(2)).geometry();
  ASSERT_TRUE(kernels::conv2d_winograd_fits(conv2)) << "the test needs conv2 on the Winograd kernel";
  initialize(m, 3);
  const std::size_t n = 3;
  std::mt19937 rng(11);
  const auto x = kernels::random_values(rng, n * 100);
  const auto before = expect_fast_matches(m, x, n, "initialized");

  testing::set_param(m, "conv2.weight", kernels::random_values(rng, 6 * 8 * 9));
  const auto after_set = expect_fast_matches(m, x, n, "weights set through params()");
  EXPECT_NE(after_set, before);

  const std::vector<std::int32_t> labels = {0, 1, 2};
  Trainer trainer(m, {}, 1);
  trainer.step(x.data(), labels.data(), n, 0.05f, Kernels::fast);
  const auto after_step = expect_fast_matches(m, x, n, "after a training step");
  EXPECT_NE(after_step, after_set);

  const auto kept = m.params();
  for (const Param& p : kept)
    if (p.name == "conv2.weight")
      for (float& w : *p.value) w = -w;
  m.weights_changed();
  const auto after_kept = expect_fast_matches(m, x, n, "written through kept params");
  EXPECT_NE(after_kept, after_step);
}

}  // namespace
}  // namespace convscope
