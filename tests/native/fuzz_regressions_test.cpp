// Regression tests for what fuzzing (tests/fuzz) and the size audit found: each input that
// crashed, exhausted memory or was misread, inline, with what the engine must say now.
// Inputs too long to write out (deep nesting) are built by a loop, described beside it.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "error.hpp"
#include "io/architecture.hpp"
#include "io/mnist_idx.hpp"
#include "io/safetensors.hpp"
#include "model/model_io.hpp"

namespace convscope {
namespace {

#define EXPECT_HAS(haystack, needle) EXPECT_NE((haystack).find(needle), std::string::npos) << (haystack)

using Bytes = std::vector<std::uint8_t>;

// [u64 LE header length][header][data], the header as given.
Bytes safetensors_file(const std::string& header, const Bytes& data = {}) {
  Bytes bytes;
  for (int i = 0; i < 8; ++i)
    bytes.push_back(static_cast<std::uint8_t>(std::uint64_t{header.size()} >> (8 * i)));
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.insert(bytes.end(), data.begin(), data.end());
  return bytes;
}

// n copies of "[" then n of "]": valid JSON, n levels deep.
std::string nested_arrays(std::size_t n) { return std::string(n, '[') + std::string(n, ']'); }

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string load_error(const Bytes& bytes) {
  return error_of([&] { load_model(bytes.data(), bytes.size()); });
}

// A convscope/1 file whose architecture is `arch` and whose tensors are named in `tensors`,
// each one float [1,1,1,1] (conv weight) or [1] (bias), value 1.
Bytes model_file(const std::string& arch, const std::vector<std::string>& weights,
                 const std::vector<std::string>& biases) {
  Safetensors file;
  file.metadata = {{"format", "convscope/1"}, {"architecture", arch}};
  for (const auto& w : weights) file.tensors.push_back({w, {1, 1, 1, 1}, {1.0f}});
  for (const auto& b : biases) file.tensors.push_back({b, {1}, {1.0f}});
  return write_safetensors(file);
}

// ---- JSON nested 100,000 deep: stack overflow ------------------------------------------
// nlohmann parses iteratively, but dump() (used in error messages) and copies recurse per
// level. Found by review, then run through fuzz_architecture (a 200 kB input):
//   AddressSanitizer: stack-overflow ... nlohmann::detail::serializer<...>::dump
// in parse_architecture's "expected a JSON object, got " + j.dump(). Now refused at parse.

TEST(FuzzRegressions, ArchitectureNestedTooDeepIsRefusedNotOverflowingTheStack) {
  EXPECT_HAS(error_of([] { parse_architecture(nested_arrays(100000)); }),
             "architecture: JSON nested more than 64 levels deep");
  // inside an object, where copies (arch.json = j) would recurse too
  EXPECT_HAS(error_of([] { parse_architecture(R"({"x": )" + nested_arrays(100000) + "}"); }),
             "nested more than 64 levels deep");
  // 64 levels still parse (and are then refused for what they are)
  EXPECT_HAS(error_of([] { parse_architecture(nested_arrays(64)); }), "expected a JSON object");
}

TEST(FuzzRegressions, SafetensorsHeaderNestedTooDeepIsRefused) {
  // a shape of arrays: the reader's error message would dump() it
  const std::string header = R"({"t": {"dtype": "F32", "shape": )" + nested_arrays(100000) +
                             R"(, "data_offsets": [0, 0]}})";
  const Bytes bytes = safetensors_file(header);
  EXPECT_HAS(error_of([&] { read_safetensors(bytes.data(), bytes.size()); }),
             "safetensors: header: JSON nested more than 64 levels deep");
}

TEST(FuzzRegressions, ModelWhoseArchitectureStringIsNestedTooDeepIsRefused) {
  Safetensors file;
  file.metadata = {{"format", "convscope/1"}, {"architecture", nested_arrays(100000)}};
  EXPECT_HAS(load_error(write_safetensors(file)), "architecture: JSON nested more than 64");
}

// ---- a 3 kB model file that allocated 2.5 GB while loading -----------------------------------
// Ten times: a 1x1 conv with padding 4095 (1x1x1 -> 1x8191x8191) and a max pool back to 1x1x1.
// Each conv layer sized its im2col buffer (2^26 floats, 256 MB) at build, each within the
// per-tensor limit; the file holds 80 bytes of weights. fuzz_architecture:
//   libFuzzer: out-of-memory (used: 2139Mb; limit: 2048Mb)
// Now one sample's activations and scratch, all layers together, are at most 2^26 values, and
// the im2col buffer is allocated at the first forward pass, not at load.
const char* const kTenHugePaddings = R"({"input": {"channels": 1, "height": 1, "width": 1}, "layers": [
  {"name": "c0", "type": "conv2d", "out_channels": 1, "kernel": 1, "padding": 4095},
  {"name": "p0", "type": "maxpool2d", "kernel": 8191},
  {"name": "c1", "type": "conv2d", "out_channels": 1, "kernel": 1, "padding": 4095},
  {"name": "p1", "type": "maxpool2d", "kernel": 8191},
  {"name": "c2", "type": "conv2d", "out_channels": 1, "kernel": 1, "padding": 4095},
  {"name": "p2", "type": "maxpool2d", "kernel": 8191},
  {"name": "c3", "type": "conv2d", "out_channels": 1, "kernel": 1, "padding": 4095},
  {"name": "p3", "type": "maxpool2d", "kernel": 8191},
  {"name": "c4", "type": "conv2d", "out_channels": 1, "kernel": 1, "padding": 4095},
  {"name": "p4", "type": "maxpool2d", "kernel": 8191},
  {"name": "c5", "type": "conv2d", "out_channels": 1, "kernel": 1, "padding": 4095},
  {"name": "p5", "type": "maxpool2d", "kernel": 8191},
  {"name": "c6", "type": "conv2d", "out_channels": 1, "kernel": 1, "padding": 4095},
  {"name": "p6", "type": "maxpool2d", "kernel": 8191},
  {"name": "c7", "type": "conv2d", "out_channels": 1, "kernel": 1, "padding": 4095},
  {"name": "p7", "type": "maxpool2d", "kernel": 8191},
  {"name": "c8", "type": "conv2d", "out_channels": 1, "kernel": 1, "padding": 4095},
  {"name": "p8", "type": "maxpool2d", "kernel": 8191},
  {"name": "c9", "type": "conv2d", "out_channels": 1, "kernel": 1, "padding": 4095},
  {"name": "p9", "type": "maxpool2d", "kernel": 8191}]})";

