// The MNIST IDX reader: the real files, and every way a file can be wrong.
#include <gtest/gtest.h>

#include "error.hpp"
#include "io/mnist_idx.hpp"

namespace convscope {
namespace {

std::vector<std::uint8_t> header(std::uint32_t magic, std::vector<std::uint32_t> dims) {
  std::vector<std::uint8_t> b;
  for (std::uint32_t v : std::vector<std::uint32_t>{magic}) dims.insert(dims.begin(), v);
  for (std::uint32_t v : dims)
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
  return b;
}

std::string error_of(const std::vector<std::uint8_t>& b, bool images) {
  try {
    if (images) parse_idx_images(b.data(), b.size(), "f");
    else parse_idx_labels(b.data(), b.size(), "f");
  } catch (const Error& e) {
    return e.what();
  }
  return "(parsed)";
}

#define EXPECT_HAS(haystack, needle) EXPECT_NE((haystack).find(needle), std::string::npos) << (haystack)

TEST(MnistIdx, ReadsTheRealTestSet) {
  const Dataset test = load_mnist(CONVSCOPE_MNIST_DIR, false);
  EXPECT_EQ(test.count, 10000u);
  EXPECT_EQ(test.rows, 28u);
  EXPECT_EQ(test.cols, 28u);
  EXPECT_EQ(std::vector<std::int32_t>(test.labels.begin(), test.labels.begin() + 8),
            (std::vector<std::int32_t>{7, 2, 1, 0, 4, 1, 4, 9}));
  float top = 0;
  for (float v : test.images) top = std::max(top, v);
  EXPECT_FLOAT_EQ(top, 1.0f);
}

TEST(MnistIdx, ParsesASmallGoodFile) {
  auto b = header(0x803, {2, 2, 3});
  for (int i = 0; i < 12; ++i) b.push_back(static_cast<std::uint8_t>(i));
  const IdxImages images = parse_idx_images(b.data(), b.size(), "f");
  EXPECT_EQ(images.count, 2u);
  EXPECT_EQ(images.pixels[11], 11);
}

TEST(MnistIdx, RefusesBadFiles) {
  EXPECT_HAS(error_of({0, 0, 8}, true), "truncated");
  EXPECT_HAS(error_of(header(0x801, {1, 1, 1}), true), "not an IDX image file");
  EXPECT_HAS(error_of(header(0x803, {1, 1, 1}), false), "not an IDX label file");
  EXPECT_HAS(error_of(header(0x803, {2, 28, 28}), true), "header says 2 images");
  EXPECT_HAS(error_of(header(0x803, {1, 0, 28}), true), "out of range");
  EXPECT_HAS(error_of(header(0x801, {5}), false), "header says 5 labels, the file has 0");
  EXPECT_THROW(load_mnist("/nonexistent", false), Error);
}

}  // namespace
}  // namespace convscope
