// The JavaScript API of the engine (src/bindings/README.md); the only file that includes
// <emscripten/...>. It only translates: converts arguments, calls the engine (which parses and
// checks), copies results out of the wasm heap (a view would die when memory grows; forwardView
// alone returns views, for the page's drawing loop) and, through guarded(), turns every C++
// exception into a JS Error with its message.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "bindings/js_values.hpp"
#include "data/jets.hpp"
#include "explain/activation_maximisation.hpp"
#include "explain/input_gradient.hpp"
#include "explain/layer_ref.hpp"
#include "explain/make_it.hpp"
#include "model/describe.hpp"
#include "model/model_io.hpp"
#include "preprocess/image_transform.hpp"
#include "preprocess/mnist_style.hpp"
#include "preprocess/transform_sweep.hpp"
#include "tensor/numbers.hpp"
#include "train/confusion.hpp"
#include "train/learner.hpp"
#include "train/metrics.hpp"

using convscope::bindings::float32_array;
using convscope::bindings::floats_from;
using convscope::bindings::guarded;
using convscope::bindings::js_array;
using emscripten::val;

namespace {

val from_json(const nlohmann::json& j) { return val::global("JSON").call<val>("parse", j.dump()); }

// Class labels from JS (Int32Array or numbers), checked by the engine as numbers: 1.5 is
// refused, not truncated.
std::vector<std::int32_t> labels_from(const val& array) {
  if (array.isUndefined() || array.isNull() || !array["length"].isNumber())
    throw convscope::Error("labels: expected an Int32Array or an array of integers");
  return convscope::class_labels(emscripten::convertJSArrayToNumberVector<double>(array));
}

// An architecture from JS: an object or its JSON text.
convscope::Architecture architecture_from(const val& architecture) {
  const std::string text = architecture.isString()
                               ? architecture.as<std::string>()
                               : val::global("JSON").call<std::string>("stringify", architecture);
  return convscope::parse_architecture(text);
}

// A loaded model, as JS sees it. JS owns it and must call delete().
class JsModel {
 public:
  JsModel(convscope::Sequential model, std::map<std::string, std::string> metadata)
      : model_(std::move(model)), metadata_(std::move(metadata)) {}

  val architecture() const {
    return guarded([&] { return from_json(model_.architecture().json); });
  }

  val metadata() const {
    return guarded([&] {
      val o = val::object();
      for (const auto& [key, value] : metadata_) o.set(key, value);
      return o;
    });
  }

  val labels() const {
    return guarded([&] {
      val a = val::array();
      for (const auto& label : model_.labels()) a.call<void>("push", label);
      return a;
    });
  }

  double parameter_count() {
    return guarded([&] { return static_cast<double>(model_.parameter_count()); });
  }

  // [{name, type, inputShape, outputShape, kernel, stride, padding}] (model/describe.hpp).
  val describe_layers() const {
    return guarded([&] { return from_json(convscope::to_json(convscope::describe_layers(model_))); });
  }

  // {layers: [{name, type, shape, data}], output}: every layer's output for one input.
  val forward(const val& input) {
    return guarded([&] {
      const auto x = floats_from(input, "input");
      model_.forward(x.data(), x.size(), 1, kernels_);
      val layers = val::array();
      for (std::size_t i = 0; i < model_.size(); ++i) {
        const convscope::Tensor& out = model_.output(i);
        val layer = val::object();
        layer.set("name", model_.layer(i).name());
        layer.set("type", model_.layer(i).type());
        layer.set("shape", js_array(model_.output_dims(i)));
        layer.set("data", float32_array(out.data(), out.size()));
        layers.call<void>("push", layer);
      }
      val trace = val::object();
      trace.set("layers", layers);
      trace.set("output", layers[model_.size() - 1]["data"]);
      return trace;
    });
  }

  // The same trace for the page's drawing loop, without copies: each layer's data is a view of
  // the engine's memory, valid until the next call on this model (or until the wasm memory grows:
  // a view then reads as empty). The trace object itself is made once and returned again while
  // no layer's buffer has moved, so a call allocates nothing on either side.
  val forward_view(const val& input) {
    return guarded([&] {
      if (!is_array_like(input))
        throw convscope::Error("input: expected a Float32Array or an array of numbers");
      const std::size_t n = model_.input_size();
      if (input["length"].as<double>() != static_cast<double>(n)) {
        const auto x = floats_from(input, "input");  // refused with forward's own message
        model_.forward(x.data(), x.size(), 1, kernels_);
      }
      input_copy_.resize(n);
      val(emscripten::typed_memory_view(n, input_copy_.data())).call<void>("set", input);
      model_.forward(input_copy_.data(), n, 1, kernels_);
      const double memory = memory_bytes_now();
      bool moved = view_trace_.isUndefined() || memory != view_memory_ ||
                   view_data_.size() != model_.size();
      for (std::size_t i = 0; !moved && i < model_.size(); ++i)
        moved = model_.output(i).data() != view_data_[i];
      if (moved) make_view_trace(memory);
      return view_trace_;
    });
  }

