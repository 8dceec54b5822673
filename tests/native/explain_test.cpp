// The explanations (src/explain/): the input gradient against central finite differences on
// small random networks of every layer type; activation maximisation and "make it a ..." for
// determinism, what they promise (a rising activation, a bounded change, the target reached)
// and their errors. The shipped CNN is used where a trained model matters.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "explain/activation_maximisation.hpp"
#include "explain/input_gradient.hpp"
#include "explain/make_it.hpp"
#include "io/mnist_idx.hpp"
#include "model/model_io.hpp"
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

// Together: conv2d with zero / int / rectangular / "same" padding and strides 1-3, max and
// average pooling (overlapping or not), relu, sigmoid, tanh, flatten, dense, softmax.
const Net kNets[] = {
    {"conv_pad1_relu_maxpool_dense_softmax", R"([
      {"name": "c1", "type": "conv2d", "out_channels": 3, "kernel": 3, "padding": 1},
      {"name": "r1", "type": "relu"},
      {"name": "p1", "type": "maxpool2d", "kernel": 2},
      {"name": "f", "type": "flatten"},
      {"name": "d1", "type": "dense", "out_features": 4},
      {"name": "sm", "type": "softmax"}])",
     1, 6, 7},
    {"rect_kernel_stride2_tanh_avgpool_sigmoid_dense", R"([
      {"name": "c1", "type": "conv2d", "out_channels": 3, "kernel": [2, 3], "stride": 2, "padding": [1, 0]},
      {"name": "t1", "type": "tanh"},
      {"name": "p1", "type": "avgpool2d", "kernel": 2, "stride": 1},
      {"name": "f", "type": "flatten"},
      {"name": "d1", "type": "dense", "out_features": 4},
      {"name": "s1", "type": "sigmoid"},
      {"name": "d2", "type": "dense", "out_features": 3}])",
     2, 7, 8},
    {"rgb_same_stride2_two_convs_relu_softmax", R"([
      {"name": "c1", "type": "conv2d", "out_channels": 2, "kernel": 3, "stride": 2, "padding": "same"},
      {"name": "s1", "type": "sigmoid"},
      {"name": "p1", "type": "maxpool2d", "kernel": 2, "stride": 1},
      {"name": "c2", "type": "conv2d", "out_channels": 3, "kernel": 1},
      {"name": "r1", "type": "relu"},
      {"name": "f", "type": "flatten"},
      {"name": "d1", "type": "dense", "out_features": 3},
      {"name": "sm", "type": "softmax"}])",
     3, 9, 9},
    {"dnn_relu_tanh", R"([
      {"name": "f", "type": "flatten"},
      {"name": "d1", "type": "dense", "out_features": 6},
      {"name": "r1", "type": "relu"},
      {"name": "d2", "type": "dense", "out_features": 4},
      {"name": "t1", "type": "tanh"},
      {"name": "d3", "type": "dense", "out_features": 2}])",
     1, 4, 5},
    {"kernel5_stride3_pad2_avgpool_valid_conv", R"([
      {"name": "c1", "type": "conv2d", "out_channels": 2, "kernel": 5, "stride": 3, "padding": 2},
      {"name": "p1", "type": "avgpool2d", "kernel": 2},
      {"name": "c2", "type": "conv2d", "out_channels": 2, "kernel": 2, "padding": "valid"},
      {"name": "f", "type": "flatten"},
      {"name": "d1", "type": "dense", "out_features": 2}])",
     2, 11, 12},
};

Sequential random_model(const Net& net, std::uint32_t seed) {
  Sequential m = make_model(net.layers, net.c, net.h, net.w);
  initialize(m, seed);
  Rng rng(seed + 1);
  for (Param& p : m.params())  // non-zero biases too
    if (p.shape.size() == 1)
      for (float& b : *p.value) b = rng.uniform(-0.5f, 0.5f);
  return m;
}

double output_at(Sequential& m, const std::vector<float>& x, std::size_t index) {
  return m.forward(x.data(), x.size(), 1, Kernels::reference).data()[index];
}

class InputGradients : public ::testing::TestWithParam<Net> {};

