// libFuzzer target: bytes -> convscope::load_model (safetensors reader, architecture parser,
// layer building, the file-vs-architecture checks); if the model loads, a forward and backward
// pass on an input derived from the bytes (fuzz_util.hpp). convscope::Error is the expected
// refusal; any other exception, a crash or a sanitizer report is a finding.
//
// The custom mutator knows the file's frame ([u64 LE header length][JSON header][data]): most
// of the time it mutates the header or the data area alone and rewrites the length, so that a
// mutation inside the header is not refused at once for a length that no longer matches. The
// rest of the time it mutates the raw bytes, length prefix included.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "error.hpp"
#include "fuzz_util.hpp"
#include "model/model_io.hpp"

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

namespace {

std::uint64_t read_u64_le(const std::uint8_t* p) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | p[i];
  return value;
}

void write_u64_le(std::uint64_t value, std::uint8_t* p) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(value >> (8 * i));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    std::map<std::string, std::string> metadata;
    convscope::Sequential model = convscope::load_model(data, size, &metadata);
    convscope::fuzz::run_model(model, data, size);
  } catch (const convscope::Error&) {
  }
  return 0;
}

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size,
                                               std::size_t max_size, unsigned int seed) {
  std::minstd_rand rng(seed);
  if (size < 8 || max_size < 8 || rng() % 4 == 0) return LLVMFuzzerMutate(data, size, max_size);
  const std::uint64_t header_size = read_u64_le(data);
  if (header_size > size - 8) return LLVMFuzzerMutate(data, size, max_size);

  // [8][header][data]: mutate one part, keep the other, rewrite the length. The buffers are
  // reused across calls (allocating and zeroing max_size bytes each time halved the speed).
  const std::size_t header = static_cast<std::size_t>(header_size);
  const std::size_t tail = size - 8 - header;
  const bool in_header = rng() % 4 != 0;
  const std::size_t part_begin = in_header ? 8 : 8 + header;
  const std::size_t part_size = in_header ? header : tail;
  const std::size_t room = max_size - (size - part_size);  // the part may grow to this
  if (room == 0) return LLVMFuzzerMutate(data, size, max_size);
  static std::vector<std::uint8_t> part, out;
  if (part.size() < room) part.resize(room);
  std::memcpy(part.data(), data + part_begin, part_size);
  const std::size_t new_part = LLVMFuzzerMutate(part.data(), part_size, room);

  const std::size_t new_header = in_header ? new_part : header;
  const std::size_t new_size = size - part_size + new_part;  // <= max_size
  if (out.size() < new_size) out.resize(new_size);
  write_u64_le(new_header, out.data());
  if (in_header) {
    std::memcpy(out.data() + 8, part.data(), new_part);
    std::memcpy(out.data() + 8 + new_part, data + 8 + header, tail);
  } else {
    std::memcpy(out.data() + 8, data + 8, header);
    std::memcpy(out.data() + 8 + header, part.data(), new_part);
  }
  std::memcpy(data, out.data(), new_size);
  return new_size;
}