  // Probabilities for one input: written from JS straight into the model's input buffer, run
  // with conv/dense + ReLU fused (Sequential::infer), copied out once.
  val predict(const val& input) {
    return guarded([&] {
      const std::size_t in = model_.input_size();
      if (!is_array_like(input) || input["length"].as<double>() != static_cast<double>(in)) {
        const auto x = floats_from(input, "input");  // refuses it with the model's own message
        const convscope::Tensor& out = model_.infer(x.data(), x.size(), 1, kernels_);
        return float32_array(out.data(), out.size());
      }
      write_inputs(input, 0, 1);
      const convscope::Tensor& out = model_.infer_input(kernels_);
      return float32_array(out.data(), out.size());
    });
  }

  // n inputs back to back -> n outputs back to back, run in chunks to bound memory; each chunk
  // is written from JS straight into the model's input buffer and its outputs straight into the
  // result (one copy in, one copy out): a new Float32Array, or `out` (a Float32Array of at least
  // n outputs, reused by a caller that runs many batches: nothing allocated per call).
  val predict_batch(const val& inputs, double count) {
    return predict_batch_into(inputs, count, val::undefined());
  }
  val predict_batch_into(const val& inputs, double count, const val& out_array) {
    return guarded([&] {
      if (!is_array_like(inputs))
        throw convscope::Error("inputs: expected a Float32Array or an array of numbers");
      const std::size_t in = model_.input_size(), out = model_.output_size();
      const std::size_t n = convscope::sample_count(count);
      const double length = inputs["length"].as<double>();
      if (length != static_cast<double>(n) * static_cast<double>(in))
        throw convscope::Error("inputs: expected n × " + std::to_string(in) + " values for n = " +
                               std::to_string(n) + ", got " + val(length).call<std::string>("toString"));
      const double values = static_cast<double>(n) * static_cast<double>(out);
      if (!out_array.isUndefined() &&
          (!out_array.instanceof
           (val::global("Float32Array")) || out_array["length"].as<double>() < values))
        throw convscope::Error("out: expected a Float32Array of at least n × " + std::to_string(out) +
                               " values for n = " + std::to_string(n));
      val result = out_array.isUndefined() ? val::global("Float32Array").new_(values) : out_array;
      constexpr std::size_t kChunk = 64;
      for (std::size_t s = 0; s < n; s += kChunk) {
        const std::size_t m = std::min(kChunk, n - s);
        write_inputs(inputs, s, m);
        // values numbered across the whole batch; chunks run in order, so the first bad one
        // is named
        const convscope::Tensor& o = model_.infer_input(kernels_, s * in);
        result.call<void>("set", val(emscripten::typed_memory_view(m * out, o.data())),
                          static_cast<double>(s * out));
      }
      return result;
    });
  }

  // Reference kernels instead of the fast ones (tests compare the two).
  void set_reference_kernels(bool on) {
    guarded([&] { kernels_ = on ? convscope::Kernels::reference : convscope::Kernels::fast; });
  }

  // [{name, shape, data}] of every learnable tensor (copies).
  val parameters() {
    return guarded([&] {
      val list = val::array();
      for (const convscope::Param& p : model_.params()) {
        val t = val::object();
        t.set("name", p.name);
        t.set("shape", js_array(p.shape));
        t.set("data", float32_array(p.value->data(), p.value->size()));
        list.call<void>("push", t);
      }
      return list;
    });
  }

  // ---- Learning (the lesson trains the O-vs-X net in the page; tests train in wasm) ----

  // Fresh He/Glorot weights for a seed (a whole number 0 .. 2^32 - 1).
  void initialize(double seed) {
    guarded([&] {
      convscope::whole_number(seed, 0, 4294967295.0, "initialize: seed");
      learner_.initialize(static_cast<std::uint32_t>(seed));
    });
  }