TEST_P(InputGradients, MatchCentralFiniteDifferencesForEveryOutput) {
  const Net& net = GetParam();
  for (std::uint32_t seed : {11u, 12u}) {
    Sequential m = random_model(net, seed);
    Rng rng(seed);
    std::vector<float> x(m.input_size());
    for (float& v : x) v = rng.uniform(-1, 1);
    for (std::size_t index = 0; index < m.output_size(); ++index) {
      const auto reference = input_gradient(m, x.data(), x.size(), index, Kernels::reference);
      const auto fast = input_gradient(m, x.data(), x.size(), index, Kernels::fast);
      ASSERT_EQ(reference.size(), x.size());
      const float eps = 1e-3f;
      for (std::size_t j = 0; j < x.size(); ++j) {
        EXPECT_NEAR(fast[j], reference[j], 1e-4 * (1 + std::fabs(reference[j])))
            << net.name << " seed " << seed << " output " << index << " fast vs reference, input " << j;
        std::vector<float> moved = x;
        moved[j] = x[j] + eps;
        const double up = output_at(m, moved, index);
        moved[j] = x[j] - eps;
        const double down = output_at(m, moved, index);
        const double numeric = (up - down) / (2.0 * eps);
        EXPECT_NEAR(reference[j], numeric, 2e-3 + 1e-2 * std::fabs(numeric))
            << net.name << " seed " << seed << " output " << index << " input " << j;
      }
    }
  }
}

TEST(InputGradient, OfALayerBeforeTheLastMatchesFiniteDifferences) {
  Sequential m = random_model(kNets[2], 4);  // ... d1 (dense, 3 scores), sm (softmax)
  Rng rng(2);
  std::vector<float> x(m.input_size());
  for (float& v : x) v = rng.uniform(-1, 1);
  const std::size_t scores = m.size() - 2;
  for (std::size_t index = 0; index < 3; ++index) {
    const auto g = layer_input_gradient(m, x.data(), x.size(), scores, index, Kernels::reference);
    const float eps = 1e-3f;
    for (std::size_t j = 0; j < x.size(); ++j) {
      std::vector<float> moved = x;
      moved[j] = x[j] + eps;
      m.forward(moved.data(), moved.size(), 1, Kernels::reference);
      const double up = m.output(scores).data()[index];
      moved[j] = x[j] - eps;
      m.forward(moved.data(), moved.size(), 1, Kernels::reference);
      const double down = m.output(scores).data()[index];
      const double numeric = (up - down) / (2.0 * eps);
      EXPECT_NEAR(g[j], numeric, 2e-3 + 1e-2 * std::fabs(numeric))
          << "score " << index << " input " << j;
    }
  }
  try {
    layer_input_gradient(m, x.data(), x.size(), scores, 3);
    FAIL() << "score 3 of 3 was accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "output index 3 is out of range: layer d1 has 3 outputs (0..2)");
  }
}

INSTANTIATE_TEST_SUITE_P(Nets, InputGradients, ::testing::ValuesIn(kNets),
                         [](const ::testing::TestParamInfo<Net>& net) {
                           return std::string(net.param.name);
                         });

std::vector<std::vector<float>> snapshot(Sequential& m, bool grads) {
  std::vector<std::vector<float>> all;
  for (const Param& p : m.params()) {
    const Tensor& t = grads ? *p.grad : *p.value;
    all.emplace_back(t.begin(), t.end());
  }
  return all;
}

TEST(InputGradient, LeavesWeightsAndTheirGradientsUntouchedMidTraining) {
  Sequential m = random_model(kNets[0], 5);
  Rng rng(3);
  std::vector<float> x(2 * m.input_size());
  for (float& v : x) v = rng.uniform(0, 1);
  const std::int32_t labels[] = {1, 3};
  Trainer trainer(m, {});
  trainer.step(x.data(), labels, 2, 0.01f);  // grads now hold the last step's gradient
  const auto weights = snapshot(m, false), grads = snapshot(m, true);
  input_gradient(m, x.data(), m.input_size(), 2);
  maximise_channel(m, 0, 1, 3, {});
  make_it(m, std::vector<float>(x.begin(), x.begin() + m.input_size()), 0, {});
  EXPECT_EQ(snapshot(m, false), weights);
  EXPECT_EQ(snapshot(m, true), grads);
}

TEST(InputGradient, RefusesAnOutOfRangeIndexAndAWrongLength) {
  Sequential m = random_model(kNets[0], 5);
  std::vector<float> x(m.input_size(), 0.5f);
  try {
    input_gradient(m, x.data(), x.size(), 4);
    FAIL() << "index 4 of 4 outputs was accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "output index 4 is out of range: the model has 4 outputs (0..3)");
  }
  try {
    input_gradient(m, x.data(), x.size() - 1, 0);
    FAIL() << "a short input was accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "input: expected 42 values [1,6,7], got 41");
  }
  x[3] = NAN;
  EXPECT_THROW(input_gradient(m, x.data(), x.size(), 0), Error);
}

