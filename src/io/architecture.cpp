#include "io/architecture.hpp"

#include <set>

#include "error.hpp"
#include "io/json_read.hpp"
#include "layers/hyperparams.hpp"

namespace convscope {
namespace {

// The error paths, each out of line: a model is loaded once, in the browser's baseline compiler,
// which compiles a function whole at its first call, so messages built inline would be compiled
// on every load and never run.
[[noreturn]] void fail_not_json(const JsonSyntaxError& e) {
  throw Error(std::string("architecture: not valid JSON (") + e.what() + ")");
}

[[noreturn]] void fail_got(const char* expected, const nlohmann::json& got) {
  throw Error(expected + got.dump());
}

[[noreturn]] void fail_layer(std::size_t i, const nlohmann::json& layer, const std::string* duplicate) {
  const std::string where = "architecture.layers[" + std::to_string(i) + "]";
  if (!layer.is_object()) throw Error(where + ": expected an object, got " + layer.dump());
  if (duplicate) throw Error(where + ": duplicate layer name \"" + *duplicate + "\"");
  throw Error(where + ": missing \"name\"");
}

}  // namespace

Architecture parse_architecture(const std::string& text) {
  nlohmann::json j;
  try {
    j = read_json(text.data(), text.data() + text.size(), "architecture");
  } catch (const JsonSyntaxError& e) {
    fail_not_json(e);
  }
  if (!j.is_object()) fail_got("architecture: expected a JSON object, got ", j);

  Architecture arch;
  if (!j.contains("input") || !j["input"].is_object())
    throw Error("architecture: missing \"input\" {channels, height, width}");
  const auto& in = j["input"];
  for (const char* key : {"channels", "height", "width"})
    arch.input.push_back(hyper::get_size(in, "architecture.input", key, 1));
  bounded_count(arch.input, "architecture.input");

  if (j.contains("labels")) {
    if (!j["labels"].is_array()) throw Error("architecture.labels: expected an array of strings");
    for (const auto& label : j["labels"]) {
      if (!label.is_string()) fail_got("architecture.labels: expected strings, got ", label);
      arch.labels.push_back(label.get<std::string>());
    }
  }

  if (!j.contains("layers") || !j["layers"].is_array() || j["layers"].empty())
    throw Error("architecture: missing \"layers\" (a non-empty array)");
  std::set<std::string> names;
  for (std::size_t i = 0; i < j["layers"].size(); ++i) {
    const auto& layer = j["layers"][i];
    if (!layer.is_object() || !layer.contains("name") || !layer["name"].is_string() ||
        layer["name"].get_ref<const std::string&>().empty())
      fail_layer(i, layer, nullptr);
    const std::string& name = layer["name"].get_ref<const std::string&>();
    if (!names.insert(name).second) fail_layer(i, layer, &name);
  }
  arch.layers = j["layers"];
  arch.json = std::move(j);  // not a copy: a model loads once, in the baseline compiler
  return arch;
}

}  // namespace convscope
