// safetensors reader and writer, F32 only. Layout in safetensors.hpp.
//
// read_safetensors checks, in this order, and throws convscope::Error naming the first failure:
//   file     shorter than 8 bytes; header length over 100,000,000 or past the end of the file;
//            header not valid JSON, nested more than 64 levels deep, or not a JSON object
//   metadata "__metadata__" not an object whose values are all strings
//   tensor   entry not an object; dtype / shape / data_offsets missing or of the wrong type;
//            dtype other than F32; a dim that is not a non-negative integer; element or byte
//            count that overflows size_t or exceeds the data area; data_offsets reversed or
//            past the data area; data_offsets length != 4 × element count
//   tiling   sorted by offset, the tensors must cover the data area exactly: no overlap,
//            no gap, no unused bytes at the end
// All sizes use checked arithmetic and are validated before any tensor storage is
// allocated, so a hostile header cannot make the reader allocate more floats than the
// data area holds.
#include "io/safetensors.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <utility>

#include "error.hpp"
#include "io/json_read.hpp"

namespace convscope {
namespace {

using json = nlohmann::json;

constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;  // same cap as huggingface/safetensors
constexpr std::size_t kF32Bytes = 4;

[[noreturn]] void fail(const std::string& what) { throw Error("safetensors: " + what); }

// a · b into *out, false (and *out untouched) if it overflows size_t.
bool checked_mul(std::size_t a, std::size_t b, std::size_t* out) {
  if (a != 0 && b > SIZE_MAX / a) return false;
  *out = a * b;
  return true;
}

// product(shape), 1 for a scalar; false if it overflows size_t.
bool element_count(const std::vector<std::size_t>& shape, std::size_t* count) {
  std::size_t n = 1;
  for (std::size_t dim : shape) {
    if (!checked_mul(n, dim, &n)) return false;
  }
  *count = n;
  return true;
}

// A JSON value for an error message, cut short so a hostile header cannot flood it.
// Parsed values are valid UTF-8, so dump() cannot throw here.
std::string show(const json& value) {
  std::string text = value.dump();
  if (text.size() > 64) text = text.substr(0, 61) + "...";
  return text;
}

std::string show_shape(const std::vector<std::size_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ",";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

// nlohmann's errors may quote text that is long or not UTF-8: keep the message short and ASCII.
std::string printable(const char* message) {
  std::string text(message);
  if (text.size() > 200) text = text.substr(0, 197) + "...";
  for (char& c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) c = '?';
  }
  return text;
}

std::string quote_name(const std::string& name) { return "'" + name + "'"; }

std::uint64_t read_u64_le(const std::uint8_t* p) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | p[i];
  return value;
}

// Byte order is spelled out, so this is right on any host; bits → float via memcpy,
// so `p` needs no alignment.
float read_f32_le(const std::uint8_t* p) {
  const std::uint32_t bits = std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
                             std::uint32_t{p[3]} << 24;
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

void append_u64_le(std::uint64_t value, std::vector<std::uint8_t>* out) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

void append_f32_le(float value, std::vector<std::uint8_t>* out) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
}

// A tensor whose header entry passed every check; its bytes are not read yet.
struct Entry {
  std::string name;
  std::vector<std::size_t> shape;
  std::size_t count;  // product(shape)
  std::size_t begin;  // [begin, end) within the data area, end - begin = 4 · count
  std::size_t end;
};

// The error paths, each out of line: a model is loaded once, in the browser's baseline compiler,
// which compiles a function whole at its first call, so messages built inline would be compiled
// on every load and never run.
[[noreturn]] void fail_tensor(const std::string& name, const std::string& problem) {
  fail("tensor " + quote_name(name) + ": " + problem);
}

[[noreturn]] void fail_metadata_value(const std::string& key, const json& value) {
  fail("__metadata__ value of " + quote_name(key) + " must be a string, got " + show(value));
}

[[noreturn]] void fail_dim(const std::string& name, const json& shape, std::size_t i, const json& dim) {
  fail_tensor(name, "shape " + show(shape) + ": dim " + std::to_string(i) + " is " + show(dim) +
                        ", need a non-negative integer");
}

[[noreturn]] void fail_dim_size_t(const std::string& name, const json& shape, std::uint64_t value) {
  fail_tensor(name, "shape " + show(shape) + ": dim " + std::to_string(value) + " overflows size_t");
}

[[noreturn]] void fail_entry_too_big(const Entry& entry, std::size_t bytes, std::size_t data_size) {
  fail_tensor(entry.name, "shape " + show_shape(entry.shape) + " needs " + std::to_string(bytes) +
                              " bytes, more than the whole data area (" + std::to_string(data_size) +
                              " bytes)");
}

[[noreturn]] void fail_entry_size(const Entry& entry, std::size_t bytes, const json& offsets) {
  fail_tensor(entry.name, "shape " + show_shape(entry.shape) + " needs " + std::to_string(bytes) +
                              " bytes (4 x " + std::to_string(entry.count) + "), data_offsets " +
                              show(offsets) + " hold " + std::to_string(entry.end - entry.begin) +
                              " bytes");
}

[[noreturn]] void fail_offsets(const std::string& name, const json& offsets, std::size_t data_size) {
  if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
      !offsets[1].is_number_unsigned())
    fail_tensor(name, "data_offsets must be [begin, end], non-negative integers, got " + show(offsets));
  if (offsets[0].get<std::uint64_t>() > offsets[1].get<std::uint64_t>())
    fail_tensor(name, "data_offsets " + show(offsets) + " are reversed (begin > end)");
  fail_tensor(name, "data_offsets " + show(offsets) + " out of range: the data area has " +
                        std::to_string(data_size) + " bytes");
}

