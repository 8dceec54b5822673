#include "model/describe.hpp"

namespace convscope {

std::vector<LayerDescription> describe_layers(const Sequential& model) {
  std::vector<LayerDescription> layers;
  for (std::size_t i = 0; i < model.size(); ++i) {
    const Layer& layer = model.layer(i);
    layers.push_back({layer.name(), layer.type(), i ? model.output_dims(i - 1) : model.input_dims(),
                      model.output_dims(i), layer.window()});
  }
  return layers;
}

nlohmann::json to_json(const std::vector<LayerDescription>& layers) {
  nlohmann::json list = nlohmann::json::array();
  for (const LayerDescription& d : layers) {
    nlohmann::json o = {{"name", d.name},          {"type", d.type},    {"inputShape", d.input},
                        {"outputShape", d.output}, {"kernel", nullptr}, {"stride", nullptr},
                        {"padding", nullptr}};
    if (d.window) {
      const Window& w = *d.window;
      o["kernel"] = {w.kh, w.kw};
      o["stride"] = {w.sh, w.sw};
      o["padding"] = {{"top", w.pad_top},
                      {"bottom", w.pad_bottom},
                      {"left", w.pad_left},
                      {"right", w.pad_right}};
    }
    list.push_back(std::move(o));
  }
  return list;
}

}  // namespace convscope
