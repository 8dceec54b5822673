// Building a model from its architecture, loading it from safetensors, and every refusal.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "io/safetensors.hpp"
#include "model/model_io.hpp"
#include "test_util.hpp"

namespace convscope {
namespace {

using testing::make_model;

const char* kCnn = R"({"input": {"channels": 1, "height": 8, "width": 8},
  "labels": ["a", "b", "c"],
  "layers": [
    {"name": "conv1", "type": "conv2d", "out_channels": 4, "kernel": 3},
    {"name": "relu1", "type": "relu"},
    {"name": "pool1", "type": "maxpool2d", "kernel": 2, "stride": 2},
    {"name": "flatten", "type": "flatten"},
    {"name": "fc1", "type": "dense", "out_features": 3},
    {"name": "softmax", "type": "softmax"}]})";

// A model with deterministic non-zero parameters, saved to bytes.
std::vector<std::uint8_t> saved_cnn() {
  Sequential m(parse_architecture(kCnn));
  float v = 0;
  for (Param& p : m.params())
    for (float& x : *p.value) x = std::sin(v += 1.0f);
  return save_model(m, {{"dataset", "test"}});
}

// The file's parts, to break one at a time.
Safetensors parts() {
  const auto bytes = saved_cnn();
  return read_safetensors(bytes.data(), bytes.size());
}

std::string load_error(const Safetensors& file) {
  const auto bytes = write_safetensors(file);
  try {
    load_model(bytes.data(), bytes.size());
  } catch (const Error& e) {
    return e.what();
  }
  return "(loaded)";
}

// An architecture error: the message of building a model from this JSON.
std::string arch_error(const std::string& json) {
  try {
    Sequential m(parse_architecture(json));
  } catch (const Error& e) {
    return e.what();
  }
  return "(built)";
}

std::string with_layers(const std::string& layers, int c = 1, int h = 8, int w = 8) {
  return R"({"input": {"channels": )" + std::to_string(c) + R"(, "height": )" + std::to_string(h) +
         R"(, "width": )" + std::to_string(w) + R"(}, "layers": )" + layers + "}";
}

#define EXPECT_HAS(haystack, needle) EXPECT_NE((haystack).find(needle), std::string::npos) << (haystack)

TEST(Model, RoundTripKeepsArchitectureParametersAndMetadata) {
  const auto bytes = saved_cnn();
  std::map<std::string, std::string> metadata;
  Sequential loaded = load_model(bytes.data(), bytes.size(), &metadata);
  EXPECT_EQ(metadata.at("format"), "convscope/1");
  EXPECT_EQ(metadata.at("dataset"), "test");
  EXPECT_EQ(loaded.labels(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(save_model(loaded, {{"dataset", "test"}}), bytes);  // byte for byte
  EXPECT_EQ(loaded.parameter_count(), 4u * 9 + 4 + 3 * 36 + 3);
}

TEST(Model, ForwardKeepsEveryLayersOutputAndFastEqualsReference) {
  const auto bytes = saved_cnn();
  Sequential m = load_model(bytes.data(), bytes.size());
  std::vector<float> x(64);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::cos(static_cast<float>(i));
  const Tensor fast = m.forward(x.data(), x.size(), 1, Kernels::fast);
  const Tensor ref = m.forward(x.data(), x.size(), 1, Kernels::reference);
  ASSERT_EQ(m.size(), 6u);
  EXPECT_EQ(m.output(0).shape(), (std::vector<std::size_t>{1, 4, 6, 6}));
  EXPECT_EQ(m.output(2).shape(), (std::vector<std::size_t>{1, 4, 3, 3}));
  EXPECT_EQ(m.output(4).shape(), (std::vector<std::size_t>{1, 3}));
  float sum = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(fast(0, i), ref(0, i), 1e-6);
    sum += fast(0, i);
  }
  EXPECT_NEAR(sum, 1.0f, 1e-6);
}

TEST(Model, BatchForwardEqualsOneByOne) {
  const auto bytes = saved_cnn();
  Sequential m = load_model(bytes.data(), bytes.size());
  std::vector<float> x(5 * 64);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.37f * static_cast<float>(i));
  const Tensor batch = m.forward(x.data(), x.size(), 5);
  for (std::size_t s = 0; s < 5; ++s) {
    const Tensor one = m.forward(x.data() + 64 * s, 64, 1);
    for (std::size_t i = 0; i < 3; ++i) EXPECT_FLOAT_EQ(batch(s, i), one(0, i));
  }
}