[[noreturn]] void fail_header_length(const std::uint8_t* bytes, std::size_t size) {
  if (size < 8) fail("truncated: file has " + std::to_string(size) + " bytes, need at least 8");
  const std::uint64_t header_size = read_u64_le(bytes);
  if (header_size > kMaxHeaderBytes) {
    fail("header length " + std::to_string(header_size) + " exceeds the limit of " +
         std::to_string(kMaxHeaderBytes) + " bytes");
  }
  fail("header length " + std::to_string(header_size) + " runs past the end of the file (" +
       std::to_string(size - 8) + " bytes follow it)");
}

[[noreturn]] void fail_not_json(const JsonSyntaxError& e) {
  fail("header is not valid JSON: " + printable(e.what()));
}

[[noreturn]] void fail_not_object(const json& header) {
  fail("header is not a JSON object, got " + std::string(header.type_name()));
}

// entries[i] (in offset order) does not begin where the tensors before it end (covered).
[[noreturn]] void fail_tiling(const std::vector<Entry>& entries, std::size_t i, std::size_t covered) {
  const Entry& entry = entries[i];
  const std::string where = quote_name(entry.name) + " [" + std::to_string(entry.begin) + "," +
                            std::to_string(entry.end) + "]";
  if (entry.begin < covered) {
    const Entry& previous = entries[i - 1];
    fail("tensors " + quote_name(previous.name) + " [" + std::to_string(previous.begin) + "," +
         std::to_string(previous.end) + "] and " + where + " overlap");
  }
  fail("gap of " + std::to_string(entry.begin - covered) + " bytes in the data area before " + where +
       (i == 0 ? "" : ", after " + quote_name(entries[i - 1].name)));
}

[[noreturn]] void fail_unused_tail(std::size_t covered, std::size_t data_size) {
  fail(std::to_string(data_size - covered) + " unused bytes at the end of the data area (" +
       std::to_string(data_size) + " bytes, tensors cover " + std::to_string(covered) + ")");
}

