// The model's architecture, as stored in a safetensors file's "__metadata__"."architecture"
// (a JSON string, see src/io/FORMAT.md §3): input shape, class labels, the layer list.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tensor/shape.hpp"

namespace convscope {

struct Architecture {
  Dims input;                       // {C,H,W}
  std::vector<std::string> labels;  // empty: the model names its outputs "0", "1", ...
  nlohmann::json layers;            // array of {"name", "type", hyperparameters...}
  nlohmann::json json;              // the whole object, as read
};

// Parses and checks the outer structure (input, labels, layer names and types are strings,
// names unique). Hyperparameters are checked when the layers are built.
Architecture parse_architecture(const std::string& text);

}  // namespace convscope
