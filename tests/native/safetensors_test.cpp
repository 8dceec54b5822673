// Tests for src/io/safetensors.{hpp,cpp}.
// Layout: round trips and hand-built good files first, then one test per refusal of the
// reader (each builds the bad file by hand with `assemble` and checks the Error's words),
// then the writer's refusals.
//
// This file replaces the global operator new/delete (forwarding to malloc/free) to record
// the largest single allocation, so RefusesHugeShapeWithoutAllocating can prove the reader
// refuses a hostile shape before allocating for it.
#include "io/safetensors.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <new>
#include <string>
#include <vector>

#include "error.hpp"

// ---- allocation probe -------------------------------------------------------------------
namespace {
std::atomic<std::size_t> g_largest_allocation{0};

void* probe_alloc(std::size_t size) {
  std::size_t largest = g_largest_allocation.load();
  while (size > largest && !g_largest_allocation.compare_exchange_weak(largest, size)) {
  }
  return std::malloc(size == 0 ? 1 : size);
}
}  // namespace

// All ten replaceable forms, so that every new/delete pair goes through malloc/free (under
// ASan, a form left out would go to ASan's own operator and report a mismatch). GCC, once it
// inlines these, sees operator new paired with free() and warns; here that pairing is the point.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t size) {
  if (void* p = probe_alloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return probe_alloc(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return probe_alloc(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace convscope {
namespace {

// ---- helpers ----------------------------------------------------------------------------

// A file by hand: 8-byte LE header length, the header text as given (no padding), data.
std::vector<std::uint8_t> assemble(const std::string& header,
                                   const std::vector<std::uint8_t>& data = {}) {
  std::vector<std::uint8_t> bytes;
  for (int i = 0; i < 8; ++i) {
    bytes.push_back(static_cast<std::uint8_t>(std::uint64_t{header.size()} >> (8 * i)));
  }
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.insert(bytes.end(), data.begin(), data.end());
  return bytes;
}

// Just the 8 length bytes, claiming `length`, followed by `tail`.
std::vector<std::uint8_t> with_length(std::uint64_t length, const std::string& tail) {
  std::vector<std::uint8_t> bytes;
  for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<std::uint8_t>(length >> (8 * i)));
  bytes.insert(bytes.end(), tail.begin(), tail.end());
  return bytes;
}

std::vector<std::uint8_t> zeros(std::size_t n) { return std::vector<std::uint8_t>(n, 0); }

// Reads `bytes`; the read must throw convscope::Error whose message holds every word.
void expect_refused(const std::vector<std::uint8_t>& bytes, std::initializer_list<const char*> words) {
  try {
    read_safetensors(bytes.data(), bytes.size());
    ADD_FAILURE() << "read_safetensors accepted a bad file";
  } catch (const Error& e) {
    const std::string message = e.what();
    for (const char* word : words) {
      EXPECT_NE(message.find(word), std::string::npos)
          << "message lacks \"" << word << "\": " << message;
    }
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw a non-convscope exception: " << e.what();
  }
}

void expect_write_refused(const Safetensors& file, std::initializer_list<const char*> words) {
  try {
    write_safetensors(file);
    ADD_FAILURE() << "write_safetensors accepted a bad file";
  } catch (const Error& e) {
    const std::string message = e.what();
    for (const char* word : words) {
      EXPECT_NE(message.find(word), std::string::npos)
          << "message lacks \"" << word << "\": " << message;
    }
  }
}

std::uint32_t bits_of(float value) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

// Same names, shapes, metadata, and bit-identical data (so NaN and -0 count too).
void expect_same(const Safetensors& expected, const Safetensors& actual) {
  EXPECT_EQ(expected.metadata, actual.metadata);
  ASSERT_EQ(expected.tensors.size(), actual.tensors.size());
  for (std::size_t t = 0; t < expected.tensors.size(); ++t) {
    const NamedTensor& e = expected.tensors[t];
    const NamedTensor& a = actual.tensors[t];
    EXPECT_EQ(e.name, a.name);
    EXPECT_EQ(e.shape, a.shape) << e.name;
    ASSERT_EQ(e.data.size(), a.data.size()) << e.name;
    for (std::size_t i = 0; i < e.data.size(); ++i) {
      EXPECT_EQ(bits_of(e.data[i]), bits_of(a.data[i])) << e.name << "[" << i << "]";
    }
  }
}

Safetensors round_trip(const Safetensors& file) {
  const std::vector<std::uint8_t> bytes = write_safetensors(file);
  return read_safetensors(bytes.data(), bytes.size());
}

// ---- round trips and good files ---------------------------------------------------------

TEST(Safetensors, RoundTripModelWithMetadata) {
  Safetensors file;
  file.metadata["format"] = "convscope/1";
  file.metadata["architecture"] = R"({"layers": [{"name": "fc1", "type": "dense"}]})";
  NamedTensor weight{"conv1.weight", {2, 1, 3, 3}, {}};
  for (int i = 0; i < 18; ++i) weight.data.push_back(0.5f * static_cast<float>(i) - 3.0f);
  file.tensors.push_back(weight);
  file.tensors.push_back({"conv1.bias", {2}, {-2.0f, 0.25f}});
  const float inf = std::numeric_limits<float>::infinity();
  file.tensors.push_back(
      {"specials",
       {6},
       {-0.0f, inf, -inf, std::numeric_limits<float>::quiet_NaN(),
        std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::max()}});
  expect_same(file, round_trip(file));
}

TEST(Safetensors, RoundTripEmptyMetadata) {
  Safetensors file;
  file.tensors.push_back({"fc1.weight", {3, 2}, {1, 2, 3, 4, 5, 6}});
  const std::vector<std::uint8_t> bytes = write_safetensors(file);
  const std::string header(bytes.begin() + 8, bytes.end() - 24);
  EXPECT_EQ(header.find("__metadata__"), std::string::npos) << header;
  const Safetensors back = read_safetensors(bytes.data(), bytes.size());
  EXPECT_TRUE(back.metadata.empty());
  expect_same(file, back);
}

TEST(Safetensors, RoundTripScalar) {
  Safetensors file;
  file.metadata["note"] = "a scalar has shape [] and one element";
  file.tensors.push_back({"scale", {}, {42.5f}});
  const Safetensors back = round_trip(file);
  expect_same(file, back);
  ASSERT_EQ(back.tensors.size(), 1u);
  EXPECT_TRUE(back.tensors[0].shape.empty());
}

TEST(Safetensors, RoundTripZeroElementTensorAndEmptyFile) {
  Safetensors file;
  file.tensors.push_back({"empty", {0, 3}, {}});
  file.tensors.push_back({"one", {1}, {7.0f}});
  expect_same(file, round_trip(file));
  expect_same(Safetensors{}, round_trip(Safetensors{}));
}

// The loader's path: the index points into the file's own bytes (nothing copied) and
// copy_floats gives the same bits read_safetensors does, at any alignment of the data.
TEST(Safetensors, IndexPointsIntoTheFileAndCopiesTheSameBits) {
  Safetensors file;
  file.metadata["format"] = "convscope/1";
  file.tensors.push_back(
      {"w", {2, 3}, {1.5f, -0.0f, std::numeric_limits<float>::quiet_NaN(), 3e-41f, -7.0f, 1e30f}});
  file.tensors.push_back({"empty", {0}, {}});
  file.tensors.push_back({"b", {}, {0.125f}});
  const std::vector<std::uint8_t> written = write_safetensors(file);
  for (std::size_t shift : {0u, 1u, 3u}) {  // the data area at offsets 8k+shift in memory
    std::vector<std::uint8_t> bytes(shift, 0xAB);
    bytes.insert(bytes.end(), written.begin(), written.end());
    const std::uint8_t* begin = bytes.data() + shift;
    const SafetensorsIndex index = index_safetensors(begin, written.size());
    EXPECT_EQ(index.metadata, file.metadata);
    ASSERT_EQ(index.tensors.size(), 3u);
    for (const NamedTensor& expected : file.tensors) {
      const TensorInFile* t = index.find(expected.name);
      ASSERT_NE(t, nullptr) << expected.name;
      EXPECT_EQ(t->shape, expected.shape) << expected.name;
      ASSERT_EQ(t->count, expected.data.size()) << expected.name;
      EXPECT_GE(t->bytes, begin);
      EXPECT_LE(t->bytes + 4 * t->count, begin + written.size());
      std::vector<float> copy(t->count + 1, 99.0f);  // one past the end must stay untouched
      copy_floats(*t, copy.data());
      for (std::size_t i = 0; i < t->count; ++i)
        EXPECT_EQ(bits_of(copy[i]), bits_of(expected.data[i])) << expected.name << "[" << i << "]";
      EXPECT_EQ(copy[t->count], 99.0f) << expected.name;
    }
    EXPECT_EQ(index.find("missing"), nullptr);
  }
}

TEST(Safetensors, RoundTripKeepsGivenOrderAndFinds) {
  Safetensors file;  // not alphabetical: file order must follow the given order
  file.tensors.push_back({"z", {1}, {1.0f}});
  file.tensors.push_back({"a", {2}, {2.0f, 3.0f}});
  file.tensors.push_back({"m", {}, {4.0f}});
  const Safetensors back = round_trip(file);
  expect_same(file, back);
  ASSERT_NE(back.find("a"), nullptr);
  EXPECT_EQ(back.find("a")->data, (std::vector<float>{2.0f, 3.0f}));
  EXPECT_EQ(back.find("missing"), nullptr);
}

TEST(Safetensors, WriterLayoutIsLengthHeaderPaddedDataLittleEndian) {
  Safetensors file;
  file.metadata["format"] = "convscope/1";
  file.tensors.push_back({"w", {2}, {1.0f, -2.0f}});
  const std::vector<std::uint8_t> bytes = write_safetensors(file);
  ASSERT_GE(bytes.size(), 8u);
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | bytes[i];
  EXPECT_EQ((8 + n) % 8, 0u);
  ASSERT_EQ(bytes.size(), 8 + n + 8);
  const std::string header(bytes.begin() + 8, bytes.begin() + 8 + static_cast<long>(n));
  EXPECT_EQ(header.find_last_not_of(' '), header.rfind('}')) << "padding must be spaces";
  // 1.0f = 0x3F800000, -2.0f = 0xC0000000, little-endian
  const std::vector<std::uint8_t> data(bytes.begin() + 8 + static_cast<long>(n), bytes.end());
  EXPECT_EQ(data, (std::vector<std::uint8_t>{0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0}));
}

TEST(Safetensors, ReadsHandBuiltFileUnaligned) {
  // Header of odd length, so the data area is unaligned; and the whole file starts at an odd
  // address too. Tensors listed out of offset order in the JSON; extra keys ignored.
  const std::vector<std::uint8_t> file =
      assemble(R"({"b":{"dtype":"F32","shape":[],"data_offsets":[8,12]},)"
               R"("__metadata__":{"format":"pt"},)"
               R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"extra":true}})",
               {0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0, 0, 0, 0x20, 0x41});
  std::vector<std::uint8_t> shifted(1, 0xAA);
  shifted.insert(shifted.end(), file.begin(), file.end());
  const Safetensors st = read_safetensors(shifted.data() + 1, file.size());
  EXPECT_EQ(st.metadata, (std::map<std::string, std::string>{{"format", "pt"}}));
  ASSERT_EQ(st.tensors.size(), 2u);
  EXPECT_EQ(st.tensors[0].name, "a");  // offset order
  EXPECT_EQ(st.tensors[0].shape, (std::vector<std::size_t>{2}));
  EXPECT_EQ(st.tensors[0].data, (std::vector<float>{1.0f, -2.0f}));
  EXPECT_EQ(st.tensors[1].name, "b");
  EXPECT_TRUE(st.tensors[1].shape.empty());
  EXPECT_EQ(st.tensors[1].data, (std::vector<float>{10.0f}));
}

// ---- reader refusals, one per way a file is wrong ---------------------------------------

TEST(SafetensorsRefuses, TruncatedFile) {
  for (std::size_t size : {0, 1, 5, 7}) {
    SCOPED_TRACE(size);
    expect_refused(zeros(size), {"truncated"});
  }
}

TEST(SafetensorsRefuses, HeaderLengthPastEndOfFile) {
  expect_refused(with_length(100, "{}"), {"header length", "100", "past the end"});
  expect_refused(with_length(UINT64_MAX, "{}"), {"header length"});
}

TEST(SafetensorsRefuses, HeaderLengthOverCap) {
  expect_refused(with_length(100'000'001, "{}"), {"header length", "limit"});
}

TEST(SafetensorsRefuses, HeaderNotValidJson) {
  expect_refused(assemble(R"({"a":)"), {"not valid JSON"});
  expect_refused(assemble("{} trailing"), {"not valid JSON"});
  expect_refused(assemble(""), {"not valid JSON"});
  expect_refused(assemble("{\"\xff\":1}"), {"not valid JSON"});  // not UTF-8
  // an unterminated 1 MB string: the message quotes the token, but stays short and ASCII
  try {
    const std::vector<std::uint8_t> bytes = assemble("{\"" + std::string(1 << 20, '\xe9'));
    read_safetensors(bytes.data(), bytes.size());
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_LT(message.size(), 300u);
    for (char c : message) EXPECT_LT(static_cast<unsigned char>(c), 0x80u) << message;
  }
}

TEST(SafetensorsRefuses, HeaderNotJsonObject) {
  for (const char* header : {"[1,2]", "\"x\"", "null", "42"}) {
    SCOPED_TRACE(header);
    expect_refused(assemble(header), {"not a JSON object"});
  }
}

TEST(SafetensorsRefuses, MetadataNotObjectOfStrings) {
  expect_refused(assemble(R"({"__metadata__":["format"]})"), {"__metadata__", "array"});
  expect_refused(assemble(R"({"__metadata__":"convscope/1"})"), {"__metadata__"});
  expect_refused(assemble(R"({"__metadata__":{"format":"convscope/1","epochs":10}})"),
                 {"__metadata__", "epochs", "string"});
}

TEST(SafetensorsRefuses, TensorEntryNotObject) {
  expect_refused(assemble(R"({"fc1.weight":[0,4]})"), {"'fc1.weight'", "object"});
}

TEST(SafetensorsRefuses, TensorEntryMissingField) {
  expect_refused(assemble(R"({"w":{"shape":[1],"data_offsets":[0,4]}})", zeros(4)),
                 {"'w'", "missing dtype"});
  expect_refused(assemble(R"({"w":{"dtype":"F32","data_offsets":[0,4]}})", zeros(4)),
                 {"'w'", "missing shape"});
  expect_refused(assemble(R"({"w":{"dtype":"F32","shape":[1]}})", zeros(4)),
                 {"'w'", "missing data_offsets"});
}

TEST(SafetensorsRefuses, TensorEntryWrongTypes) {
  expect_refused(assemble(R"({"w":{"dtype":32,"shape":[1],"data_offsets":[0,4]}})", zeros(4)),
                 {"'w'", "dtype"});
  expect_refused(assemble(R"({"w":{"dtype":"F32","shape":1,"data_offsets":[0,4]}})", zeros(4)),
                 {"'w'", "shape"});
  for (const char* offsets : {"[0]", "[0,4,8]", "\"0-4\"", "[0,\"4\"]", "[-4,4]", "[0,4.0]"}) {
    SCOPED_TRACE(offsets);
    expect_refused(assemble(std::string(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":)") + offsets +
                                "}}",
                            zeros(4)),
                   {"'w'", "data_offsets"});
  }
}

TEST(SafetensorsRefuses, DtypeOtherThanF32) {
  for (const char* dtype : {"F16", "BF16", "F64", "I64", "f32"}) {
    SCOPED_TRACE(dtype);
    expect_refused(assemble(std::string(R"({"conv1.weight":{"dtype":")") + dtype +
                                R"(","shape":[1],"data_offsets":[0,4]}})",
                            zeros(4)),
                   {"dtype", dtype, "'conv1.weight'"});
  }
}

