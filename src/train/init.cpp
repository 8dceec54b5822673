#include "train/init.hpp"

#include <cmath>

#include "train/rng.hpp"

namespace convscope {

void initialize(Sequential& model, std::uint32_t seed) {
  Rng rng(seed);
  for (std::size_t i = 0; i < model.size(); ++i) {
    const bool relu_next = i + 1 < model.size() && model.layer(i + 1).type() == "relu";
    for (Param& p : model.layer(i).params()) {
      if (p.shape.size() < 2) {  // bias
        p.value->fill(0.0f);
        continue;
      }
      // weight [OUT, IN, (KH, KW)]: fan_in = IN·KH·KW, fan_out = OUT·KH·KW
      const float receptive = p.shape.size() == 4 ? static_cast<float>(p.shape[2] * p.shape[3]) : 1.0f;
      const float fan_in = static_cast<float>(p.shape[1]) * receptive;
      const float fan_out = static_cast<float>(p.shape[0]) * receptive;
      if (relu_next) {
        const float std_dev = std::sqrt(2.0f / fan_in);
        for (float& w : *p.value) w = std_dev * rng.normal();
      } else {
        const float limit = std::sqrt(6.0f / (fan_in + fan_out));
        for (float& w : *p.value) w = rng.uniform(-limit, limit);
      }
    }
  }
}

}  // namespace convscope
