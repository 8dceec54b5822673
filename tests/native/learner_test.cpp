// The learner (model + optimizer + schedule, train/learner.hpp), the one-cycle schedule, and
// the checks that used to live in the binding: optimizer names, labels given as numbers, the
// jet generator's count and seed, and numbers in error messages.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>

#include "data/jets.hpp"
#include "tensor/numbers.hpp"
#include "test_util.hpp"
#include "train/init.hpp"
#include "train/learner.hpp"
#include "train/schedule.hpp"

namespace convscope {
namespace {

using testing::make_model;

const char* kNet = R"([
  {"name": "conv", "type": "conv2d", "out_channels": 2, "kernel": 3},
  {"name": "relu", "type": "relu"},
  {"name": "flatten", "type": "flatten"},
  {"name": "fc", "type": "dense", "out_features": 3},
  {"name": "softmax", "type": "softmax"}])";

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// A few samples of [1,5,5] with labels 0..2.
struct Data {
  std::vector<float> x;
  std::vector<std::int32_t> y;
  explicit Data(std::size_t n) : x(n * 25), y(n) {
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.37f * static_cast<float>(i));
    for (std::size_t i = 0; i < n; ++i) y[i] = static_cast<std::int32_t>(i % 3);
  }
  Batch batch() const { return {x.data(), x.size(), y.data(), y.size(), y.size()}; }
};

TEST(Schedule, OneCycleWarmsUpPeaksAndCoolsDown) {
  EXPECT_FLOAT_EQ(one_cycle(1.0f, 0, 100), 0.04f);
  EXPECT_FLOAT_EQ(one_cycle(1.0f, 25, 100), 1.0f);
  EXPECT_LT(one_cycle(1.0f, 99, 100), 0.01f);
  EXPECT_GT(one_cycle(1.0f, 99, 100), 0.0f);
  for (std::size_t s = 1; s <= 25; ++s) EXPECT_GT(one_cycle(2.0f, s, 100), one_cycle(2.0f, s - 1, 100));
  for (std::size_t s = 26; s < 100; ++s) EXPECT_LT(one_cycle(2.0f, s, 100), one_cycle(2.0f, s - 1, 100));
}

TEST(Learner, ScheduledStepsFollowOneCycleAndMatchExplicitRates) {
  Sequential a = make_model(kNet, 1, 5, 5), b = make_model(kNet, 1, 5, 5);
  Learner la(a), lb(b);
  la.initialize(3);
  lb.initialize(3);
  la.set_schedule(0.01f, 8);
  const Data d(6);
  for (std::size_t s = 0; s < 8; ++s) {
    EXPECT_FLOAT_EQ(la.scheduled_rate(), one_cycle(0.01f, s, 8));
    const LossResult ra = la.step(d.batch());
    const LossResult rb = lb.step(d.batch(), one_cycle(0.01f, s, 8));
    EXPECT_DOUBLE_EQ(ra.loss, rb.loss) << "step " << s;
  }
  const auto pa = a.params(), pb = b.params();
  for (std::size_t i = 0; i < pa.size(); ++i) EXPECT_EQ(*pa[i].value, *pb[i].value) << pa[i].name;
}

TEST(Learner, LearnsAndInitializeOrSetOptimizerForgetsTheState) {
  Sequential m = make_model(kNet, 1, 5, 5);
  Learner learner(m);
  learner.initialize(1);
  const Data d(6);
  const double first = learner.evaluate(d.batch()).loss;
  for (int i = 0; i < 60; ++i) learner.step(d.batch(), 0.01f);
  EXPECT_LT(learner.evaluate(d.batch()).loss, first / 2);
  // a fresh start gives the same first step as a new learner: no Adam moments survive
  learner.initialize(1);
  const double again = learner.step(d.batch(), 0.01f).loss;
  Sequential m2 = make_model(kNet, 1, 5, 5);
  Learner fresh(m2);
  fresh.initialize(1);
  EXPECT_DOUBLE_EQ(fresh.step(d.batch(), 0.01f).loss, again);
  EXPECT_EQ(*m.params()[0].value, *m2.params()[0].value);
  OptimizerConfig sgd;
  sgd.kind = OptimizerConfig::Kind::sgd;
  learner.set_optimizer(sgd);
  fresh.set_optimizer(sgd);
  learner.step(d.batch(), 0.1f);
  fresh.step(d.batch(), 0.1f);
  EXPECT_EQ(*m.params()[0].value, *m2.params()[0].value);
}

TEST(Learner, RefusesWrongSizesRatesAndLabels) {
  Sequential m = make_model(kNet, 1, 5, 5);
  Learner learner(m);
  const Data d(4);
  Batch b = d.batch();
  b.label_count = 3;
  EXPECT_NE(error_of([&] { learner.step(b, 0.1f); }).find("n labels"), std::string::npos);
  b = d.batch();
  b.input_values = 99;
  EXPECT_NE(error_of([&] { learner.evaluate(b); }).find("inputs of 25 values"), std::string::npos);
  EXPECT_NE(error_of([&] { learner.step(d.batch(), -1); }).find("learning rate"), std::string::npos);
  EXPECT_NE(error_of([&] { learner.step(d.batch(), std::nanf("")); }).find("learning rate"),
            std::string::npos);
  Data bad(4);
  bad.y[2] = 3;
  EXPECT_NE(error_of([&] {
              learner.step(bad.batch(), 0.1f);
            }).find("label 3 of sample 2 is out of range"),
            std::string::npos);
  EXPECT_NE(error_of([&] { learner.set_schedule(0.1f, 0); }).find("total steps"), std::string::npos);
}

