// The one table of layer types. A new type: its header, one line here, its test.
#include "layers/registry.hpp"

#include "layers/activations.hpp"
#include "layers/conv2d.hpp"
#include "layers/dense.hpp"
#include "layers/flatten.hpp"
#include "layers/pool2d.hpp"
#include "layers/softmax.hpp"

namespace convscope {
namespace {

using Factory = std::unique_ptr<Layer> (*)(const std::string&, const hyper::Json&);

template <class L, auto... args>
std::unique_ptr<Layer> plain(const std::string& name, const hyper::Json&) {
  return std::make_unique<L>(name, args...);
}

template <kernels::PoolKind kind>
std::unique_ptr<Layer> pool(const std::string& name, const hyper::Json& spec) {
  return Pool2d::from_json(name, spec, kind);
}

// In alphabetical order, as error messages list them. A plain array of function pointers, not a
// map of std::function: nothing to build (and compile) at the first model load, which runs in the
// browser's baseline compiler.
struct Entry {
  const char* type;
  Factory make;
};
constexpr Entry kFactories[] = {
    {"avgpool2d", &pool<kernels::PoolKind::average>},
    {"conv2d", &Conv2d::from_json},
    {"dense", &Dense::from_json},
    {"flatten", &plain<Flatten>},
    {"maxpool2d", &pool<kernels::PoolKind::max>},
    {"relu", &plain<Activation, ActivationFn::relu>},
    {"sigmoid", &plain<Activation, ActivationFn::sigmoid>},
    {"softmax", &plain<Softmax>},
    {"tanh", &plain<Activation, ActivationFn::tanh>},
};

}  // namespace

std::vector<std::string> layer_types() {
  std::vector<std::string> names;
  for (const Entry& entry : kFactories) names.emplace_back(entry.type);
  return names;
}

namespace {

// Out of line, like the loaders' other error paths: never compiled on a good load.
[[noreturn]] void fail_unknown_type(const std::string& name, const std::string& type) {
  std::string known;
  for (const auto& t : layer_types()) known += (known.empty() ? "" : ", ") + t;
  throw Error(name + ": unknown layer type \"" + type + "\" (known: " + known + ")");
}

}  // namespace

std::unique_ptr<Layer> make_layer(const std::string& name, const hyper::Json& spec) {
  if (!spec.contains("type") || !spec.at("type").is_string()) throw Error(name + ": missing \"type\"");
  const std::string type = spec.at("type").get<std::string>();
  for (const Entry& entry : kFactories)
    if (type == entry.type) return entry.make(name, spec);
  fail_unknown_type(name, type);
}

}  // namespace convscope