TEST(SafetensorsRefuses, NegativeDim) {
  expect_refused(assemble(R"({"w":{"dtype":"F32","shape":[2,-1],"data_offsets":[0,4]}})", zeros(4)),
                 {"'w'", "shape", "-1", "non-negative integer"});
}

TEST(SafetensorsRefuses, NonIntegerDim) {
  for (const char* dim : {"1.5", "1.0", "\"1\"", "true", "null", "[1]"}) {
    SCOPED_TRACE(dim);
    expect_refused(assemble(std::string(R"({"w":{"dtype":"F32","shape":[)") + dim +
                                R"(],"data_offsets":[0,4]}})",
                            zeros(4)),
                   {"'w'", "shape", "non-negative integer"});
  }
}

TEST(SafetensorsRefuses, ElementCountOverflow) {
  // 2^40 · 2^40 = 2^80 elements; 2^31 · 2^31 = 2^62 elements fit, 2^64 bytes do not.
  expect_refused(
      assemble(R"({"w":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,4]}})",
               zeros(4)),
      {"'w'", "overflow"});
  expect_refused(
      assemble(R"({"w":{"dtype":"F32","shape":[2147483648,2147483648],"data_offsets":[0,4]}})",
               zeros(4)),
      {"'w'", "overflow"});
  // 2^64 and beyond is not even a uint64: nlohmann reads it as a float
  expect_refused(assemble(R"({"w":{"dtype":"F32","shape":[18446744073709551616],"data_offsets":[0,4]}})",
                          zeros(4)),
                 {"'w'", "shape"});
}