std::map<std::string, std::string> parse_metadata(const json& value) {
  if (!value.is_object()) {
    fail("__metadata__ must be an object of strings, got " + std::string(value.type_name()));
  }
  std::map<std::string, std::string> metadata;
  for (const auto& item : value.items()) {
    if (!item.value().is_string()) fail_metadata_value(item.key(), item.value());
    metadata[item.key()] = item.value().get<std::string>();
  }
  return metadata;
}

// One header entry {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, checked
// against a data area of `data_size` bytes.
Entry parse_entry(const std::string& name, const json& info, std::size_t data_size) {
  if (!info.is_object())
    fail_tensor(name, "entry must be an object, got " + std::string(info.type_name()));
  for (const char* key : {"dtype", "shape", "data_offsets"}) {
    if (!info.contains(key)) fail_tensor(name, std::string("missing ") + key);
  }

  const json& dtype = info["dtype"];
  if (!dtype.is_string()) fail_tensor(name, "dtype must be a string, got " + show(dtype));
  if (dtype.get_ref<const std::string&>() != "F32") {
    fail_tensor(name, "dtype " + dtype.get<std::string>() + " is not supported, only F32");
  }

  Entry entry{name, {}, 0, 0, 0};
  const json& shape = info["shape"];
  if (!shape.is_array()) fail_tensor(name, "shape must be an array, got " + show(shape));
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const json& dim = shape[i];
    // negative ints, floats and non-numbers all land here
    if (!dim.is_number_unsigned()) fail_dim(name, shape, i, dim);
    const std::uint64_t value = dim.get<std::uint64_t>();
    if (static_cast<std::uint64_t>(static_cast<std::size_t>(value)) != value)  // 32-bit size_t
      fail_dim_size_t(name, shape, value);
    entry.shape.push_back(static_cast<std::size_t>(value));
  }
  std::size_t bytes = 0;
  if (!element_count(entry.shape, &entry.count) || !checked_mul(entry.count, kF32Bytes, &bytes)) {
    fail_tensor(name, "shape " + show_shape(entry.shape) + ": element count overflows size_t");
  }
  if (bytes > data_size) fail_entry_too_big(entry, bytes, data_size);

  const json& offsets = info["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
      !offsets[1].is_number_unsigned())
    fail_offsets(name, offsets, data_size);
  const std::uint64_t begin = offsets[0].get<std::uint64_t>();
  const std::uint64_t end = offsets[1].get<std::uint64_t>();
  if (begin > end || end > data_size) fail_offsets(name, offsets, data_size);
  entry.begin = static_cast<std::size_t>(begin);  // both <= data_size, so they fit
  entry.end = static_cast<std::size_t>(end);
  if (entry.end - entry.begin != bytes) fail_entry_size(entry, bytes, offsets);
  return entry;
}

}  // namespace

const NamedTensor* Safetensors::find(const std::string& name) const {
  for (const NamedTensor& tensor : tensors) {
    if (tensor.name == name) return &tensor;
  }
  return nullptr;
}

SafetensorsIndex index_safetensors(const std::uint8_t* bytes, std::size_t size) {
  const std::uint64_t header_size = size < 8 ? 0 : read_u64_le(bytes);
  if (size < 8 || header_size > size - 8 || header_size > kMaxHeaderBytes)
    fail_header_length(bytes, size);
  const char* text = reinterpret_cast<const char*>(bytes + 8);
  json header;
  try {
    header = read_json(text, text + header_size, "safetensors: header");
  } catch (const JsonSyntaxError& e) {
    fail_not_json(e);
  }
  if (!header.is_object()) fail_not_object(header);

  const std::uint8_t* data = bytes + 8 + header_size;
  const std::size_t data_size = size - 8 - static_cast<std::size_t>(header_size);
  SafetensorsIndex file;
  std::vector<Entry> entries;
  for (const auto& item : header.items()) {
    if (item.key() == "__metadata__") {
      file.metadata = parse_metadata(item.value());
    } else {
      entries.push_back(parse_entry(item.key(), item.value(), data_size));
    }
  }

  // Tiling: in offset order each tensor must begin where the previous one ended, and the
  // last must end at the end of the file.
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
  });
  std::size_t covered = 0;  // bytes [0, covered) belong to the tensors seen so far
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].begin != covered) fail_tiling(entries, i, covered);
    covered = entries[i].end;
  }
  if (covered != data_size) fail_unused_tail(covered, data_size);

  file.tensors.reserve(entries.size());
  for (Entry& entry : entries)
    file.tensors.push_back(
        {std::move(entry.name), std::move(entry.shape), entry.count, data + entry.begin});
  return file;
}

