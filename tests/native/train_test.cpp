// Training: optimizers, initialisation, augmentation, threads, and short real training runs.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "io/mnist_idx.hpp"
#include "test_util.hpp"
#include "train/augment.hpp"
#include "train/init.hpp"
#include "train/trainer.hpp"

namespace convscope {
namespace {

using testing::make_model;

const char* kSmallCnn = R"([
  {"name": "conv1", "type": "conv2d", "out_channels": 4, "kernel": 3, "padding": 1},
  {"name": "relu1", "type": "relu"},
  {"name": "pool1", "type": "maxpool2d", "kernel": 2},
  {"name": "conv2", "type": "conv2d", "out_channels": 8, "kernel": 3},
  {"name": "relu2", "type": "relu"},
  {"name": "pool2", "type": "maxpool2d", "kernel": 2},
  {"name": "flatten", "type": "flatten"},
  {"name": "fc", "type": "dense", "out_features": 10},
  {"name": "softmax", "type": "softmax"}])";

TEST(Optimizer, SgdAndAdamFirstSteps) {
  Tensor w = Tensor::from_shape({2, 1}), g = Tensor::from_shape({2, 1});
  w(0, 0) = 1;
  w(1, 0) = -2;
  g(0, 0) = 0.5f;
  g(1, 0) = -4;
  std::vector<Param> params{{"w", {2, 1}, &w, &g}};
  OptimizerConfig sgd;
  sgd.kind = OptimizerConfig::Kind::sgd;
  Optimizer opt(sgd);
  opt.step(params, 0.1f);  // v = g, w -= 0.1 g
  EXPECT_FLOAT_EQ(w(0, 0), 0.95f);
  EXPECT_FLOAT_EQ(w(1, 0), -1.6f);
  opt.step(params, 0.1f);  // v = 0.9 g + g
  EXPECT_FLOAT_EQ(w(0, 0), 0.95f - 0.1f * 1.9f * 0.5f);

  w(0, 0) = 1;
  w(1, 0) = -2;
  Optimizer adam({});
  adam.step(params, 0.01f);  // first Adam step moves every weight by lr against its gradient's sign
  EXPECT_NEAR(w(0, 0), 0.99f, 1e-6);
  EXPECT_NEAR(w(1, 0), -1.99f, 1e-6);
}

TEST(Initialize, HeForReluGlorotOtherwiseZeroBiasesAndDeterministic) {
  Sequential a = make_model(kSmallCnn, 1, 12, 12), b = make_model(kSmallCnn, 1, 12, 12);
  initialize(a, 5);
  initialize(b, 5);
  const auto pa = a.params(), pb = b.params();
  for (std::size_t i = 0; i < pa.size(); ++i) {
    EXPECT_EQ(*pa[i].value, *pb[i].value) << pa[i].name;
    if (pa[i].shape.size() == 1) {
      EXPECT_EQ(xt::amax(xt::abs(*pa[i].value))(), 0.0f);
    }
  }
  // conv2 weights [8,4,3,3], followed by relu: std √(2/36)
  const Tensor& w = *pa[2].value;
  const double var = xt::mean(w * w)();
  EXPECT_NEAR(var, 2.0 / 36, 0.02);
  // fc [10,8]... followed by softmax: uniform within ±√(6/(fan_in+fan_out))
  const Tensor& fc = *pa[4].value;
  EXPECT_LE(xt::amax(xt::abs(fc))(), std::sqrt(6.0 / (fc.shape()[1] + 10)));
  initialize(b, 6);
  EXPECT_NE(*a.params()[0].value, *b.params()[0].value);
}