TEST(SafetensorsRefuses, ShapeLargerThanDataArea) {
  // 2^50 elements: no overflow, but 2^52 bytes cannot be in an 8-byte data area
  expect_refused(assemble(R"({"w":{"dtype":"F32","shape":[1048576,1048576,1024],"data_offsets":[0,8]}})",
                          zeros(8)),
                 {"'w'", "shape", "bytes", "data area"});
}

TEST(SafetensorsRefuses, HugeShapeWithoutAllocating) {
  const std::vector<std::uint8_t> bytes = assemble(
      R"({"w":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,4]}})", zeros(4));
  const std::vector<std::uint8_t> big =
      assemble(R"({"w":{"dtype":"F32","shape":[1048576,1048576],"data_offsets":[0,4]}})", zeros(4));
  for (const std::vector<std::uint8_t>* file : {&bytes, &big}) {
    g_largest_allocation = 0;
    EXPECT_THROW(read_safetensors(file->data(), file->size()), Error);
    EXPECT_LT(g_largest_allocation.load(), std::size_t{1} << 16)
        << "the reader allocated " << g_largest_allocation.load() << " bytes at once";
  }
}

TEST(SafetensorsRefuses, ReversedOffsets) {
  expect_refused(assemble(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}})", zeros(8)),
                 {"'w'", "reversed"});
}

