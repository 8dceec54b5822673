// Naming a layer from outside C++: by its name ("conv2") or its position (0, 1, ...). Errors say
// which layers there are.
#pragma once
#include <cstddef>
#include <string>

#include "model/sequential.hpp"

namespace convscope {

inline std::size_t require_layer(const Sequential& model, std::size_t index) {
  if (index >= model.size())
    throw Error("layer " + std::to_string(index) + " is out of range: the model has " +
                std::to_string(model.size()) + " layers (0.." + std::to_string(model.size() - 1) + ")");
  return index;
}

inline std::size_t layer_named(const Sequential& model, const std::string& name) {
  std::string names;
  for (std::size_t i = 0; i < model.size(); ++i) {
    if (model.layer(i).name() == name) return i;
    names += (i ? ", " : "") + model.layer(i).name();
  }
  throw Error("no layer named \"" + name + "\" (the model's layers: " + names + ")");
}

}  // namespace convscope
