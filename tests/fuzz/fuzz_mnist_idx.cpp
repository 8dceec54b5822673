// libFuzzer target: bytes -> parse_idx_images and parse_idx_labels (MNIST IDX reader).
// convscope::Error is the expected refusal; anything else is a finding. A parsed file's
// sizes must agree with what it returned.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "error.hpp"
#include "io/mnist_idx.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace convscope;
  try {
    const IdxImages images = parse_idx_images(data, size, "fuzz images");
    if (images.pixels.size() != images.count * images.rows * images.cols) std::abort();
  } catch (const Error&) {
  }
  try {
    const auto labels = parse_idx_labels(data, size, "fuzz labels");
    if (labels.size() + 8 != size) std::abort();
  } catch (const Error&) {
  }
  return 0;
}