TEST(Augment, KeepsImagesInRangeMovesInkAndCanThicken) {
  std::vector<float> img(28 * 28, 0.0f), out(img.size());
  for (int y = 8; y < 20; ++y) img[y * 28 + 14] = 1.0f;  // a vertical stroke
  Rng rng(1);
  AugmentConfig none{0, 1, 1, 0, 0, 0};
  augment(img.data(), out.data(), 28, 28, rng, none);
  for (std::size_t i = 0; i < img.size(); ++i) EXPECT_NEAR(out[i], img[i], 1e-5) << i;
  AugmentConfig thick{0, 1, 1, 0, 1, 0};
  augment(img.data(), out.data(), 28, 28, rng, thick);
  EXPECT_GT(std::accumulate(out.begin(), out.end(), 0.0f), 12.5f);
  const AugmentConfig usual;
  bool moved = false;
  for (int trial = 0; trial < 20; ++trial) {
    augment(img.data(), out.data(), 28, 28, rng, usual);
    for (float v : out) ASSERT_TRUE(v >= 0 && v <= 1.0001f);
    moved |= out[14 * 28 + 14] < 0.99f;
  }
  EXPECT_TRUE(moved);
}

TEST(Trainer, TwoThreadsGiveTheSameStepAsOne) {
  Sequential a = make_model(kSmallCnn, 1, 12, 12), b = make_model(kSmallCnn, 1, 12, 12);
  initialize(a, 9);
  initialize(b, 9);
  Rng rng(2);
  std::vector<float> x(13 * 144);
  std::vector<std::int32_t> y(13);
  for (float& v : x) v = rng.uniform();
  for (auto& l : y) l = static_cast<std::int32_t>(rng.below(10));
  Trainer one(a, {}, 1), two(b, {}, 2);
  for (int s = 0; s < 3; ++s) {
    const LossResult ra = one.step(x.data(), y.data(), 13, 0.01f);
    const LossResult rb = two.step(x.data(), y.data(), 13, 0.01f);
    EXPECT_NEAR(ra.loss, rb.loss, 1e-5);
    EXPECT_EQ(ra.correct, rb.correct);
  }
  const auto pa = a.params(), pb = b.params();
  for (std::size_t i = 0; i < pa.size(); ++i)
    for (std::size_t j = 0; j < pa[i].value->size(); ++j)
      EXPECT_NEAR(pa[i].value->data()[j], pb[i].value->data()[j], 1e-5) << pa[i].name;
}

TEST(Trainer, RefusesLabelsOutOfRange) {
  Sequential m = make_model(kSmallCnn, 1, 12, 12);
  Trainer t(m, {});
  std::vector<float> x(144, 0.5f);
  const std::int32_t bad[] = {10};
  EXPECT_THROW(t.step(x.data(), bad, 1, 0.01f), Error);
}

// A real, short run: 2,000 MNIST training images (14×14 crops would change the task, so the
// full 28×28), 3 epochs — the loss falls and test accuracy on 1,000 test images is far above
// chance (10%).
TEST(Trainer, ShortMnistRunLearns) {
  const Dataset train = load_mnist(CONVSCOPE_MNIST_DIR, true),
                test = load_mnist(CONVSCOPE_MNIST_DIR, false);
  Sequential m = make_model(kSmallCnn, 1, 28, 28);
  initialize(m, 1);
  Trainer trainer(m, {}, 2);
  const std::size_t n = 2000, batch = 50, pixels = 784;
  double first = 0, last = 0;
  for (int epoch = 0; epoch < 3; ++epoch) {
    double sum = 0;
    for (std::size_t b = 0; b < n; b += batch)
      sum += trainer.step(train.images.data() + b * pixels, train.labels.data() + b, batch, 0.005f).loss;
    (epoch == 0 ? first : last) = sum / (n / batch);
  }
  EXPECT_LT(last, 0.6 * first);
  const auto predicted = predict_classes(m, test.images.data(), 1000);
  std::size_t hits = 0;
  for (std::size_t i = 0; i < 1000; ++i) hits += predicted[i] == test.labels[i];
  EXPECT_GT(hits, 800u);
}

}  // namespace
}  // namespace convscope
