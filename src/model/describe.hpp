// What each layer of a built model does to the shape of its data: the one description of the
// geometry the pages draw from (receptive fields, sizes), computed by the layers themselves.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/sequential.hpp"

namespace convscope {

struct LayerDescription {
  std::string name, type;
  Dims input, output;            // one sample's shape in and out: [C,H,W] or [F]
  std::optional<Window> window;  // conv2d and pooling: kernel, stride, resolved padding
};

std::vector<LayerDescription> describe_layers(const Sequential& model);

// [{name, type, inputShape, outputShape, kernel: [kh,kw], stride: [sh,sw],
//   padding: {top, bottom, left, right}}]; kernel, stride and padding are null for a layer
// without a sliding window (activations, flatten, dense, softmax).
nlohmann::json to_json(const std::vector<LayerDescription>& layers);

}  // namespace convscope
