// The command-line tools' main: the tool's body runs, and an error it throws becomes one line on
// stderr ("<prefix><tool>: <message>") and exit status 1, instead of std::terminate.
#pragma once
#include <cstdio>
#include <exception>

namespace convscope {

// prefix: printed before the tool's name (e.g. "\n" to end a progress line first).
template <class Body>
int guarded_main(const char* tool, const char* prefix, Body body) {
  try {
    return body();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s%s: %s\n", prefix, tool, e.what());
    return 1;
  }
}

}  // namespace convscope