  // options: {optimizer: "adam" | "sgd", momentum, weightDecay}; resets the optimizer state.
  void set_optimizer(const val& options) {
    guarded([&] {
      convscope::OptimizerConfig config;
      if (!options.isUndefined() && !options.isNull()) {
        const val kind = options["optimizer"];
        if (!kind.isUndefined())
          config.kind = convscope::optimizer_kind(val::global("String")(kind).as<std::string>());
        if (options["momentum"].isNumber()) config.momentum = options["momentum"].as<float>();
        if (options["weightDecay"].isNumber()) config.weight_decay = options["weightDecay"].as<float>();
      }
      learner_.set_optimizer(config);
    });
  }

  // One optimizer step on n inputs (back to back) with integer labels -> {loss, correct}.
  val train_step(const val& inputs, const val& labels, double n, double learning_rate) {
    return guarded([&] {
      const auto x = floats_from(inputs, "inputs");
      const auto y = labels_from(labels);
      const convscope::Batch batch{x.data(), x.size(), y.data(), y.size(), convscope::sample_count(n)};
      return loss_object(learner_.step(batch, static_cast<float>(learning_rate), kernels_));
    });
  }

  // The same step at the learning-rate schedule's rate (setSchedule), which then moves on.
  val train_scheduled_step(const val& inputs, const val& labels, double n) {
    return guarded([&] {
      const auto x = floats_from(inputs, "inputs");
      const auto y = labels_from(labels);
      const convscope::Batch batch{x.data(), x.size(), y.data(), y.size(), convscope::sample_count(n)};
      return loss_object(learner_.step(batch, kernels_));
    });
  }

  // The one-cycle schedule (train/schedule.hpp) for trainStep without a rate: warm-up to peak
  // over the first quarter of totalSteps, then a cosine down.
  void set_schedule(double peak, double total_steps) {
    guarded([&] {
      convscope::whole_number(total_steps, 1, 1e9, "setSchedule: totalSteps");
      learner_.set_schedule(static_cast<float>(peak), static_cast<std::size_t>(total_steps));
    });
  }

  // The rate the next scheduled step will use.
  double scheduled_rate() const {
    return guarded([&] { return static_cast<double>(learner_.scheduled_rate()); });
  }

  // Loss and hits on n labelled inputs, without learning -> {loss, correct}.
  val evaluate(const val& inputs, const val& labels, double n) {
    return guarded([&] {
      const auto x = floats_from(inputs, "inputs");
      const auto y = labels_from(labels);
      const convscope::Batch batch{x.data(), x.size(), y.data(), y.size(), convscope::sample_count(n)};
      return loss_object(learner_.evaluate(batch, kernels_));
    });
  }

  // The model as a convscope/1 .safetensors file (Uint8Array); metadata: {key: "string"}.
  val save(const val& metadata) {
    return guarded([&] {
      std::map<std::string, std::string> extra;
      if (!metadata.isUndefined() && !metadata.isNull()) {
        const val keys = val::global("Object").call<val>("keys", metadata);
        for (unsigned i = 0; i < keys["length"].as<unsigned>(); ++i) {
          const std::string key = keys[i].as<std::string>();
          extra[key] = metadata[key].as<std::string>();
        }
      }
      const auto bytes = convscope::save_model(model_, extra);
      return val::global("Uint8Array").new_(emscripten::typed_memory_view(bytes.size(), bytes.data()));
    });
  }

  // ---- Explanations (src/explain/): the engine backpropagates to the input, weights frozen ----

  // d output[index] / d input at input -> Float32Array of the input's length; of layer `layer`'s
  // output (a name or an index) if given, else of the model's output as loaded.
  val input_gradient(const val& input, const val& index, const val& layer) {
    return guarded([&] {
      const auto x = floats_from(input, "input");
      const std::size_t l = layer.isUndefined() ? model_.size() - 1 : layer_index(layer);
      const std::size_t k = whole_index(index, "output index");
      const auto g = convscope::layer_input_gradient(model_, x.data(), x.size(), l, k, kernels_);
      return float32_array(g.data(), g.size());
    });
  }

  val input_gradient_of_output(const val& input, const val& index) {
    return input_gradient(input, index, val::undefined());
  }

  // The seed image of activation maximisation for options.seed.
  val maximise_seed(const val& options) {
    return guarded([&] {
      const auto image = convscope::maximise_seed_image(model_, maximise_options(options));
      return float32_array(image.data(), image.size());
    });
  }

