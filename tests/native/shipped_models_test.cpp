// The shipped models in web/models/: the accuracy recorded in each file is what it scores on the
// 10,000 MNIST test images, and the lecture's argument holds — the CNN beats the 784-30-10 DNN
// with fewer parameters, at most 16 channels per conv layer.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "io/mnist_idx.hpp"
#include "layers/conv2d.hpp"
#include "model/model_io.hpp"
#include "train/trainer.hpp"

namespace convscope {
namespace {

const std::string kModels = CONVSCOPE_MODELS_DIR;

struct Shipped {
  Sequential model;
  std::map<std::string, std::string> metadata;
};

Shipped load(const std::string& file) {
  const auto bytes = read_file(kModels + "/" + file);
  std::map<std::string, std::string> metadata;
  Sequential model = load_model(bytes.data(), bytes.size(), &metadata);
  return {std::move(model), std::move(metadata)};
}

double test_accuracy(Sequential& model) {
  static const Dataset test = load_mnist(CONVSCOPE_MNIST_DIR, false);
  const auto predicted = predict_classes(model, test.images.data(), test.count);
  std::size_t hits = 0;
  for (std::size_t i = 0; i < test.count; ++i) hits += predicted[i] == test.labels[i];
  return static_cast<double>(hits) / static_cast<double>(test.count);
}

TEST(ShippedModels, CnnReachesItsRecordedAccuracyWithFewerParametersThanTheDnn) {
  Shipped cnn = load("mnist-cnn.safetensors");
  const double accuracy = test_accuracy(cnn.model);
  EXPECT_EQ(cnn.metadata.at("dataset"), "MNIST");
  EXPECT_NEAR(accuracy, std::stod(cnn.metadata.at("test_accuracy")), 0.00005);  // 4 decimals
  EXPECT_GE(accuracy, 0.992);
  EXPECT_LT(cnn.model.parameter_count(), 23860u);
  for (std::size_t i = 0; i < cnn.model.size(); ++i) {
    if (const auto* conv = dynamic_cast<const Conv2d*>(&cnn.model.layer(i))) {
      EXPECT_LE(conv->geometry().oc, 16u) << conv->name();
    }
  }
}

TEST(ShippedModels, DnnIsTheLectures784_30_10AndReachesItsRecordedAccuracy) {
  Shipped dnn = load("mnist-dnn.safetensors");
  const double accuracy = test_accuracy(dnn.model);
  EXPECT_EQ(dnn.metadata.at("dataset"), "MNIST");
  EXPECT_EQ(dnn.model.parameter_count(), 23860u);
  EXPECT_NEAR(accuracy, std::stod(dnn.metadata.at("test_accuracy")), 0.00005);
  EXPECT_GE(accuracy, 0.9);
}

}  // namespace
}  // namespace convscope
