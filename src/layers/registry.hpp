// Makes a layer from its architecture JSON object, by "type".
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "layers/hyperparams.hpp"
#include "layers/layer.hpp"

namespace convscope {

// Throws Error for an unknown type or bad hyperparameters, naming the layer.
std::unique_ptr<Layer> make_layer(const std::string& name, const hyper::Json& spec);

// The type names make_layer knows, for error messages and docs.
std::vector<std::string> layer_types();

}  // namespace convscope