  // One ascent step -> {image, activation (before the step)}; layer: name or index.
  val maximise_step(const val& layer, const val& channel, const val& image, const val& step,
                    const val& options) {
    return guarded([&] {
      auto x = floats_from(image, "image");
      const float a = convscope::maximise_step(model_, layer_index(layer),
                                               whole_index(channel, "channel"), x,
                                               whole_index(step, "step"), maximise_options(options),
                                               kernels_);
      val out = val::object();
      out.set("image", float32_array(x.data(), x.size()));
      out.set("activation", a);
      return out;
    });
  }

  // The whole run (options.steps, default 64) -> Float32Array image.
  val maximise_channel(const val& layer, const val& channel, const val& options) {
    return guarded([&] {
      const auto image = convscope::maximise_channel(model_, layer_index(layer),
                                                     whole_index(channel, "channel"),
                                                     option_count(options, "steps", 64),
                                                     maximise_options(options), kernels_);
      return float32_array(image.data(), image.size());
    });
  }

  // "Make it a ..." -> {image, change, probabilities, predicted, reached}.
  val make_it(const val& input, const val& target, const val& options) {
    return guarded([&] {
      const auto x = floats_from(input, "input");
      const std::size_t t = whole_index(target, "target class");
      const convscope::MakeItResult r = convscope::make_it(model_, x, t, make_it_options(options),
                                                           kernels_);
      std::vector<float> change(x.size());
      for (std::size_t i = 0; i < x.size(); ++i) change[i] = r.image[i] - x[i];
      val out = val::object();
      out.set("image", float32_array(r.image.data(), r.image.size()));
      out.set("change", float32_array(change.data(), change.size()));
      out.set("probabilities", float32_array(r.probabilities.data(), r.probabilities.size()));
      out.set("predicted", static_cast<double>(r.predicted));
      out.set("reached", r.reached);
      return out;
    });
  }

  // One step from current toward target, bounded around original -> {image, probability}.
  val make_it_step(const val& original, const val& current, const val& target, const val& options) {
    return guarded([&] {
      const auto x0 = floats_from(original, "original");
      auto x = floats_from(current, "current");
      const std::size_t t = whole_index(target, "target class");
      const float p = convscope::make_it_step(model_, x0, x, t, make_it_options(options), kernels_);
      val out = val::object();
      out.set("image", float32_array(x.data(), x.size()));
      out.set("probability", p);
      return out;
    });
  }

 private:
  static bool is_array_like(const val& v) {
    return !v.isUndefined() && !v.isNull() && v["length"].isNumber();
  }

  // A whole number >= 0 from JS (an index, a channel, a step); one past the end is left for the
  // engine to refuse with its own message.
  static std::size_t whole_index(const val& v, const char* what) {
    if (!v.isNumber())
      throw convscope::Error(std::string(what) + " must be a number, got " +
                             val::global("String")(v).as<std::string>());
    return static_cast<std::size_t>(convscope::whole_number(v.as<double>(), 0, 4294967295.0, what));
  }

  // A layer by name ("conv2") or position (0, 1, ...).
  std::size_t layer_index(const val& layer) const {
    if (layer.isString()) return convscope::layer_named(model_, layer.as<std::string>());
    return convscope::require_layer(model_, whole_index(layer, "layer"));
  }

  // options[key] as a number, or fallback when absent; anything else is refused naming the key.
  static double option(const val& options, const char* key, double fallback) {
    if (options.isUndefined() || options.isNull()) return fallback;
    const val v = options[key];
    if (v.isUndefined()) return fallback;
    if (!v.isNumber() || !std::isfinite(v.as<double>()))
      throw convscope::Error(std::string("options.") + key + " must be a number, got " +
                             val::global("String")(v).as<std::string>());
    return v.as<double>();
  }

  static std::size_t option_count(const val& options, const char* key, std::size_t fallback) {
    const double d = option(options, key, static_cast<double>(fallback));
    return static_cast<std::size_t>(
        convscope::whole_number(d, 0, 100000, std::string("options.") + key));
  }

  // options.range: [lo, hi] of the input's pixel values (default [0, 1]).
  static convscope::InputRange input_range(const val& options) {
    convscope::InputRange r;
    if (options.isUndefined() || options.isNull() || options["range"].isUndefined()) return r;
    const auto v = floats_from(options["range"], "options.range");
    if (v.size() != 2) throw convscope::Error("options.range: expected [lo, hi]");
    r.lo = v[0];
    r.hi = v[1];
    return r;
  }

