// The lecture's worked examples (the slides), exactly, through whole models.
#include <gtest/gtest.h>

#include "test_util.hpp"

namespace convscope {
namespace {

using testing::channel_of;
using testing::flat;
using testing::make_model;
using testing::Matrix;
using testing::set_param;

// The slides' O and X ("CNN for Image Classification"), filter ("Backup") and bias: the fixture.
const Matrix& kO = testing::lecture().o;
const Matrix& kX = testing::lecture().x;
const std::vector<float>& kAntiDiagonal = testing::lecture().filter;
const float kBias = testing::lecture().bias;

const char* kOxLayers = R"([
  {"name": "conv", "type": "conv2d", "out_channels": 1, "kernel": 3},
  {"name": "relu", "type": "relu"},
  {"name": "pool", "type": "POOL", "kernel": 2, "stride": 2}])";

Sequential ox_model(const std::string& pool, Kernels kernels, const Matrix& image) {
  std::string layers = kOxLayers;
  layers.replace(layers.find("POOL"), 4, pool);
  Sequential m = make_model(layers, 1, 6, 6);
  set_param(m, "conv.weight", kAntiDiagonal);
  set_param(m, "conv.bias", {kBias});
  const auto x = flat(image);
  m.forward(x.data(), x.size(), 1, kernels);
  return m;
}

class Lecture : public ::testing::TestWithParam<Kernels> {};

TEST_P(Lecture, OImageFeatureMapReluAndMaxPool) {
  const Sequential m = ox_model("maxpool2d", GetParam(), kO);
  // clang-format off
  // Slide "Feed the feature map into an activation function": 3 + (-2) = 1, 1 + (-2) = -1, ...
  const Matrix feature_map = {
    { 1, -1, -2, -1},
    {-1, -2, -1, -2},
    {-2, -1, -2, -1},
    {-1, -2, -1,  1}};
  const Matrix post_relu = {
    {1, 0, 0, 0},
    {0, 0, 0, 0},
    {0, 0, 0, 0},
    {0, 0, 0, 1}};
  const Matrix pooled = {
    {1, 0},
    {0, 1}};
  // clang-format on
  EXPECT_EQ(channel_of(m, 0), feature_map);
  EXPECT_EQ(channel_of(m, 1), post_relu);
  EXPECT_EQ(channel_of(m, 2), pooled);
}

TEST_P(Lecture, OImageAveragePool) {
  const Sequential m = ox_model("avgpool2d", GetParam(), kO);
  const Matrix pooled = {{0.25f, 0}, {0, 0.25f}};  // slide "Average Pooling"
  EXPECT_EQ(channel_of(m, 2), pooled);
}

TEST_P(Lecture, XImageMatchesTheFilterAlongItsAntiDiagonal) {
  const Sequential m = ox_model("maxpool2d", GetParam(), kX);
  // Worked out by hand: the X's anti-diagonal stroke matches the filter fully, 3 + (-2) = 1,
  // along the map's anti-diagonal; elsewhere at most one pixel matches.
  // clang-format off
  const Matrix feature_map = {
    {-1, -2, -1,  1},
    {-2, -1,  1, -1},
    {-1,  1, -1, -2},
    { 1, -1, -2, -1}};
  const Matrix pooled = {
    {0, 1},
    {1, 0}};
  // clang-format on
  EXPECT_EQ(channel_of(m, 0), feature_map);
  EXPECT_EQ(channel_of(m, 2), pooled);
}

