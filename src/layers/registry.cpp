// The one table of layer types. A new type: its header, one line here, its test.
#include "layers/registry.hpp"

#include <functional>
#include <map>

#include "layers/activations.hpp"
#include "layers/conv2d.hpp"
#include "layers/dense.hpp"
#include "layers/flatten.hpp"
#include "layers/pool2d.hpp"
#include "layers/softmax.hpp"

namespace convscope {
namespace {

using Factory = std::function<std::unique_ptr<Layer>(const std::string&, const hyper::Json&)>;

const std::map<std::string, Factory>& factories() {
  using J = hyper::Json;
  using S = std::string;
  static const std::map<std::string, Factory> table = {
      {"conv2d", &Conv2d::from_json},
      {"maxpool2d",
       [](const S& n, const J& j) { return Pool2d::from_json(n, j, kernels::PoolKind::max); }},
      {"avgpool2d",
       [](const S& n, const J& j) { return Pool2d::from_json(n, j, kernels::PoolKind::average); }},
      {"dense", &Dense::from_json},
      {"flatten", [](const S& n, const J&) { return std::make_unique<Flatten>(n); }},
      {"relu", [](const S& n, const J&) { return std::make_unique<Activation>(n, ActivationFn::relu); }},
      {"sigmoid",
       [](const S& n, const J&) { return std::make_unique<Activation>(n, ActivationFn::sigmoid); }},
      {"tanh", [](const S& n, const J&) { return std::make_unique<Activation>(n, ActivationFn::tanh); }},
      {"softmax", [](const S& n, const J&) { return std::make_unique<Softmax>(n); }},
  };
  return table;
}

}  // namespace

std::vector<std::string> layer_types() {
  std::vector<std::string> names;
  for (const auto& entry : factories()) names.push_back(entry.first);
  return names;
}

std::unique_ptr<Layer> make_layer(const std::string& name, const hyper::Json& spec) {
  if (!spec.contains("type") || !spec.at("type").is_string()) throw Error(name + ": missing \"type\"");
  const std::string type = spec.at("type").get<std::string>();
  const auto it = factories().find(type);
  if (it == factories().end()) {
    std::string known;
    for (const auto& t : layer_types()) known += (known.empty() ? "" : ", ") + t;
    throw Error(name + ": unknown layer type \"" + type + "\" (known: " + known + ")");
  }
  return it->second(name, spec);
}

}  // namespace convscope
