#include "io/architecture.hpp"

#include <set>

#include "error.hpp"
#include "io/json_read.hpp"
#include "layers/hyperparams.hpp"

namespace convscope {

Architecture parse_architecture(const std::string& text) {
  nlohmann::json j;
  try {
    j = read_json(text.data(), text.data() + text.size(), "architecture");
  } catch (const JsonSyntaxError& e) {
    throw Error(std::string("architecture: not valid JSON (") + e.what() + ")");
  }
  if (!j.is_object()) throw Error("architecture: expected a JSON object, got " + j.dump());

  Architecture arch;
  arch.json = j;
  if (!j.contains("input") || !j["input"].is_object())
    throw Error("architecture: missing \"input\" {channels, height, width}");
  const auto& in = j["input"];
  for (const char* key : {"channels", "height", "width"})
    arch.input.push_back(hyper::get_size(in, "architecture.input", key, 1));
  bounded_count(arch.input, "architecture.input");

  if (j.contains("labels")) {
    if (!j["labels"].is_array()) throw Error("architecture.labels: expected an array of strings");
    for (const auto& label : j["labels"]) {
      if (!label.is_string()) throw Error("architecture.labels: expected strings, got " + label.dump());
      arch.labels.push_back(label.get<std::string>());
    }
  }

  if (!j.contains("layers") || !j["layers"].is_array() || j["layers"].empty())
    throw Error("architecture: missing \"layers\" (a non-empty array)");
  std::set<std::string> names;
  for (std::size_t i = 0; i < j["layers"].size(); ++i) {
    const auto& layer = j["layers"][i];
    const std::string where = "architecture.layers[" + std::to_string(i) + "]";
    if (!layer.is_object()) throw Error(where + ": expected an object, got " + layer.dump());
    if (!layer.contains("name") || !layer["name"].is_string() ||
        layer["name"].get<std::string>().empty())
      throw Error(where + ": missing \"name\"");
    const std::string name = layer["name"].get<std::string>();
    if (!names.insert(name).second) throw Error(where + ": duplicate layer name \"" + name + "\"");
  }
  arch.layers = j["layers"];
  return arch;
}

}  // namespace convscope