TEST_P(Lecture, PaddingSlide) {
  Sequential m = make_model(
      R"([{"name": "conv", "type": "conv2d", "out_channels": 1, "kernel": 3, "padding": 1}])", 1, 6, 6);
  set_param(m, "conv.weight", {1, 0, -1, 1, 0, -1, 1, 0, -1});  // vertical-edge filter
  set_param(m, "conv.bias", {0});
  // clang-format off
  const Matrix input = {  // slide "CNN Padding", inside its ring of zeros
    {1, 2, 3, 1, 3, 5},
    {2, 2, 5, 4, 2, 5},
    {0, 6, 9, 6, 2, 2},
    {2, 0, 1, 9, 4, 0},
    {5, 5, 4, 6, 7, 6},
    {6, 1, 3, 7, 1, 5}};
  // The slide's output, except two cells where its text is wrong (1-based):
  // row 4 col 1 is -11 (the slide shows 11: a lost minus sign), row 5 col 5 is 11 (slide: 10).
  const Matrix output = {
    { -4,  -5,  -1,   3,  -5,   5},
    {-10, -14,  -1,  10,  -1,   7},
    { -8, -11, -11,   7,  12,   8},
    {-11,  -7, -10,   1,  13,  13},
    { -6,   5, -16,  -4,  11,  12},
    { -6,   4,  -7,  -1,   2,   8}};
  // clang-format on
  const auto x = flat(input);
  m.forward(x.data(), x.size(), 1, GetParam());
  EXPECT_EQ(channel_of(m, 0), output);
}

TEST_P(Lecture, StrideTwoSkipsEveryOtherPosition) {
  Sequential m = make_model(
      R"([{"name": "conv", "type": "conv2d", "out_channels": 1, "kernel": 3, "stride": 2}])", 1, 6, 6);
  set_param(m, "conv.weight", kAntiDiagonal);
  set_param(m, "conv.bias", {kBias});
  const auto x = flat(kO);
  m.forward(x.data(), x.size(), 1, GetParam());
  // (6 - 3)/2 + 1 = 2: the stride-1 map's rows and columns 0 and 2.
  EXPECT_EQ(channel_of(m, 0), (Matrix{{1, -2}, {-2, -2}}));
}

TEST_P(Lecture, RgbImageNeedsThreeKernelLayersSummedPlusBias) {
  // Slide "CNN image channel": one filter with a 3x3 kernel per channel; the feature map is
  // the sum of the three channel results plus one bias.
  Sequential m = make_model(R"([{"name": "conv", "type": "conv2d", "out_channels": 1, "kernel": 3}])", 3,
                            4, 4);
  std::vector<float> image(3 * 16), weight(27);
  for (std::size_t i = 0; i < image.size(); ++i) image[i] = static_cast<float>((i * 7) % 5);
  for (std::size_t i = 0; i < weight.size(); ++i) weight[i] = static_cast<float>(i % 3) - 1;
  set_param(m, "conv.weight", weight);
  set_param(m, "conv.bias", {0.5f});
  m.forward(image.data(), image.size(), 1, GetParam());
  for (std::size_t y = 0; y < 2; ++y)
    for (std::size_t x = 0; x < 2; ++x) {
      float expected = 0.5f;
      for (std::size_t c = 0; c < 3; ++c)
        for (std::size_t ky = 0; ky < 3; ++ky)
          for (std::size_t kx = 0; kx < 3; ++kx)
            expected += weight[(c * 3 + ky) * 3 + kx] * image[(c * 4 + y + ky) * 4 + x + kx];
      EXPECT_EQ(channel_of(m, 0)[y][x], expected) << y << "," << x;
    }
}

INSTANTIATE_TEST_SUITE_P(Kernels, Lecture, ::testing::Values(Kernels::fast, Kernels::reference),
                         [](const ::testing::TestParamInfo<Kernels>& kernel) {
                           return kernel.param == Kernels::fast ? "fast" : "reference";
                         });

TEST(Lecture, Dnn784_30_10Has23860Parameters) {
  // Slide "DNN from Week 06": 784x30 + 30x10 weights, 30 + 10 biases.
  Sequential m = make_model(R"([
    {"name": "flatten", "type": "flatten"},
    {"name": "hidden", "type": "dense", "out_features": 30},
    {"name": "sigmoid", "type": "sigmoid"},
    {"name": "out", "type": "dense", "out_features": 10}])",
                            1, 28, 28);
  EXPECT_EQ(m.parameter_count(), 23860u);
}

}  // namespace
}  // namespace convscope