// ---- Activation maximisation ----

const Net kImageNet = {"image", R"([
      {"name": "c1", "type": "conv2d", "out_channels": 4, "kernel": 3, "padding": 1},
      {"name": "r1", "type": "relu"},
      {"name": "p1", "type": "maxpool2d", "kernel": 2},
      {"name": "c2", "type": "conv2d", "out_channels": 3, "kernel": 3},
      {"name": "f", "type": "flatten"},
      {"name": "d1", "type": "dense", "out_features": 3},
      {"name": "sm", "type": "softmax"}])",
                       1, 12, 12};

TEST(ActivationMaximisation, IsDeterministicForASeedAndDiffersBetweenSeeds) {
  Sequential m = random_model(kImageNet, 9);
  MaximiseOptions o;
  o.seed = 4;
  const auto a = maximise_channel(m, 3, 2, 12, o);
  const auto b = maximise_channel(m, 3, 2, 12, o);
  EXPECT_EQ(a, b);
  // step by step, as a worker calls it, gives the same image as the whole run
  std::vector<float> stepped = maximise_seed_image(m, o);
  for (std::size_t s = 0; s < 12; ++s) maximise_step(m, 3, 2, stepped, s, o);
  EXPECT_EQ(stepped, a);
  o.seed = 5;
  EXPECT_NE(maximise_channel(m, 3, 2, 12, o), a);
}

TEST(ActivationMaximisation, RaisesTheUnitAndStaysInTheInputRange) {
  Sequential m = random_model(kImageNet, 9);
  for (std::size_t layer : {0u, 1u, 2u, 3u}) {
    const std::size_t channels = m.output_dims(layer)[0];
    for (std::size_t c = 0; c < channels; ++c) {
      MaximiseOptions o;
      const float before = channel_unit_activation(m, layer, c, maximise_seed_image(m, o));
      const auto image = maximise_channel(m, layer, c, 40, o);
      const float after = channel_unit_activation(m, layer, c, image);
      EXPECT_GE(after, before) << "layer " << layer << " channel " << c;
      if (layer == 0) {  // a first-layer conv unit is linear in its input: it always rises
        EXPECT_GT(after, before + 0.1f) << "channel " << c;
      }
      for (float v : image) {
        ASSERT_GE(v, 0.0f);
        ASSERT_LE(v, 1.0f);
      }
    }
  }
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) ma += a[i] / a.size(), mb += b[i] / b.size();
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

// The first conv layer's unit is linear in its 3×3 patch, so the pattern that excites it most is
// its filter: bright where the weight is positive, dark where negative. The blur softens it.
TEST(ActivationMaximisation, FirstLayerImageCorrelatesWithItsFilter) {
  Sequential m = random_model(kImageNet, 9);
  const Tensor& w = *m.params()[0].value;  // c1.weight [4,1,3,3]
  for (std::size_t blur_every : {8u, 0u}) {
    MaximiseOptions o;
    o.blur_every = blur_every;
    for (std::size_t c = 0; c < 4; ++c) {
      const auto image = maximise_channel(m, 0, c, 40, o);
      // the centre unit of a 12×12 map with padding 1 sees rows and columns 5..7
      std::vector<double> patch, filter;
      for (std::size_t ky = 0; ky < 3; ++ky)
        for (std::size_t kx = 0; kx < 3; ++kx) {
          patch.push_back(image[(5 + ky) * 12 + 5 + kx]);
          filter.push_back(w.data()[c * 9 + ky * 3 + kx]);
        }
      EXPECT_GT(correlation(patch, filter), blur_every ? 0.5 : 0.9)
          << "channel " << c << " blur every " << blur_every;
    }
  }
}