TEST(SafetensorsRefuses, OffsetsOutOfRange) {
  expect_refused(assemble(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", zeros(4)),
                 {"'w'", "out of range"});
  expect_refused(
      assemble(
          R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[18446744073709551612,18446744073709551615]}})",
          zeros(4)),
      {"'w'", "out of range"});
}

TEST(SafetensorsRefuses, ByteLengthNotFourTimesElementCount) {
  expect_refused(assemble(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}})", zeros(8)),
                 {"'w'", "shape [1]", "needs 4 bytes", "hold 8 bytes"});
  expect_refused(assemble(R"({"w":{"dtype":"F32","shape":[],"data_offsets":[0,0]},)"
                          R"("v":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
                          zeros(8)),
                 {"'w'", "shape []", "needs 4 bytes", "hold 0 bytes"});
}

TEST(SafetensorsRefuses, OverlappingTensors) {
  expect_refused(assemble(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                          R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                          zeros(12)),
                 {"overlap", "'a'", "'b'"});
  // the same bytes claimed twice
  expect_refused(assemble(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                          R"("b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                          zeros(4)),
                 {"overlap"});
}

TEST(SafetensorsRefuses, GapBetweenTensors) {
  expect_refused(assemble(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                          R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})",
                          zeros(12)),
                 {"gap", "'b'"});
  expect_refused(assemble(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", zeros(8)),
                 {"gap", "'a'"});  // before the first tensor
}

