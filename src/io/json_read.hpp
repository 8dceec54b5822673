// The engine's JSON reader, for the JSON that comes from files (the safetensors header, the
// architecture). The values are nlohmann::json, as everywhere in the engine; the reading is ours:
// nlohmann's parser (with its number reader, libc's strtod, and its long-double arithmetic) was
// the largest code in the wasm build, and a model load runs its only time in the browser's
// baseline compiler, where every distinct function costs a compile.
//
// What is read is RFC 8259 JSON: UTF-8 checked (no overlong forms, no surrogates), escapes
// decoded, no trailing text. Numbers as nlohmann reads them: an integer token is unsigned (or
// signed when negative) if it fits 64 bits; others are doubles, exact (correctly rounded) up to
// 15 significant digits and powers of ten up to 22, otherwise within a few units in the last
// place (the engine reads only integers from files; other numbers are only shown or kept). A
// duplicate object key keeps the last value.
//
// Nesting is limited: dump(), copies and comparisons of a value recurse once per level, so a few
// hundred kB of "[[[[..." would overflow the stack (on wasm, silently overwrite memory). Real
// files nest 4 levels deep; more than kMaxJsonDepth is refused while reading.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "error.hpp"

namespace convscope {

constexpr int kMaxJsonDepth = 64;

// Not JSON: the message says where and what, e.g. "at byte 7: expected ',' or '}'".
class JsonSyntaxError : public Error {
 public:
  using Error::Error;
};

// Reads the JSON text [begin, end). Throws JsonSyntaxError for text that is not JSON, and
// Error("<what>: JSON nested more than 64 levels deep") for a value nested deeper.
nlohmann::json read_json(const char* begin, const char* end, const std::string& what);

}  // namespace convscope
