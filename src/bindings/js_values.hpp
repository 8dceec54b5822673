// What both WebAssembly modules' bindings share (embind.cpp, kernel_test_exports.cpp): the one
// error guard, and JS values in and out.
#pragma once
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <new>
#include <string>
#include <vector>

#include "error.hpp"
#include "tensor/shape.hpp"

namespace convscope::bindings {

using emscripten::val;

[[noreturn]] inline void throw_js_error(const std::string& message) {
  val::global("Error").new_(message).throw_();
}

// Runs f; a C++ exception leaves as a JS Error. The message is copied out of the catch block
// first: the JS throw unwinds without running C++ destructors.
template <class F>
auto guarded(F&& f) -> decltype(f()) {
  std::string message;
  try {
    return f();
  } catch (const std::bad_alloc&) {
    message =
        "out of memory: the model or its input needs more WebAssembly memory than this browser gives";
  } catch (const std::exception& e) {
    message = e.what();
  }
  throw_js_error(message);
}

// A Float32Array or an array of numbers, converted as Float32Array would.
inline std::vector<float> floats_from(const val& array, const char* what) {
  if (array.isUndefined() || array.isNull() || !array["length"].isNumber())
    throw Error(std::string(what) + ": expected a Float32Array or an array of numbers");
  return emscripten::convertJSArrayToNumberVector<float>(array);
}

// A new Float32Array holding a copy of n floats (a view would die when the memory grows).
inline val float32_array(const float* data, std::size_t n) {
  return val::global("Float32Array").new_(emscripten::typed_memory_view(n, data));
}

inline val js_array(const Dims& dims) {
  val a = val::array();
  for (std::size_t d : dims) a.call<void>("push", d);
  return a;
}

}  // namespace convscope::bindings
