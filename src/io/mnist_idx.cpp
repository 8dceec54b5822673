#include "io/mnist_idx.hpp"

#include <filesystem>
#include <fstream>

#include "error.hpp"

namespace convscope {
namespace {

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

void check_magic(const std::uint8_t* bytes, std::size_t size, std::size_t header, std::uint32_t magic,
                 const std::string& what) {
  if (size < header)
    throw Error(what + ": truncated IDX file (" + std::to_string(size) + " bytes, the header needs " +
                std::to_string(header) + ")");
  if (be32(bytes) != magic)
    throw Error(what + ": not an IDX " + (magic == 0x803 ? "image" : "label") + " file (magic " +
                std::to_string(be32(bytes)) + ", expected " + std::to_string(magic) + ")");
}

}  // namespace

IdxImages parse_idx_images(const std::uint8_t* bytes, std::size_t size, const std::string& what) {
  check_magic(bytes, size, 16, 0x803, what);
  IdxImages images;
  images.count = be32(bytes + 4);
  images.rows = be32(bytes + 8);
  images.cols = be32(bytes + 12);
  if (images.rows == 0 || images.cols == 0 || images.rows > 4096 || images.cols > 4096)
    throw Error(what + ": image size " + std::to_string(images.rows) + "×" +
                std::to_string(images.cols) + " is out of range");
  // rows·cols < 2^24, so count·rows·cols < 2^56: no overflow in 64 bits
  const std::uint64_t expected = std::uint64_t{images.count} * images.rows * images.cols;
  if (expected != size - 16)
    throw Error(what + ": header says " + std::to_string(images.count) + " images of " +
                std::to_string(images.rows) + "×" + std::to_string(images.cols) + " (" +
                std::to_string(expected) + " bytes), the file has " + std::to_string(size - 16));
  images.pixels.assign(bytes + 16, bytes + size);
  return images;
}

std::vector<std::uint8_t> parse_idx_labels(const std::uint8_t* bytes, std::size_t size,
                                           const std::string& what) {
  check_magic(bytes, size, 8, 0x801, what);
  const std::size_t count = be32(bytes + 4);
  if (count != size - 8)
    throw Error(what + ": header says " + std::to_string(count) + " labels, the file has " +
                std::to_string(size - 8));
  return std::vector<std::uint8_t>(bytes + 8, bytes + size);
}

// Read in chunks to the end, not sized by tellg(): a directory opens and "ends" at 2^63 - 1,
// and /proc or pipe files report no size at all.
std::vector<std::uint8_t> read_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw Error(path + ": is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open");
  std::vector<std::uint8_t> bytes;
  std::vector<char> chunk(1 << 16);
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0)
    bytes.insert(bytes.end(), chunk.data(), chunk.data() + in.gcount());
  if (in.bad()) throw Error(path + ": read failed");
  return bytes;
}

Dataset load_mnist(const std::string& dir, bool train) {
  const std::string prefix = dir + "/" + (train ? "train" : "t10k");
  const std::string image_path = prefix + "-images-idx3-ubyte",
                    label_path = prefix + "-labels-idx1-ubyte";
  const auto image_bytes = read_file(image_path), label_bytes = read_file(label_path);
  const IdxImages images = parse_idx_images(image_bytes.data(), image_bytes.size(), image_path);
  const auto labels = parse_idx_labels(label_bytes.data(), label_bytes.size(), label_path);
  if (labels.size() != images.count)
    throw Error(label_path + ": " + std::to_string(labels.size()) + " labels for " +
                std::to_string(images.count) + " images");
  Dataset data;
  data.count = images.count;
  data.rows = images.rows;
  data.cols = images.cols;
  data.images.resize(images.pixels.size());
  for (std::size_t i = 0; i < images.pixels.size(); ++i) data.images[i] = images.pixels[i] / 255.0f;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] > 9)
      throw Error(label_path + ": label " + std::to_string(labels[i]) + " of item " + std::to_string(i) +
                  " is not a digit");
    data.labels.push_back(labels[i]);
  }
  return data;
}

}  // namespace convscope
