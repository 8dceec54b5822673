// convscope::Error — the one exception type of the engine.
// Its message names the thing, what was expected and what came, e.g.
// "conv1.weight: shape [8,1,3,3], architecture needs [8,1,5,5]".
#pragma once
#include <stdexcept>
#include <string>

namespace convscope {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace convscope