TEST(OptimizerKind, ParsesTheTwoNamesAndRefusesOthers) {
  EXPECT_EQ(optimizer_kind("adam"), OptimizerConfig::Kind::adam);
  EXPECT_EQ(optimizer_kind("sgd"), OptimizerConfig::Kind::sgd);
  EXPECT_EQ(error_of([] { optimizer_kind("lbfgs"); }),
            "optimizer: expected \"adam\" or \"sgd\", got \"lbfgs\"");
}

TEST(ClassLabels, WholeNumbersPassOthersAreNamed) {
  EXPECT_EQ(class_labels({0, 1, 7, -1}), (std::vector<std::int32_t>{0, 1, 7, -1}));
  EXPECT_EQ(error_of([] {
              class_labels({0, 0.5});
            }),
            "labels: label 1 is 0.5, expected a whole number (a class index)");
  EXPECT_NE(error_of([] { class_labels({std::nan("")}); }).find("label 0 is NaN"), std::string::npos);
  EXPECT_NE(error_of([] {
              class_labels({0, 1, 4294967296.0});
            }).find("label 2 is 4294967296"),
            std::string::npos);
}

TEST(Numbers, TextIsShortestAndWholeNumbersAreChecked) {
  EXPECT_EQ(number_text(0.5), "0.5");
  EXPECT_EQ(number_text(0.1), "0.1");
  EXPECT_EQ(number_text(-2), "-2");
  EXPECT_EQ(number_text(4294967296.0), "4294967296");
  EXPECT_EQ(number_text(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(whole_number(3, 1, 5, "x"), 3);
  EXPECT_EQ(error_of([] { whole_number(2.5, 1, 5, "x"); }),
            "x must be a whole number from 1 to 5, got 2.5");
  EXPECT_EQ(error_of([] { whole_number(6, 1, 5, "x"); }), "x must be a whole number from 1 to 5, got 6");
  EXPECT_EQ(sample_count(4), 4u);
  EXPECT_EQ(error_of([] { sample_count(0); }),
            "inputs: n must be a whole number of samples >= 1, got n = 0");
  EXPECT_NE(error_of([] { sample_count(2.5); }).find("n = 2.5"), std::string::npos);
}

TEST(Jets, CheckedRequestRefusesBadCountsAndSeedsAndGivesTheSameImages) {
  for (double count : {0.0, 1.5, -1.0, 100001.0, std::nan("")})
    EXPECT_NE(error_of([&] { generate_jets_checked(count, 1); }).find("generateJets: count"),
              std::string::npos)
        << count;
  for (double seed : {-1.0, 0.5, 4294967296.0})
    EXPECT_NE(error_of([&] { generate_jets_checked(2, seed); }).find("generateJets: seed"),
              std::string::npos)
        << seed;
  const Dataset a = generate_jets_checked(3, 4294967295.0), b = generate_jets(3, 4294967295u);
  EXPECT_EQ(a.images, b.images);
  EXPECT_EQ(a.labels, b.labels);
}

TEST(Jets, CheckedRangeRefusesBadArgumentsAndGivesTheSameImages) {
  for (double first : {-1.0, 0.5, 10.0, 11.0, std::nan("")})
    EXPECT_NE(error_of([&] {
                generate_jet_range_checked(10, 1, first, 1);
              }).find("generateJetRange: first"),
              std::string::npos)
        << first;
  for (double n : {0.0, -1.0, 2.5, 7.0, std::nan("")})
    EXPECT_NE(error_of([&] { generate_jet_range_checked(10, 1, 4, n); }).find("generateJetRange: n"),
              std::string::npos)
        << n;
  EXPECT_EQ(error_of([] { generate_jet_range_checked(10, 1, 4, 7); }),
            "generateJetRange: n (first + n at most count) must be a whole number from 1 to 6, got 7");
  for (double count : {0.0, 1.5, 100001.0, std::nan("")})
    EXPECT_NE(error_of([&] {
                generate_jet_range_checked(count, 1, 0, 1);
              }).find("generateJetRange: count"),
              std::string::npos)
        << count;
  for (double seed : {-1.0, 0.5, 4294967296.0})
    EXPECT_NE(error_of([&] {
                generate_jet_range_checked(10, seed, 0, 1);
              }).find("generateJetRange: seed"),
              std::string::npos)
        << seed;
  const Dataset a = generate_jet_range_checked(10, 4294967295.0, 4, 6),
                b = generate_jets(10, 4294967295u, 4, 6);
  EXPECT_EQ(a.count, 6u);
  EXPECT_EQ(a.images, b.images);
  EXPECT_EQ(a.labels, b.labels);
}

}  // namespace
}  // namespace convscope
