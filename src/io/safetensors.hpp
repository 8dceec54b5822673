// safetensors reader and writer, F32 only — the one weights format of ConvScope.
//
// File layout (https://github.com/huggingface/safetensors):
//   [8 bytes]  N, the header length, unsigned 64-bit little-endian
//   [N bytes]  header: a UTF-8 JSON object
//                {"__metadata__": {"key": "value", ...},          (optional, strings only)
//                 "<name>": {"dtype": "F32", "shape": [d0, d1, ...], "data_offsets": [begin, end]},
//                 ...}
//              offsets are relative to the data area; writers pad the header with spaces
//              so that the data area starts on a multiple of 8
//   [rest]     data area: the tensors' bytes, row-major, little-endian, back to back
//
// The reader validates everything before it allocates tensor storage and throws
// convscope::Error naming the problem; see safetensors.cpp for the list of checks.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace convscope {

struct NamedTensor {
  std::string name;
  std::vector<std::size_t> shape;  // empty = scalar (1 element)
  std::vector<float> data;         // row-major, size = product(shape)
};

struct Safetensors {
  std::map<std::string, std::string> metadata;             // "__metadata__", string values only
  std::vector<NamedTensor> tensors;                        // in file (data offset) order
  const NamedTensor* find(const std::string& name) const;  // nullptr if absent
};

// A tensor left in the file's bytes: checked, not copied (a loader copies it once, straight
// into its own storage, with copy_floats).
struct TensorInFile {
  std::string name;
  std::vector<std::size_t> shape;  // empty = scalar (1 element)
  std::size_t count;               // product(shape)
  const std::uint8_t* bytes;       // 4 · count bytes, little-endian floats, any alignment
};

// The checked header of a file whose bytes stay where they are: valid while those bytes are.
struct SafetensorsIndex {
  std::map<std::string, std::string> metadata;
  std::vector<TensorInFile> tensors;                        // in file (data offset) order
  const TensorInFile* find(const std::string& name) const;  // nullptr if absent
};

// Parses a whole .safetensors file. Throws convscope::Error (src/error.hpp) naming the problem.
Safetensors read_safetensors(const std::uint8_t* bytes, std::size_t size);

// The same checks and errors as read_safetensors, without copying the tensors' data.
SafetensorsIndex index_safetensors(const std::uint8_t* bytes, std::size_t size);

// The tensor's count floats into out.
void copy_floats(const TensorInFile& tensor, float* out);

// Serialises: 8-byte LE header length, JSON header padded with spaces to a multiple of 8, then
// data in the order given. Throws convscope::Error on duplicate names or data size != product(shape).
std::vector<std::uint8_t> write_safetensors(const Safetensors& file);

}  // namespace convscope