TEST(Model, ForwardRefusesWrongLengthAndNonFiniteInput) {
  const auto bytes = saved_cnn();
  Sequential m = load_model(bytes.data(), bytes.size());
  std::vector<float> x(63);
  EXPECT_THROW(m.forward(x.data(), x.size(), 1), Error);
  x.resize(64);
  x[10] = std::numeric_limits<float>::quiet_NaN();
  try {
    m.forward(x.data(), x.size(), 1);
    FAIL();
  } catch (const Error& e) {
    EXPECT_HAS(std::string(e.what()), "value 10 is not a finite");
  }
  x[10] = std::numeric_limits<float>::infinity();
  EXPECT_THROW(m.forward(x.data(), x.size(), 1), Error);
}

TEST(Model, RefusesMissingFormat) {
  auto f = parts();
  f.metadata.erase("format");
  EXPECT_HAS(load_error(f), "missing \"format\"");
}

TEST(Model, RefusesUnknownFormatVersion) {
  auto f = parts();
  f.metadata["format"] = "convscope/2";
  EXPECT_HAS(load_error(f), "unknown format \"convscope/2\"");
}

TEST(Model, RefusesMissingArchitecture) {
  auto f = parts();
  f.metadata.erase("architecture");
  EXPECT_HAS(load_error(f), "missing \"architecture\"");
}

TEST(Model, RefusesArchitectureThatIsNotJson) {
  auto f = parts();
  f.metadata["architecture"] = "{layers: oops";
  EXPECT_HAS(load_error(f), "architecture: not valid JSON");
}

TEST(Model, RefusesMissingTensor) {
  auto f = parts();
  f.tensors.erase(f.tensors.begin());  // conv1.weight
  EXPECT_HAS(load_error(f), "conv1.weight: missing tensor");
}

TEST(Model, RefusesExtraTensor) {
  auto f = parts();
  f.tensors.push_back({"conv9.weight", {1}, {0.0f}});
  EXPECT_HAS(load_error(f), "conv9.weight: unexpected tensor");
}

TEST(Model, RefusesShapeThatDoesNotFit) {
  auto f = parts();
  f.tensors[0].shape = {4, 1, 9};  // conv1.weight, same element count
  EXPECT_HAS(load_error(f), "conv1.weight: shape [4,1,9], architecture needs [4,1,3,3]");
}

TEST(Model, RefusesParametersTheFileDoesNotHoldBeforeAllocatingThem) {
  auto f = parts();
  // 64 M weights: allowed per tensor, but the file has no such tensor.
  f.metadata["architecture"] = with_layers(
      R"([{"name": "f", "type": "flatten"}, {"name": "d", "type": "dense", "out_features": 1024}])", 16,
      64, 64);
  EXPECT_HAS(load_error(f), "d.weight: missing tensor (the architecture needs shape [1024,65536])");
  // 2^40 weights: refused by size, never allocated.
  f.metadata["architecture"] = with_layers(
      R"([{"name": "f", "type": "flatten"}, {"name": "d", "type": "dense", "out_features": 65536}])",
      4096, 64, 64);
  EXPECT_HAS(load_error(f), "d.weight: [65536,16777216] is too large");
}

TEST(Architecture, RefusesUnknownLayerType) {
  EXPECT_HAS(arch_error(with_layers(R"([{"name": "x", "type": "conv3d"}])")),
             "x: unknown layer type \"conv3d\"");
}

TEST(Architecture, RefusesDuplicateLayerNames) {
  EXPECT_HAS(arch_error(
                 with_layers(R"([{"name": "a", "type": "relu"}, {"name": "a", "type": "tanh"}])")),
             "duplicate layer name \"a\"");
}

TEST(Architecture, RefusesStrideZero) {
  EXPECT_HAS(arch_error(with_layers(
                 R"([{"name": "c", "type": "conv2d", "out_channels": 1, "kernel": 3, "stride": 0}])")),
             "c.stride: 0 is out of range");
}