const TensorInFile* SafetensorsIndex::find(const std::string& name) const {
  for (const TensorInFile& tensor : tensors) {
    if (tensor.name == name) return &tensor;
  }
  return nullptr;
}

void copy_floats(const TensorInFile& tensor, float* out) {
  // One memcpy where the host is little-endian (wasm, x86, arm64): no per-float work, which
  // matters in a browser's baseline compiler, where the loader runs its only time.
  static const bool little_endian = [] {
    const std::uint32_t one = 1;
    std::uint8_t first;
    std::memcpy(&first, &one, 1);
    return first == 1;
  }();
  if (little_endian) {
    if (tensor.count > 0) std::memcpy(out, tensor.bytes, kF32Bytes * tensor.count);
    return;
  }
  for (std::size_t i = 0; i < tensor.count; ++i) out[i] = read_f32_le(tensor.bytes + kF32Bytes * i);
}

Safetensors read_safetensors(const std::uint8_t* bytes, std::size_t size) {
  SafetensorsIndex index = index_safetensors(bytes, size);
  Safetensors file;
  file.metadata = std::move(index.metadata);
  file.tensors.reserve(index.tensors.size());
  for (TensorInFile& in_file : index.tensors) {
    NamedTensor tensor{std::move(in_file.name), std::move(in_file.shape),
                       std::vector<float>(in_file.count)};
    copy_floats(in_file, tensor.data.data());
    file.tensors.push_back(std::move(tensor));
  }
  return file;
}

std::vector<std::uint8_t> write_safetensors(const Safetensors& file) {
  json header = json::object();
  if (!file.metadata.empty()) header["__metadata__"] = file.metadata;
  std::size_t offset = 0;  // data-area bytes so far; cannot overflow, all the data is in memory
  for (const NamedTensor& tensor : file.tensors) {
    const std::string name = "tensor " + quote_name(tensor.name) + ": ";
    if (tensor.name == "__metadata__") fail(name + "the name is reserved for metadata");
    if (header.contains(tensor.name)) fail(name + "duplicate tensor name");
    std::size_t count = 0;
    if (!element_count(tensor.shape, &count)) {
      fail(name + "shape " + show_shape(tensor.shape) + ": element count overflows size_t");
    }
    if (tensor.data.size() != count) {
      fail(name + "shape " + show_shape(tensor.shape) + " means " + std::to_string(count) +
           " elements, data.size() is " + std::to_string(tensor.data.size()));
    }
    const std::size_t bytes = kF32Bytes * count;
    json info = json::object();
    info["dtype"] = "F32";
    info["shape"] = tensor.shape;
    info["data_offsets"] = json::array({offset, offset + bytes});
    header[tensor.name] = std::move(info);
    offset += bytes;
  }

  std::string text;
  try {
    text = header.dump();
  } catch (const json::exception& e) {  // a name or metadata string that is not UTF-8
    fail("cannot write the header: " + printable(e.what()));
  }
  text.append((8 - text.size() % 8) % 8, ' ');  // data area starts on a multiple of 8

  std::vector<std::uint8_t> out;
  out.reserve(8 + text.size() + offset);
  append_u64_le(text.size(), &out);
  out.insert(out.end(), text.begin(), text.end());
  for (const NamedTensor& tensor : file.tensors) {
    for (float value : tensor.data) append_f32_le(value, &out);
  }
  return out;
}

}  // namespace convscope