  // {seed, stepSize, l2, blurEvery, range}
  static convscope::MaximiseOptions maximise_options(const val& options) {
    convscope::MaximiseOptions o;
    o.seed = static_cast<std::uint32_t>(
        convscope::whole_number(option(options, "seed", o.seed), 0, 4294967295.0, "options.seed"));
    o.step_size = static_cast<float>(option(options, "stepSize", o.step_size));
    o.l2 = static_cast<float>(option(options, "l2", o.l2));
    o.blur_every = option_count(options, "blurEvery", o.blur_every);
    o.range = input_range(options);
    return o;
  }

  // {epsilon, stepSize, maxSteps, stopWhenReached, range}
  static convscope::MakeItOptions make_it_options(const val& options) {
    convscope::MakeItOptions o;
    o.epsilon = static_cast<float>(option(options, "epsilon", o.epsilon));
    o.step_size = static_cast<float>(option(options, "stepSize", o.step_size));
    o.max_steps = option_count(options, "maxSteps", o.max_steps);
    if (!options.isUndefined() && !options.isNull() && !options["stopWhenReached"].isUndefined())
      o.stop_when_reached = options["stopWhenReached"].as<bool>();
    o.range = input_range(options);
    return o;
  }

  // Samples [first, first + m) of inputs (m · input_size() values, sizes checked by the caller)
  // into the model's input buffer: one TypedArray.set, converting as Float32Array would.
  void write_inputs(const val& inputs, std::size_t first, std::size_t m) {
    const std::size_t in = model_.input_size();
    float* dst = model_.input_buffer(m);  // may grow memory: the view is made after
    val view(emscripten::typed_memory_view(m * in, dst));
    if (first == 0 && inputs["length"].as<double>() == static_cast<double>(m * in)) {
      view.call<void>("set", inputs);
      return;
    }
    const char* part = inputs["subarray"].isUndefined() ? "slice" : "subarray";  // plain arrays
    view.call<void>("set", inputs.call<val>(part, static_cast<double>(first * in),
                                            static_cast<double>((first + m) * in)));
  }

  static double memory_bytes_now() {
    return static_cast<double>(__builtin_wasm_memory_size(0)) * 65536.0;
  }

  // forward_view's trace: {layers: [{name, type, shape, data: view}], output: view}.
  void make_view_trace(double memory) {
    val layers = val::array();
    view_data_.clear();
    for (std::size_t i = 0; i < model_.size(); ++i) {
      const convscope::Tensor& out = model_.output(i);
      view_data_.push_back(out.data());
      val layer = val::object();
      layer.set("name", model_.layer(i).name());
      layer.set("type", model_.layer(i).type());
      layer.set("shape", js_array(model_.output_dims(i)));
      layer.set("data", val(emscripten::typed_memory_view(out.size(), out.data())));
      layers.call<void>("push", layer);
    }
    view_trace_ = val::object();
    view_trace_.set("layers", layers);
    view_trace_.set("output", layers[model_.size() - 1]["data"]);
    view_memory_ = memory;
  }

  static val loss_object(const convscope::LossResult& r) {
    val o = val::object();
    o.set("loss", r.loss);
    o.set("correct", static_cast<double>(r.correct));
    return o;
  }

