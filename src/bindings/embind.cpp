// The JavaScript API of the engine (src/bindings/README.md); the only file that includes
// <emscripten/...>. It only translates: converts arguments, calls the engine (which parses and
// checks), copies results out of the wasm heap (a view would die when memory grows; forwardView
// alone returns views, for the page's drawing loop) and, through guarded(), turns every C++ exception into a JS Error with its message.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "data/jets.hpp"
#include "model/describe.hpp"
#include "model/model_io.hpp"
#include "preprocess/mnist_style.hpp"
#include "tensor/numbers.hpp"
#include "train/learner.hpp"
#include "train/metrics.hpp"

using emscripten::val;

namespace {

[[noreturn]] void throw_js_error(const std::string& message) {
  val::global("Error").new_(message).throw_();
}

// Runs f; a C++ exception leaves as a JS Error. The message is copied out of the catch block
// first: the JS throw unwinds without running C++ destructors.
template <class F>
auto guarded(F&& f) -> decltype(f()) {
  std::string message;
  try {
    return f();
  } catch (const std::bad_alloc&) {
    message = "out of memory: the model or its input needs more WebAssembly memory than this browser gives";
  } catch (const std::exception& e) {
    message = e.what();
  }
  throw_js_error(message);
}

std::vector<float> floats_from(const val& array, const char* what) {
  if (array.isUndefined() || array.isNull() || !array["length"].isNumber())
    throw convscope::Error(std::string(what) + ": expected a Float32Array or an array of numbers");
  return emscripten::convertJSArrayToNumberVector<float>(array);
}

val float32_array(const float* data, std::size_t n) {
  return val::global("Float32Array").new_(emscripten::typed_memory_view(n, data));
}

val js_array(const convscope::Dims& dims) {
  val a = val::array();
  for (std::size_t d : dims) a.call<void>("push", d);
  return a;
}

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
      if (!is_array_like(input)) throw convscope::Error("input: expected a Float32Array or an array of numbers");
      const std::size_t n = model_.input_size();
      if (input["length"].as<double>() != static_cast<double>(n)) {
        const auto x = floats_from(input, "input");  // refused with forward's own message
        model_.forward(x.data(), x.size(), 1, kernels_);
      }
      input_copy_.resize(n);
      val(emscripten::typed_memory_view(n, input_copy_.data())).call<void>("set", input);
      model_.forward(input_copy_.data(), n, 1, kernels_);
      const double memory = memory_bytes_now();
      bool moved = view_trace_.isUndefined() || memory != view_memory_ || view_data_.size() != model_.size();
      for (std::size_t i = 0; !moved && i < model_.size(); ++i) moved = model_.output(i).data() != view_data_[i];
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
  // result (one copy in, one copy out).
  val predict_batch(const val& inputs, double count) {
    return guarded([&] {
      if (!is_array_like(inputs))
        throw convscope::Error("inputs: expected a Float32Array or an array of numbers");
      const std::size_t in = model_.input_size(), out = model_.output_size();
      const std::size_t n = convscope::sample_count(count);
      const double length = inputs["length"].as<double>();
      if (length != static_cast<double>(n) * static_cast<double>(in))
        throw convscope::Error("inputs: expected n × " + std::to_string(in) + " values for n = " +
                               std::to_string(n) + ", got " + val(length).call<std::string>("toString"));
      val result = val::global("Float32Array").new_(static_cast<double>(n) * static_cast<double>(out));
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

 private:
  static bool is_array_like(const val& v) {
    return !v.isUndefined() && !v.isNull() && v["length"].isNumber();
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

  static double memory_bytes_now() { return static_cast<double>(__builtin_wasm_memory_size(0)) * 65536.0; }

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
  std::vector<float> input_copy_;                // forward_view's input, reused
  val view_trace_ = val::undefined();            // forward_view's trace, and what its views show
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
    const auto data = emscripten::convertJSArrayToNumberVector<std::uint8_t>(bytes);
    std::map<std::string, std::string> metadata;
    convscope::Sequential model = convscope::load_model(data.data(), data.size(), &metadata);
    return std::make_unique<JsModel>(std::move(model), std::move(metadata));
  });
}

// cs.preprocess(pixels, width, height): canvas ink bytes [height][width] (0 background .. 255
// ink; Uint8Array or Uint8ClampedArray) -> Float32Array(784), MNIST style. Empty: "nothing drawn".
val preprocess(const val& pixels, const val& width, const val& height) {
  return guarded([&] {
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
    const bool fits = w <= convscope::kMaxCanvasSide && h <= convscope::kMaxCanvasSide && length == static_cast<double>(w * h);
    const std::size_t n = fits ? w * h : static_cast<std::size_t>(std::min(std::max(length, 0.0), 1e15));
    if (fits) {
      if (ink.size() < n) ink.resize(n);
      val(emscripten::typed_memory_view(n, ink.data())).call<void>("set", pixels);
    }
    const auto out = convscope::preprocess_mnist_style(ink.data(), n, w, h);
    return float32_array(out.data(), out.size());
  });
}

// ---- The jet lab: generated W/Z vs QCD images (data/jets.hpp) and ROC metrics. ----

// cs.generateJets(count, seed) -> {images: Float32Array(count·625), labels: Int32Array(count),
// height: 25, width: 25}; the same images as the native generator for the same seed.
val generate_jets(double count, double seed) {
  return guarded([&] {
    const convscope::Dataset d = convscope::generate_jets_checked(count, seed);
    val out = val::object();
    out.set("images", float32_array(d.images.data(), d.images.size()));
    out.set("labels", val::global("Int32Array")
                          .new_(emscripten::typed_memory_view(d.labels.size(), d.labels.data())));
    out.set("height", d.rows);
    out.set("width", d.cols);
    return out;
  });
}

// cs.rocAuc(scores, labels) -> the area under the ROC curve (ties count ½).
double roc_auc(const val& scores, const val& labels) {
  return guarded([&] { return convscope::roc_auc(floats_from(scores, "scores"), labels_from(labels)); });
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
      .function("setReferenceKernels", &JsModel::set_reference_kernels)
      .function("parameters", &JsModel::parameters)
      .function("initialize", &JsModel::initialize)
      .function("setOptimizer", &JsModel::set_optimizer)
      .function("trainStep", &JsModel::train_step)
      .function("evaluate", &JsModel::evaluate)
      .function("save", &JsModel::save);
  function("createModel", &create_model);
  function("loadModel", &load_model);
  function("describeArchitecture", &describe_architecture);
  function("memoryBytes", &memory_bytes);
  function("preprocess", &preprocess);
  function("generateJets", &generate_jets);
  function("rocAuc", &roc_auc);
  function("backgroundRejection", &background_rejection);
}