TEST(FuzzRegressions, SmallFileCannotMakeTheLoaderAllocateGigabytes) {
  std::vector<std::string> weights, biases;
  for (int i = 0; i < 10; ++i) {
    weights.push_back("c" + std::to_string(i) + ".weight");
    biases.push_back("c" + std::to_string(i) + ".bias");
  }
  const Bytes bytes = model_file(kTenHugePaddings, weights, biases);
  EXPECT_LT(bytes.size(), 4096u);
  // input 1 + c0 67,092,481 outputs + 67,158,035 scratch floats > 2^26 = 67,108,864 (the
  // stride-1 conv's scratch: the zero-padded input, 8191², + KW + 8 floats of slack, 1 tap
  // offset, 8 packed weights and biases, and a plane of 4 channels × 2 rows of 8191 rounded to 8)
  EXPECT_HAS(load_error(bytes),
             "c0: the model's activations and scratch reach 134250517 values per sample by this "
             "layer, at most 67108864");
}

// ---- a 300-byte file whose forward pass would take days ----------------------------------
// Input 1x4096x4096 (within limits), a relu, then a stride-1 max pool of 2048x2048 windows:
// 2049² outputs × 2048² compares = 1.8·10^13 per sample, from a file without a single weight.
TEST(FuzzRegressions, ForwardPassOfAbsurdCostIsRefusedAtLoad) {
  const Bytes bytes = model_file(R"({"input": {"channels": 1, "height": 4096, "width": 4096},
      "layers": [{"name": "r", "type": "relu"},
                 {"name": "p", "type": "maxpool2d", "kernel": 2048, "stride": 1}]})",
                                 {}, {});
  EXPECT_HAS(load_error(bytes),
             "p: 17609370107904 multiply-adds per sample (after 16777216 in the layers before), "
             "at most 4294967296 for the whole forward pass");
}

