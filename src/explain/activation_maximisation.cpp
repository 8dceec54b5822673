#include "explain/activation_maximisation.hpp"

#include <algorithm>
#include <cmath>

#include "explain/input_gradient.hpp"
#include "train/rng.hpp"

namespace convscope {
namespace {

constexpr char kTool[] = "activation maximisation";

// The flat index of channel c's centre unit in layer `layer`'s output [C, H, W].
std::size_t centre_unit(const Dims& d, std::size_t channel) {
  return (channel * d[1] + d[1] / 2) * d[2] + d[2] / 2;
}

void require_options(const MaximiseOptions& o) {
  require_range(o.range);
  if (!(o.step_size > 0) || !std::isfinite(o.step_size))
    throw Error(std::string(kTool) + ": step size must be > 0, got " + std::to_string(o.step_size));
  if (!(o.l2 >= 0) || !std::isfinite(o.l2))
    throw Error(std::string(kTool) + ": L2 penalty must be >= 0, got " + std::to_string(o.l2));
}

// x [C,H,W] ← 3×3 binomial blur of each channel, edges clamped.
void blur_3x3(std::vector<float>& x, const Dims& d) {
  const std::size_t h = d[1], w = d[2];
  std::vector<float> src(x);
  const float k[3] = {0.25f, 0.5f, 0.25f};
  for (std::size_t c = 0; c < d[0]; ++c) {
    const float* s = src.data() + c * h * w;
    float* o = x.data() + c * h * w;
    for (std::size_t y = 0; y < h; ++y)
      for (std::size_t xx = 0; xx < w; ++xx) {
        float sum = 0;
        for (int dy = -1; dy <= 1; ++dy)
          for (int dx = -1; dx <= 1; ++dx) {
            const std::size_t yy = std::min(h - 1, static_cast<std::size_t>(
                                                       std::max<long>(0, static_cast<long>(y) + dy)));
            const std::size_t xs = std::min(w - 1, static_cast<std::size_t>(
                                                       std::max<long>(0, static_cast<long>(xx) + dx)));
            sum += k[dy + 1] * k[dx + 1] * s[yy * w + xs];
          }
        o[y * w + xx] = sum;
      }
  }
}

void require_image_length(const Sequential& model, const std::vector<float>& image) {
  if (image.size() != model.input_size())
    throw Error("image: expected " + std::to_string(model.input_size()) + " values " +
                to_string(model.input_dims()) + ", got " + std::to_string(image.size()));
}

}  // namespace

const Dims& require_channel(const Sequential& model, std::size_t layer, std::size_t channel) {
  if (layer >= model.size())
    throw Error(std::string(kTool) + ": layer " + std::to_string(layer) +
                " is out of range: the model has " + std::to_string(model.size()) + " layers");
  const Dims& d = model.output_dims(layer);
  const Layer& l = model.layer(layer);
  if (d.size() != 3)
    throw Error(std::string(kTool) + ": layer " + l.name() + " (" + l.type() +
                ") has no channels: its output is " + to_string(d) +
                ", expected [channels, height, width]");
  if (channel >= d[0])
    throw Error(std::string(kTool) + ": channel " + std::to_string(channel) +
                " is out of range: layer " + l.name() + " has " + std::to_string(d[0]) +
                " channels (0.." + std::to_string(d[0] - 1) + ")");
  return d;
}

std::vector<float> maximise_seed_image(const Sequential& model, const MaximiseOptions& options) {
  require_image_input(model, kTool);
  require_options(options);
  const float mid = 0.5f * (options.range.lo + options.range.hi);
  const float noise = 0.02f * (options.range.hi - options.range.lo);
  Rng rng(options.seed);
  std::vector<float> image(model.input_size());
  for (float& v : image) v = mid + rng.uniform(-noise, noise);
  return image;
}

float channel_unit_activation(Sequential& model, std::size_t layer, std::size_t channel,
                              const std::vector<float>& image, Kernels kernels) {
  const Dims& d = require_channel(model, layer, channel);
  require_image_length(model, image);
  model.forward(image.data(), image.size(), 1, kernels);
  return model.output(layer).data()[centre_unit(d, channel)];
}

float maximise_step(Sequential& model, std::size_t layer, std::size_t channel, std::vector<float>& image,
                    std::size_t step_index, const MaximiseOptions& options, Kernels kernels) {
  require_image_input(model, kTool);
  require_options(options);
  const Dims& d = require_channel(model, layer, channel);
  const float activation = channel_unit_activation(model, layer, channel, image, kernels);

  std::vector<float> dy(model.output(layer).size(), 0.0f);
  dy[centre_unit(d, channel)] = 1.0f;
  const std::vector<float> grad = backward_to_input(model, layer, dy.data(), kernels);

  float largest = 0;
  for (float g : grad) largest = std::max(largest, std::fabs(g));
  const float lo = options.range.lo, hi = options.range.hi;
  const float mid = 0.5f * (lo + hi), half = 0.5f * (hi - lo);
  const float eta = options.step_size * (hi - lo);
  const float scale = largest > 0 ? 1.0f / largest : 0.0f;  // a dead unit: only the penalty acts
  for (std::size_t i = 0; i < image.size(); ++i) {
    const float ascent = grad[i] * scale - options.l2 * (image[i] - mid) / half;
    image[i] = std::clamp(image[i] + eta * ascent, lo, hi);
  }
  if (options.blur_every > 0 && (step_index + 1) % options.blur_every == 0)
    blur_3x3(image, model.input_dims());
  return activation;
}

std::vector<float> maximise_channel(Sequential& model, std::size_t layer, std::size_t channel,
                                    std::size_t steps, const MaximiseOptions& options, Kernels kernels) {
  require_channel(model, layer, channel);
  std::vector<float> image = maximise_seed_image(model, options);
  for (std::size_t s = 0; s < steps; ++s)
    maximise_step(model, layer, channel, image, s, options, kernels);
  return image;
}

}  // namespace convscope
