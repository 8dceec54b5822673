// Backward passes against finite differences: every layer type and hyperparameter kind, in
// small random networks. The loss is accumulated in double; central differences in float.
#include <gtest/gtest.h>

#include <cmath>

#include "test_util.hpp"
#include "train/init.hpp"
#include "train/rng.hpp"
#include "train/trainer.hpp"

namespace convscope {
namespace {

using testing::make_model;

struct Net {
  const char* name;
  const char* layers;
  std::size_t c, h, w;
};

// Every layer after the first parametrised one is checked through that layer's gradient too,
// since its dL/dx feeds it.
const Net kNets[] = {
    {"conv_relu_maxpool_dense", R"([
      {"name": "c1", "type": "conv2d", "out_channels": 4, "kernel": 3, "padding": 1},
      {"name": "r1", "type": "relu"},
      {"name": "p1", "type": "maxpool2d", "kernel": 2},
      {"name": "f", "type": "flatten"},
      {"name": "d1", "type": "dense", "out_features": 5}])",
     3, 6, 7},
    {"rect_kernel_stride_tanh_overlapping_avgpool_sigmoid", R"([
      {"name": "c1", "type": "conv2d", "out_channels": 3, "kernel": [2, 3], "stride": 2, "padding": [1, 0]},
      {"name": "t1", "type": "tanh"},
      {"name": "p1", "type": "avgpool2d", "kernel": 2, "stride": 1},
      {"name": "f", "type": "flatten"},
      {"name": "d1", "type": "dense", "out_features": 4},
      {"name": "s1", "type": "sigmoid"},
      {"name": "d2", "type": "dense", "out_features": 3}])",
     2, 7, 8},
    {"same_padding_stride2_two_convs_softmax", R"([
      {"name": "c1", "type": "conv2d", "out_channels": 2, "kernel": 3, "stride": 2, "padding": "same"},
      {"name": "s1", "type": "sigmoid"},
      {"name": "p1", "type": "maxpool2d", "kernel": 2, "stride": 1},
      {"name": "c2", "type": "conv2d", "out_channels": 3, "kernel": 1},
      {"name": "r1", "type": "relu"},
      {"name": "f", "type": "flatten"},
      {"name": "d1", "type": "dense", "out_features": 3},
      {"name": "sm", "type": "softmax"}])",
     1, 9, 9},
    {"dnn", R"([
      {"name": "f", "type": "flatten"},
      {"name": "d1", "type": "dense", "out_features": 6},
      {"name": "r1", "type": "relu"},
      {"name": "d2", "type": "dense", "out_features": 4},
      {"name": "t1", "type": "tanh"},
      {"name": "d3", "type": "dense", "out_features": 2}])",
     1, 4, 5},
    {"kernel5_valid_stride3_avgpool_nonoverlapping", R"([
      {"name": "c1", "type": "conv2d", "out_channels": 2, "kernel": 5, "stride": 3, "padding": 2},
      {"name": "p1", "type": "avgpool2d", "kernel": 2},
      {"name": "c2", "type": "conv2d", "out_channels": 2, "kernel": 2, "padding": "valid"},
      {"name": "f", "type": "flatten"},
      {"name": "d1", "type": "dense", "out_features": 2}])",
     2, 11, 12},
};

class Gradients : public ::testing::TestWithParam<Net> {};

TEST_P(Gradients, BackwardMatchesFiniteDifferencesAndFastMatchesReference) {
  const Net& net = GetParam();
  Sequential m = make_model(net.layers, net.c, net.h, net.w);
  testing::expect_gradients_match(m, net.name);
}

INSTANTIATE_TEST_SUITE_P(Nets, Gradients, ::testing::ValuesIn(kNets),
                         [](const ::testing::TestParamInfo<Net>& net) {
                           return std::string(net.param.name);
                         });

TEST(Gradients, FusedSoftmaxCrossEntropyMatchesFiniteDifferences) {
  Sequential m = make_model(R"([
      {"name": "c1", "type": "conv2d", "out_channels": 3, "kernel": 3},
      {"name": "r1", "type": "relu"},
      {"name": "f", "type": "flatten"},
      {"name": "d1", "type": "dense", "out_features": 4},
      {"name": "sm", "type": "softmax"}])",
                            1, 5, 5);
  initialize(m, 3);
  Rng rng(5);
  std::vector<float> x(3 * 25);
  for (float& v : x) v = rng.uniform(-1, 1);
  const std::int32_t labels[] = {0, 3, 2};
  Trainer trainer(m, {});
  // A step with learning rate 0 computes the gradients and leaves the weights alone.
  trainer.step(x.data(), labels, 3, 0.0f);
  const float eps = 1e-3f;
  for (const Param& p : m.params())
    for (std::size_t j = 0; j < p.value->size(); ++j) {
      float& w = p.value->data()[j];
      const float saved = w;
      w = saved + eps;
      const double up = trainer.evaluate(x.data(), labels, 3).loss;
      w = saved - eps;
      const double down = trainer.evaluate(x.data(), labels, 3).loss;
      w = saved;
      const double numeric = (up - down) / (2.0 * eps);
      EXPECT_NEAR(p.grad->data()[j], numeric, 2e-3 + 1e-2 * std::fabs(numeric))
          << p.name << "[" << j << "]";
    }
}

}  // namespace
}  // namespace convscope
