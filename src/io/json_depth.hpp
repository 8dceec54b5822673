// A nesting limit for the JSON that comes from files (the safetensors header, the architecture).
// nlohmann's parser is iterative, but dump(), copies and comparisons recurse once per level:
// a header of a few hundred kB of "[[[[..." would overflow the stack (on wasm, silently
// overwrite memory). Real files nest 4 levels deep; more than kMaxJsonDepth is refused at parse.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "error.hpp"

namespace convscope {

constexpr int kMaxJsonDepth = 64;

// A parser callback for nlohmann::json::parse that throws Error("<what>: JSON nested more than
// 64 levels deep") when an array or object opens below that depth.
inline nlohmann::json::parser_callback_t json_depth_limit(const std::string& what) {
  return [what](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
    const bool opens = event == nlohmann::json::parse_event_t::object_start ||
                       event == nlohmann::json::parse_event_t::array_start;
    if (opens && depth >= kMaxJsonDepth)
      throw Error(what + ": JSON nested more than " + std::to_string(kMaxJsonDepth) +
                  " levels deep");
    return true;
  };
}

}  // namespace convscope
