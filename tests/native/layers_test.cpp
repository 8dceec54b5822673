// Each layer type on small inputs worked out by hand, and its output shape rules.
#include <gtest/gtest.h>

#include <cmath>

#include "test_util.hpp"

namespace convscope {
namespace {

using testing::make_model;
using testing::set_param;

std::vector<float> run(Sequential& m, const std::vector<float>& x, std::size_t layer = 0) {
  m.forward(x.data(), x.size(), 1);
  const Tensor& out = m.output(layer);
  return std::vector<float>(out.begin(), out.end());
}

TEST(Layers, ReluSigmoidTanhAreElementWise) {
  const std::vector<float> x = {-2, -0.5f, 0, 0.5f, 3, -1};
  Sequential relu = make_model(R"([{"name": "a", "type": "relu"}])", 1, 2, 3);
  EXPECT_EQ(run(relu, x), (std::vector<float>{0, 0, 0, 0.5f, 3, 0}));
  Sequential sigmoid = make_model(R"([{"name": "a", "type": "sigmoid"}])", 1, 2, 3);
  Sequential tanh_ = make_model(R"([{"name": "a", "type": "tanh"}])", 1, 2, 3);
  const auto s = run(sigmoid, x), t = run(tanh_, x);
  for (std::size_t i = 0; i < x.size(); ++i) {
    EXPECT_FLOAT_EQ(s[i], 1 / (1 + std::exp(-x[i])));
    EXPECT_FLOAT_EQ(t[i], std::tanh(x[i]));
  }
  EXPECT_EQ(relu.output_dims(0), (Dims{1, 2, 3}));
}

TEST(Layers, SoftmaxIsStableForLargeLogits) {
  Sequential m = make_model(R"([{"name": "f", "type": "flatten"}, {"name": "p", "type": "softmax"}])", 1,
                            1, 3);
  const auto p = run(m, {1000, 1001, 1002}, 1);
  const float e1 = std::exp(-1.0f), e2 = std::exp(-2.0f), sum = 1 + e1 + e2;
  EXPECT_FLOAT_EQ(p[0], e2 / sum);
  EXPECT_FLOAT_EQ(p[1], e1 / sum);
  EXPECT_FLOAT_EQ(p[2], 1 / sum);
  const auto q = run(m, {-1000, 0, -1000}, 1);
  EXPECT_FLOAT_EQ(q[1], 1.0f);
  EXPECT_EQ(q[0], 0.0f);
}

TEST(Layers, FlattenIsChannelMajor) {
  Sequential m = make_model(R"([{"name": "f", "type": "flatten"}])", 2, 2, 2);
  const std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8};  // [C=2][H=2][W=2]
  EXPECT_EQ(run(m, x), x);
  EXPECT_EQ(m.output_dims(0), (Dims{8}));
}

TEST(Layers, DenseIsWeightTimesInputPlusBias) {
  Sequential m = make_model(R"([{"name": "f", "type": "flatten"},
                                {"name": "fc", "type": "dense", "out_features": 2}])",
                            1, 1, 3);
  set_param(m, "fc.weight", {1, 2, 3, -1, 0, 1});  // [out=2, in=3], as PyTorch nn.Linear
  set_param(m, "fc.bias", {0.5f, -0.5f});
  EXPECT_EQ(run(m, {1, 10, 100}, 1), (std::vector<float>{321.5f, 98.5f}));
}

TEST(Layers, ConvRectangularKernelStrideAndPadding) {
  Sequential m = make_model(R"([{"name": "c", "type": "conv2d", "out_channels": 2,
                                  "kernel": [1, 2], "stride": [2, 1], "padding": [0, 1]}])",
                            1, 3, 3);
  // OH = (3 - 1)/2 + 1 = 2, OW = (3 + 2 - 2)/1 + 1 = 4
  EXPECT_EQ(m.output_dims(0), (Dims{2, 2, 4}));
  set_param(m, "c.weight", {1, 10, 0, 1});
  set_param(m, "c.bias", {0, 0});
  const auto y = run(m, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  // channel 0: row 0 of the input padded to [0,1,2,3,0] -> 10, 21, 32, 3; row 2 -> 70, 87, 98, 9
  EXPECT_EQ(std::vector<float>(y.begin(), y.begin() + 8),
            (std::vector<float>{10, 21, 32, 3, 70, 87, 98, 9}));
}

TEST(Layers, SamePaddingKeepsTheSizeAtStrideOne) {
  for (int k = 1; k <= 6; ++k) {
    Sequential m = make_model(R"([{"name": "c", "type": "conv2d", "out_channels": 1, "kernel": )" +
                                  std::to_string(k) + R"(, "padding": "same"}])",
                              1, 7, 5);
    EXPECT_EQ(m.output_dims(0), (Dims{1, 7, 5})) << "kernel " << k;
  }
  Sequential strided = make_model(
      R"([{"name": "c", "type": "conv2d", "out_channels": 1, "kernel": 3, "stride": 2, "padding": "same"}])",
      1, 7, 8);
  EXPECT_EQ(strided.output_dims(0), (Dims{1, 4, 4}));  // ceil(7/2), ceil(8/2)
  Sequential valid = make_model(
      R"([{"name": "c", "type": "conv2d", "out_channels": 1, "kernel": 3, "padding": "valid"}])", 1, 7,
      8);
  EXPECT_EQ(valid.output_dims(0), (Dims{1, 5, 6}));
}

TEST(Layers, PoolStrideDefaultsToKernelAndMayOverlap) {
  Sequential m = make_model(R"([{"name": "p", "type": "maxpool2d", "kernel": 2}])", 3, 5, 4);
  EXPECT_EQ(m.output_dims(0), (Dims{3, 2, 2}));
  Sequential overlap = make_model(R"([{"name": "p", "type": "avgpool2d", "kernel": 3, "stride": 1}])", 1,
                                  3, 4);
  EXPECT_EQ(overlap.output_dims(0), (Dims{1, 1, 2}));
  EXPECT_EQ(run(overlap, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}), (std::vector<float>{6, 7}));
}

}  // namespace
}  // namespace convscope