// ---- a 100-byte architecture that made 16 million label strings ---------------------------
// Without "labels", the model named its outputs "0", "1", ... one string per output value.
// fuzz_architecture's memory jumped by 500 MB on an input like this one (below its 2 GB limit,
// so not reported); replayed with -rss_limit_mb=300:
//   libFuzzer: out-of-memory (used: 449Mb; limit: 300Mb) ... Sequential::Sequential
// Now default labels stop at 65,536 outputs.
TEST(FuzzRegressions, LargeOutputWithoutLabelsGetsNoDefaultLabels) {
  Sequential big(parse_architecture(
      R"({"input": {"channels": 1, "height": 4096, "width": 4096}, "layers": [{"name": "r", "type": "relu"}]})"));
  EXPECT_TRUE(big.labels().empty());
  Sequential edge(parse_architecture(
      R"({"input": {"channels": 1, "height": 256, "width": 256}, "layers": [{"name": "f", "type": "flatten"}]})"));
  ASSERT_EQ(edge.labels().size(), 65536u);
  EXPECT_EQ(edge.labels().back(), "65535");
}

// ---- sizes past 2^63 were shown as negative ---------------------------------------------
// hyper::to_size read every integer as long long: 18446744073709551615 became -1 in the message.
TEST(FuzzRegressions, HugeHyperparameterIsReportedAsWritten) {
  EXPECT_HAS(error_of([] {
               Sequential m(parse_architecture(R"({"input": {"channels": 1, "height": 4, "width": 4},
                 "layers": [{"name": "c", "type": "conv2d", "out_channels": 1,
                             "kernel": 18446744073709551615}]})"));
             }),
             "c.kernel: 18446744073709551615 is out of range (1..65536)");
}

// ---- im2col size checked as a product that could wrap on wasm32 ----------------------------
// Conv2d::build checked [IC·KH·KW, OH·OW]: with IC 1024 and a 2048x2048 kernel, IC·KH·KW = 2^32
// wraps to 0 in a 32-bit size_t and passed. Now each factor is checked.
TEST(FuzzRegressions, Im2colSizeIsCheckedFactorByFactor) {
  EXPECT_HAS(error_of([] {
               Sequential m(parse_architecture(R"({"input": {"channels": 1024, "height": 1, "width": 1},
                 "layers": [{"name": "c", "type": "conv2d", "out_channels": 1, "kernel": 2048,
                             "padding": 1024}]})"));
             }),
             "c im2col buffer: [1024,2048,2048,2,2] is too large");
}

// ---- read_file sized its buffer by tellg() -----------------------------------------------
// A directory opens as a stream whose end is at 2^63 - 1: vector(9223372036854775807) threw
// std::length_error, not convscope::Error, and the CLI tools died on it.
TEST(FuzzRegressions, ReadFileOfADirectoryIsAnError) {
  const std::string dir = std::filesystem::temp_directory_path().string();
  EXPECT_HAS(error_of([&] { read_file(dir); }), dir + ": is a directory, not a file");
}

TEST(FuzzRegressions, ReadFileReadsFilesThatReportNoSize) {
  // /proc files report size 0 to seek/tell, yet have content
  if (!std::filesystem::exists("/proc/self/status")) GTEST_SKIP() << "no /proc";
  const Bytes bytes = read_file("/proc/self/status");
  EXPECT_GT(bytes.size(), 0u);
}

}  // namespace
}  // namespace convscope