  convscope::Sequential model_;
  std::map<std::string, std::string> metadata_;
  convscope::Kernels kernels_ = convscope::Kernels::fast;
  convscope::Learner learner_{model_};  // the optimizer's settings and state
  std::vector<float> input_copy_;       // forward_view's input, reused
  val view_trace_ = val::undefined();   // forward_view's trace, and what its views show
  std::vector<const float*> view_data_;
  double view_memory_ = 0;
};

// A model from an architecture (object or JSON text) alone, with zero weights: call
// initialize(seed) or train it.
std::unique_ptr<JsModel> create_model(const val& architecture) {
  return guarded([&] {
    return std::make_unique<JsModel>(convscope::Sequential(architecture_from(architecture)),
                                     std::map<std::string, std::string>{});
  });
}

// cs.describeArchitecture(architecture) -> model.describeLayers() of a model built from it, for
// a page that needs the shapes before it has weights (the lesson sizes its dense layer by it).
val describe_architecture(const val& architecture) {
  return guarded([&] {
    const convscope::Sequential model(architecture_from(architecture));
    return from_json(convscope::to_json(convscope::describe_layers(model)));
  });
}

std::unique_ptr<JsModel> load_model(const val& bytes) {
  return guarded([&] {
    if (bytes.isUndefined() || bytes.isNull() || !bytes["length"].isNumber())
      throw convscope::Error("loadModel: expected the bytes of a .safetensors file (Uint8Array)");
    // One TypedArray.set into bytes left uninitialised: no zero fill, no per-byte work in the
    // baseline tier, where a load runs.
    const std::size_t size = bytes["length"].as<std::size_t>();
    const std::unique_ptr<std::uint8_t[]> data(new std::uint8_t[size]);
    val(emscripten::typed_memory_view(size, data.get())).call<void>("set", bytes);
    std::map<std::string, std::string> metadata;
    convscope::Sequential model = convscope::load_model(data.get(), size, &metadata);
    return std::make_unique<JsModel>(std::move(model), std::move(metadata));
  });
}

// The ink bytes [height][width] (0 background .. 255 ink; Uint8Array or Uint8ClampedArray) through
// the engine's MNIST-style preprocessing (preprocess/mnist_style.hpp). Empty: "nothing drawn".
convscope::MnistStyleImage preprocess_ink(const val& pixels, const val& width, const val& height,
                                          convscope::Placement placement) {
  if (pixels.isUndefined() || pixels.isNull() || !pixels["length"].isNumber())
    throw convscope::Error("preprocess: expected ink bytes (Uint8Array or Uint8ClampedArray)");
  auto side = [](const val& v) {  // a whole number; too large ones are refused by the engine
    const double d = v.isNumber() ? v.as<double>() : -1;
    if (!(d >= 0) || d != std::floor(d))
      throw convscope::Error("preprocess: width and height must be whole numbers >= 0");
    return static_cast<std::size_t>(std::min(d, 1e9));
  };
  const std::size_t w = side(width), h = side(height);
  // The drawing page calls this at every stroke move: the ink goes into a buffer kept between
  // calls (one TypedArray.set), not a new zero-filled vector per call. A size that does not
  // fit the canvas is refused by the engine before it reads a byte.
  static std::vector<std::uint8_t> ink;
  const double length = pixels["length"].as<double>();
  const bool fits = w <= convscope::kMaxCanvasSide && h <= convscope::kMaxCanvasSide &&
                    length == static_cast<double>(w * h);
  const std::size_t n = fits ? w * h : static_cast<std::size_t>(std::min(std::max(length, 0.0), 1e15));
  if (fits) {
    if (ink.size() < n) ink.resize(n);
    val(emscripten::typed_memory_view(n, ink.data())).call<void>("set", pixels);
  }
  return convscope::preprocess_mnist_style_placed(ink.data(), n, w, h, placement);
}

// cs.preprocess(pixels, width, height) -> Float32Array(784), MNIST style.
val preprocess(const val& pixels, const val& width, const val& height) {
  return guarded([&] {
    const auto out = preprocess_ink(pixels, width, height, convscope::Placement::centre_of_mass);
    return float32_array(out.image.data(), out.image.size());
  });
}

// cs.preprocessAsDrawn(pixels, width, height): the same 20-pixel box, placed where the ink was on
// the canvas instead of centred (the invariance explorer's "centring off").
val preprocess_as_drawn(const val& pixels, const val& width, const val& height) {
  return guarded([&] {
    const auto out = preprocess_ink(pixels, width, height, convscope::Placement::as_drawn);
    return float32_array(out.image.data(), out.image.size());
  });
}

// cs.preprocessPlaced(pixels, width, height) -> {image: Float32Array(784), placement: {scale,
// offsetX, offsetY}}: cs.preprocess's image and where the canvas went in it (canvas point (x, y)
// -> (x·scale + offsetX, y·scale + offsetY)), so a map over the image can be laid over the ink.
val preprocess_placed(const val& pixels, const val& width, const val& height) {
  return guarded([&] {
    const auto out = preprocess_ink(pixels, width, height, convscope::Placement::centre_of_mass);
    val placement = val::object();
    placement.set("scale", out.placement.scale);
    placement.set("offsetX", out.placement.offset_x);
    placement.set("offsetY", out.placement.offset_y);
    val result = val::object();
    result.set("image", float32_array(out.image.data(), out.image.size()));
    result.set("placement", placement);
    return result;
  });
}

// ---- The jet lab: generated W/Z vs QCD images (data/jets.hpp) and ROC metrics. ----

// A generated jet set (or part of one) as {images: Float32Array(count·625), labels:
// Int32Array(count), height: 25, width: 25}.
val jets_value(const convscope::Dataset& d) {
  val out = val::object();
  out.set("images", float32_array(d.images.data(), d.images.size()));
  out.set("labels", val::global("Int32Array")
                        .new_(emscripten::typed_memory_view(d.labels.size(), d.labels.data())));
  out.set("height", d.rows);
  out.set("width", d.cols);
  return out;
}

// cs.generateJets(count, seed) -> the set's jets_value; the same images as the native generator
// for the same seed.
val generate_jets(double count, double seed) {
  return guarded([&] { return jets_value(convscope::generate_jets_checked(count, seed)); });
}

// cs.generateJetRange(count, seed, first, n) -> jets [first, first + n) of generateJets(count,
// seed) alone, bit for bit the same (a set generated in parts).
val generate_jet_range(double count, double seed, double first, double n) {
  return guarded(
      [&] { return jets_value(convscope::generate_jet_range_checked(count, seed, first, n)); });
}

// cs.rocAuc(scores, labels) -> the area under the ROC curve (ties count ½).
double roc_auc(const val& scores, const val& labels) {
  return guarded([&] { return convscope::roc_auc(floats_from(scores, "scores"), labels_from(labels)); });
}

// cs.rocCurve(scores, labels) -> {signalEfficiency, backgroundEfficiency: Float64Array,
// threshold: Float32Array}: from (0, 0) (threshold Infinity) to (1, 1), one point per distinct
// score, highest first.
val roc_curve(const val& scores, const val& labels) {
  return guarded([&] {
    const auto curve = convscope::roc_curve(floats_from(scores, "scores"), labels_from(labels));
    std::vector<double> signal, background;
    std::vector<float> threshold;
    for (const convscope::RocPoint& p : curve) {
      signal.push_back(p.signal_efficiency);
      background.push_back(p.background_efficiency);
      threshold.push_back(p.threshold);
    }
    const auto f64 = [](const std::vector<double>& v) {
      return val::global("Float64Array").new_(emscripten::typed_memory_view(v.size(), v.data()));
    };
    val out = val::object();
    out.set("signalEfficiency", f64(signal));
    out.set("backgroundEfficiency", f64(background));
    out.set("threshold", float32_array(threshold.data(), threshold.size()));
    return out;
  });
}

// cs.backgroundRejection(scores, labels, signalEfficiency) -> 1/ε_B at that ε_S (Infinity if 0).
double background_rejection(const val& scores, const val& labels, double signal_efficiency) {
  return guarded([&] {
    return convscope::background_rejection(floats_from(scores, "scores"), labels_from(labels),
                                           signal_efficiency);
  });
}

double memory_bytes() {
  return guarded([] { return static_cast<double>(__builtin_wasm_memory_size(0)) * 65536.0; });
}

// ---- The drawing page's evidence sections: transforms and their sweeps, the as-drawn
// placement, the confusion matrix. ----

// {shiftX, shiftY, rotation (degrees), scale, thickness}: each optional, a number.
convscope::ImageTransform transform_from(const val& t) {
  convscope::ImageTransform out;
  if (t.isUndefined() || t.isNull()) return out;
  auto field = [&](const char* key, float& into) {
    const val v = t[key];
    if (v.isUndefined()) return;
    if (!v.isNumber()) throw convscope::Error(std::string("transform.") + key + ": expected a number");
    into = static_cast<float>(v.as<double>());
  };
  field("shiftX", out.shift_x);
  field("shiftY", out.shift_y);
  field("rotation", out.rotation_degrees);
  field("scale", out.scale);
  field("thickness", out.thickness);
  return out;
}

// An image side or a count from JS: a whole number from 1 to max.
std::size_t whole_from(double v, const char* what, double max) {
  return static_cast<std::size_t>(convscope::whole_number(v, 1, max, what));
}

// [h, w] floats from JS, length checked.
std::vector<float> image_from(const val& image, std::size_t h, std::size_t w) {
  auto x = floats_from(image, "image");
  if (x.size() != h * w)
    throw convscope::Error("image: " + std::to_string(h) + "×" + std::to_string(w) + " needs " +
                           std::to_string(h * w) + " values, got " + std::to_string(x.size()));
  return x;
}

// cs.transformImage(image, height, width, transform) -> Float32Array(height·width)
val transform_image(const val& image, double height, double width, const val& transform) {
  return guarded([&] {
    const std::size_t h = whole_from(height, "height", 1024), w = whole_from(width, "width", 1024);
    const auto x = image_from(image, h, w);
    std::vector<float> out(h * w);
    convscope::transform_image(x.data(), out.data(), h, w, transform_from(transform));
    return float32_array(out.data(), out.size());
  });
}

// cs.transformSweep(image, height, width, transform, axis, points) -> {amounts: Float32Array(points),
// images: Float32Array(points·height·width)}; axis "shift-x" | "shift-y" | "rotation" | "scale" |
// "thickness".
val transform_sweep(const val& image, double height, double width, const val& transform,
                    const std::string& axis, double points) {
  return guarded([&] {
    const std::size_t h = whole_from(height, "height", 1024), w = whole_from(width, "width", 1024);
    const auto x = image_from(image, h, w);
    const convscope::SweepAxis a = convscope::sweep_axis_from_name(axis);
    const std::size_t n = whole_from(points, "points", convscope::kMaxSweepPoints);
    const auto images = convscope::transform_sweep(x.data(), h, w, transform_from(transform), a, n);
    const auto amounts = convscope::sweep_amounts(a, n);
    val out = val::object();
    out.set("amounts", float32_array(amounts.data(), amounts.size()));
    out.set("images", float32_array(images.data(), images.size()));
    return out;
  });
}

// cs.confusionMatrix(scores, labels, classes) -> {predicted: Int32Array(n), counts:
// Int32Array(classes²) (row = true class), correct}; scores [n][classes], e.g. predictBatch's.
val confusion_matrix(const val& scores, const val& labels, double classes) {
  return guarded([&] {
    const std::size_t k = whole_from(classes, "classes", 1e6);
    const auto s = floats_from(scores, "scores");
    if (labels.isUndefined() || labels.isNull() || !labels["length"].isNumber())
      throw convscope::Error("labels: expected an array of class indices");
    const auto y = emscripten::convertJSArrayToNumberVector<std::int32_t>(labels);
    if (s.size() != y.size() * k)
      throw convscope::Error("confusion matrix: " + std::to_string(y.size()) + " labels × " +
                             std::to_string(k) + " classes need " + std::to_string(y.size() * k) +
                             " scores, got " + std::to_string(s.size()));
    const convscope::Confusion c = convscope::confusion_matrix(s.data(), y.data(), y.size(), k);
    val out = val::object();
    out.set("predicted",
            val::global("Int32Array")
                .new_(emscripten::typed_memory_view(c.predicted.size(), c.predicted.data())));
    out.set("counts", val::global("Int32Array")
                          .new_(emscripten::typed_memory_view(c.counts.size(), c.counts.data())));
    out.set("correct", static_cast<double>(c.correct));
    return out;
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(convscope) {
  using namespace emscripten;
  class_<JsModel>("Model")
      .property("architecture", &JsModel::architecture)
      .property("metadata", &JsModel::metadata)
      .property("labels", &JsModel::labels)
      .function("parameterCount", &JsModel::parameter_count)
      .function("describeLayers", &JsModel::describe_layers)
      .function("forward", &JsModel::forward)
      .function("forwardView", &JsModel::forward_view)
      .function("predict", &JsModel::predict)
      .function("predictBatch", &JsModel::predict_batch)
      .function("predictBatch", &JsModel::predict_batch_into)
      .function("setReferenceKernels", &JsModel::set_reference_kernels)
      .function("parameters", &JsModel::parameters)
      .function("initialize", &JsModel::initialize)
      .function("setOptimizer", &JsModel::set_optimizer)
      .function("trainStep", &JsModel::train_step)
      .function("trainStep", &JsModel::train_scheduled_step)
      .function("setSchedule", &JsModel::set_schedule)
      .function("scheduledRate", &JsModel::scheduled_rate)
      .function("evaluate", &JsModel::evaluate)
      .function("save", &JsModel::save)
      .function("inputGradient", &JsModel::input_gradient_of_output)
      .function("inputGradient", &JsModel::input_gradient)
      .function("maximiseSeed", &JsModel::maximise_seed)
      .function("maximiseStep", &JsModel::maximise_step)
      .function("maximiseChannel", &JsModel::maximise_channel)
      .function("makeIt", &JsModel::make_it)
      .function("makeItStep", &JsModel::make_it_step);
  function("createModel", &create_model);
  function("loadModel", &load_model);
  function("describeArchitecture", &describe_architecture);
  function("memoryBytes", &memory_bytes);
  function("preprocess", &preprocess);
  function("preprocessAsDrawn", &preprocess_as_drawn);
  function("preprocessPlaced", &preprocess_placed);
  function("transformImage", &transform_image);
  function("transformSweep", &transform_sweep);
  function("confusionMatrix", &confusion_matrix);
  function("generateJets", &generate_jets);
  function("generateJetRange", &generate_jet_range);
  function("rocAuc", &roc_auc);
  function("rocCurve", &roc_curve);
  function("backgroundRejection", &background_rejection);
}