TEST(SafetensorsRefuses, UnusedBytesAtEnd) {
  expect_refused(assemble(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", zeros(8)),
                 {"unused", "4"});
  expect_refused(assemble("{}", zeros(4)), {"unused"});  // no tensors, yet data
}

// ---- writer refusals --------------------------------------------------------------------

TEST(SafetensorsWriterRefuses, DuplicateNames) {
  Safetensors file;
  file.tensors.push_back({"w", {1}, {1.0f}});
  file.tensors.push_back({"w", {1}, {2.0f}});
  expect_write_refused(file, {"duplicate", "'w'"});
}

TEST(SafetensorsWriterRefuses, DataSizeNotProductOfShape) {
  Safetensors file;
  file.tensors.push_back({"w", {2, 3}, {1, 2, 3, 4, 5}});
  expect_write_refused(file, {"'w'", "shape", "6", "5"});
  Safetensors scalar;
  scalar.tensors.push_back({"s", {}, {}});
  expect_write_refused(scalar, {"'s'", "shape"});
}

TEST(SafetensorsWriterRefuses, ReservedName) {
  Safetensors file;
  file.tensors.push_back({"__metadata__", {1}, {1.0f}});
  expect_write_refused(file, {"__metadata__", "reserved"});
}

TEST(SafetensorsWriterRefuses, NameNotUtf8) {
  Safetensors file;
  file.tensors.push_back({"bad\xff", {1}, {1.0f}});
  expect_write_refused(file, {"header"});
}

}  // namespace
}  // namespace convscope