TEST(Architecture, RefusesKernelLargerThanItsInput) {
  EXPECT_HAS(arch_error(
                 with_layers(R"([{"name": "c", "type": "conv2d", "out_channels": 1, "kernel": 9}])")),
             "c: kernel 9 is larger than its input 8");
  EXPECT_HAS(arch_error(with_layers(R"([{"name": "p", "type": "maxpool2d", "kernel": [2, 9]}])")),
             "p: kernel 9 is larger than its input 8");
}

TEST(Architecture, RefusesNegativePadding) {
  EXPECT_HAS(arch_error(with_layers(
                 R"([{"name": "c", "type": "conv2d", "out_channels": 1, "kernel": 3, "padding": -1}])")),
             "c.padding: -1 is out of range");
  EXPECT_HAS(
      arch_error(with_layers(
          R"([{"name": "c", "type": "conv2d", "out_channels": 1, "kernel": 3, "padding": "full"}])")),
      "c.padding: expected an integer");
}

TEST(Architecture, RefusesZeroChannels) {
  EXPECT_HAS(arch_error(
                 with_layers(R"([{"name": "c", "type": "conv2d", "out_channels": 0, "kernel": 3}])")),
             "c.out_channels: 0 is out of range");
  EXPECT_HAS(arch_error(with_layers(R"([{"name": "r", "type": "relu"}])", 0)),
             "architecture.input.channels: 0 is out of range");
}

TEST(Architecture, RefusesMissingHyperparameters) {
  EXPECT_HAS(arch_error(with_layers(R"([{"name": "c", "type": "conv2d", "kernel": 3}])")),
             "c: missing \"out_channels\"");
  EXPECT_HAS(arch_error(with_layers(R"([{"name": "d", "type": "dense"}])")), "missing \"out_features\"");
  EXPECT_HAS(arch_error(with_layers(R"([{"type": "relu"}])")), "layers[0]: missing \"name\"");
  EXPECT_HAS(arch_error(
                 with_layers(R"([{"name": "c", "type": "conv2d", "out_channels": 1, "kernel": 2.5}])")),
             "c.kernel: expected an integer");
}

TEST(Architecture, RefusesDenseWithoutFlatten) {
  EXPECT_HAS(arch_error(with_layers(R"([{"name": "d", "type": "dense", "out_features": 2}])")),
             "d: dense needs a flat input (add a flatten layer before it), got [1,8,8]");
}

TEST(Architecture, RefusesConvAfterFlatten) {
  EXPECT_HAS(arch_error(with_layers(R"([{"name": "f", "type": "flatten"},
      {"name": "c", "type": "conv2d", "out_channels": 1, "kernel": 1}])")),
             "c: conv2d needs a [C,H,W] input, got [64]");
}

TEST(Architecture, RefusesLabelsThatDoNotMatchTheOutputs) {
  EXPECT_HAS(arch_error(R"({"input": {"channels": 1, "height": 2, "width": 2}, "labels": ["a"],
      "layers": [{"name": "f", "type": "flatten"}]})"),
             "1 labels, but the last layer gives 4 outputs");
}

TEST(Architecture, RefusesMissingOrEmptyPieces) {
  EXPECT_HAS(arch_error("[]"), "expected a JSON object");
  EXPECT_HAS(arch_error(R"({"layers": [{"name": "r", "type": "relu"}]})"), "missing \"input\"");
  EXPECT_HAS(arch_error(R"({"input": {"channels": 1, "height": 2, "width": 2}, "layers": []})"),
             "missing \"layers\"");
}

TEST(Architecture, RefusesOutputsTooLargeToAllocate) {
  EXPECT_HAS(arch_error(
                 with_layers(R"([{"name": "c", "type": "conv2d", "out_channels": 65536, "kernel": 1}])",
                             1, 4096, 4096)),
             "c output: [65536,4096,4096] is too large");
}

TEST(Architecture, DefaultLabelsAreIndices) {
  Sequential m = make_model(R"([{"name": "f", "type": "flatten"}])", 1, 1, 3);
  EXPECT_EQ(m.labels(), (std::vector<std::string>{"0", "1", "2"}));
}

}  // namespace
}  // namespace convscope