TEST(ActivationMaximisation, RefusesALayerWithoutChannelsAChannelOutOfRangeAndANonImage) {
  Sequential m = random_model(kImageNet, 9);
  try {
    maximise_channel(m, 5, 0, 1, {});
    FAIL() << "a dense layer was accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "activation maximisation: layer d1 (dense) has no channels: its output is [3], "
                 "expected [channels, height, width]");
  }
  try {
    maximise_channel(m, 0, 4, 1, {});
    FAIL() << "channel 4 of 4 was accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "activation maximisation: channel 4 is out of range: layer c1 has 4 channels (0..3)");
  }
  EXPECT_THROW(maximise_channel(m, 7, 0, 1, {}), Error);
  Sequential vector_input = make_model(R"([
      {"name": "c1", "type": "conv2d", "out_channels": 2, "kernel": 1},
      {"name": "f", "type": "flatten"},
      {"name": "d1", "type": "dense", "out_features": 2}])",
                                       1, 1, 9);
  try {
    maximise_channel(vector_input, 0, 0, 1, {});
    FAIL() << "a 1×9 input was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("the model's input [1,1,9] is not an image"), std::string::npos)
        << e.what();
  }
}

// ---- "Make it a ..." ----

TEST(MakeIt, NeverMovesAPixelMoreThanEpsilonOrOutOfRangeAndIsDeterministic) {
  for (const Net& net : {kNets[0], kNets[2], kImageNet}) {
    Sequential m = random_model(net, 21);
    Rng rng(8);
    std::vector<float> x(m.input_size());
    for (float& v : x) v = rng.uniform(0, 1);
    MakeItOptions o;
    o.epsilon = 0.1f;
    o.step_size = 0.03f;
    o.max_steps = 15;
    o.stop_when_reached = false;
    const MakeItResult r = make_it(m, x, 1, o);
    EXPECT_EQ(r.probabilities.size(), 15u) << net.name;
    float largest = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      largest = std::max(largest, std::fabs(r.image[i] - x[i]));
      EXPECT_GE(r.image[i], 0.0f);
      EXPECT_LE(r.image[i], 1.0f);
    }
    EXPECT_LE(largest, 0.1f + 1e-6f) << net.name;
    EXPECT_GT(largest, 0.05f) << net.name;  // it did move
    EXPECT_GT(r.probabilities.back(), class_probabilities(m, x)[1]) << net.name;
    EXPECT_EQ(make_it(m, x, 1, o).image, r.image) << net.name;
  }
}

TEST(MakeIt, TurnsTheShippedCnnsFirstTestSevenIntoAThreeWithinTheBudget) {
  const auto bytes = read_file(std::string(CONVSCOPE_MODELS_DIR) + "/mnist-cnn.safetensors");
  Sequential cnn = load_model(bytes.data(), bytes.size(), nullptr);
  const Dataset test = load_mnist(CONVSCOPE_MNIST_DIR, false);
  ASSERT_EQ(test.labels[0], 7);
  const std::vector<float> seven(test.images.begin(), test.images.begin() + 784);
  const MakeItOptions o;  // the defaults the page uses
  const MakeItResult r = make_it(cnn, seven, 3, o);
  EXPECT_TRUE(r.reached) << "after " << r.probabilities.size()
                         << " steps, p(3) = " << r.probabilities.back();
  EXPECT_EQ(r.predicted, 3u);
  EXPECT_LE(r.probabilities.size(), o.max_steps);
  EXPECT_GT(r.probabilities.back(), 0.3f);
  for (std::size_t i = 0; i < 784; ++i) ASSERT_LE(std::fabs(r.image[i] - seven[i]), o.epsilon + 1e-6f);
}

TEST(MakeIt, RefusesATargetOutOfRangeAWrongLengthAndANonImage) {
  Sequential m = random_model(kImageNet, 21);
  std::vector<float> x(m.input_size(), 0.2f);
  try {
    make_it(m, x, 3, {});
    FAIL() << "target 3 of 3 classes was accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "target class 3 is out of range: the model has 3 outputs (0..2)");
  }
  x.pop_back();
  try {
    make_it(m, x, 0, {});
    FAIL() << "a short input was accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "input: expected 144 values [1,12,12], got 143");
  }
  Sequential two_channels = make_model(R"([
      {"name": "f", "type": "flatten"},
      {"name": "d1", "type": "dense", "out_features": 2}])",
                                       2, 4, 4);
  EXPECT_THROW(make_it(two_channels, std::vector<float>(32, 0.0f), 0, {}), Error);
  MakeItOptions bad;
  bad.epsilon = 0;
  EXPECT_THROW(make_it(m, std::vector<float>(144, 0.0f), 0, bad), Error);
}

}  // namespace
}  // namespace convscope
