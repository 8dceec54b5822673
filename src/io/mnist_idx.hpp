// MNIST's IDX files (big-endian): images magic 0x00000803, then count, rows, cols (u32 each) and
// count·rows·cols bytes; labels magic 0x00000801, then count and count bytes.
// Everything is checked; a bad file is refused with an Error naming it and the problem.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace convscope {

struct IdxImages {
  std::size_t count = 0, rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels;  // [count, rows, cols], 0 = background
};

IdxImages parse_idx_images(const std::uint8_t* bytes, std::size_t size, const std::string& what);
std::vector<std::uint8_t> parse_idx_labels(const std::uint8_t* bytes, std::size_t size,
                                           const std::string& what);

// A labelled image set, pixels scaled to [0, 1] as the models take them.
struct Dataset {
  std::size_t count = 0, rows = 0, cols = 0;
  std::vector<float> images;         // [count, rows·cols]
  std::vector<std::int32_t> labels;  // [count], 0..9
};

// Reads <dir>/train-images-idx3-ubyte + train-labels-idx1-ubyte (train) or the t10k-* pair.
Dataset load_mnist(const std::string& dir, bool train);

// The whole file, or an Error naming it.
std::vector<std::uint8_t> read_file(const std::string& path);

}  // namespace convscope
