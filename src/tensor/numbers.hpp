// Numbers that arrive as doubles from outside C++ (JavaScript, command lines): their text in
// error messages, and the check that one is a whole number in a range before it becomes a size.
#pragma once
#include <cmath>
#include <string>

#include "error.hpp"

namespace convscope {

// The shortest text that reads back as the same double, laid out as printf's %g ("0.5", "64",
// "1e+21", "NaN", "Infinity"). numbers.cpp.
std::string number_text(double v);

// v as a whole number in [min, max]; otherwise Error "<what> must be a whole number from <min>
// to <max>, got <v>".
inline double whole_number(double v, double min, double max, const std::string& what) {
  if (!(v >= min && v <= max) || v != std::floor(v))
    throw Error(what + " must be a whole number from " + number_text(min) + " to " + number_text(max) +
                ", got " + number_text(v));
  return v;
}

}  // namespace convscope

namespace convscope {

// A count of samples n given with a batch of inputs: a whole number >= 1 (not truncated, not
// wrapped); otherwise Error "inputs: n must be ...".
inline std::size_t sample_count(double n) {
  if (!(n >= 1) || n != std::floor(n) || n > 1e9)
    throw Error("inputs: n must be a whole number of samples >= 1, got n = " + number_text(n));
  return static_cast<std::size_t>(n);
}

}  // namespace convscope
