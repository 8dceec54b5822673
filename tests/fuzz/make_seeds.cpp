// Writes the fuzzers' seed corpora, built with the engine's own code so they track its format:
//   <dir>/model_load/     convscope/1 safetensors files (save_model) for a few architectures,
//                         plus broken variants: truncated, wrong length, bad dtype, ...
//   <dir>/architecture/   the same architectures as JSON, plus a few the builder refuses
//   <dir>/mnist_idx/      small IDX image and label files, good and bad
// Usage: fuzz_seeds <dir>. run.sh adds the shipped web/models/*.safetensors to model_load/.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "error.hpp"
#include "io/safetensors.hpp"
#include "model/model_io.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;
namespace fs = std::filesystem;

// Every layer type, padding mode, rectangular windows, strides, several channels.
const char* const kArchitectures[] = {
    R"({"input": {"channels": 1, "height": 8, "width": 8}, "labels": ["a", "b", "c"],
  "layers": [{"name": "conv1", "type": "conv2d", "out_channels": 2, "kernel": 3, "padding": "same"},
             {"name": "relu1", "type": "relu"},
             {"name": "pool1", "type": "maxpool2d", "kernel": 2},
             {"name": "flatten", "type": "flatten"},
             {"name": "fc1", "type": "dense", "out_features": 3},
             {"name": "softmax", "type": "softmax"}]})",
    R"({"input": {"channels": 1, "height": 6, "width": 6},
  "layers": [{"name": "flatten", "type": "flatten"},
             {"name": "fc1", "type": "dense", "out_features": 5},
             {"name": "sig", "type": "sigmoid"},
             {"name": "fc2", "type": "dense", "out_features": 2},
             {"name": "tanh", "type": "tanh"}]})",
    R"({"input": {"channels": 3, "height": 5, "width": 7},
  "layers": [{"name": "c1", "type": "conv2d", "out_channels": 2, "kernel": [2, 3], "stride": [2, 1], "padding": [1, 0]},
             {"name": "p1", "type": "avgpool2d", "kernel": [2, 1], "stride": 1},
             {"name": "c2", "type": "conv2d", "out_channels": 3, "kernel": 1},
             {"name": "c3", "type": "conv2d", "out_channels": 1, "kernel": [2, 3], "stride": [1, 2], "padding": "valid"},
             {"name": "f", "type": "flatten"},
             {"name": "d", "type": "dense", "out_features": 1}]})",
    R"({"input": {"channels": 2, "height": 9, "width": 4},
  "layers": [{"name": "c1", "type": "conv2d", "out_channels": 3, "kernel": 5, "stride": 2, "padding": "same"},
             {"name": "m1", "type": "maxpool2d", "kernel": [1, 2], "stride": [1, 1]},
             {"name": "s", "type": "softmax"},
             {"name": "f", "type": "flatten"}]})",
};

// Architectures the builder refuses (each for one reason), for the architecture corpus only.
const char* const kBadArchitectures[] = {
    R"({"input": {"channels": 1, "height": 2, "width": 2}, "layers": [{"name": "c", "type": "conv2d", "out_channels": 1, "kernel": 3}]})",
    R"({"input": {"channels": 1, "height": 4, "width": 4}, "layers": [{"name": "d", "type": "dense", "out_features": 2}]})",
    R"({"input": {"channels": 1, "height": 4, "width": 4}, "labels": ["x"], "layers": [{"name": "f", "type": "flatten"}]})",
    R"({"input": {"channels": 65536, "height": 65536, "width": 65536}, "layers": [{"name": "r", "type": "relu"}]})",
    R"({"input": {"channels": 1, "height": 1, "width": 1}, "layers": [{"name": "c", "type": "conv2d", "out_channels": 1, "kernel": 1, "padding": 65536}]})",
};

void write(const fs::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw convscope::Error(path.string() + ": cannot write");
}

Bytes of(const std::string& text) { return Bytes(text.begin(), text.end()); }

Bytes saved_model(const char* architecture, float phase) {
  convscope::Sequential model(convscope::parse_architecture(architecture));
  float v = phase;
  for (convscope::Param& p : model.params())
    for (float& x : *p.value) x = std::sin(v += 1.0f);
  return convscope::save_model(model, {{"dataset", "fuzz seed"}});
}

// A saved model re-written with one header change (the writer keeps offsets consistent).
Bytes edited(const Bytes& good, void (*edit)(convscope::Safetensors&)) {
  convscope::Safetensors file = convscope::read_safetensors(good.data(), good.size());
  edit(file);
  return convscope::write_safetensors(file);
}

Bytes idx(std::uint32_t magic, const std::vector<std::uint32_t>& dims, std::size_t payload) {
  Bytes bytes;
  auto be32 = [&bytes](std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<std::uint8_t>(v >> shift));
  };
  be32(magic);
  for (std::uint32_t d : dims) be32(d);
  for (std::size_t i = 0; i < payload; ++i) bytes.push_back(static_cast<std::uint8_t>(i * 37));
  return bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus dir>\n", argv[0]);
    return 2;
  }
  try {
    const fs::path root = argv[1];
    for (const char* sub : {"model_load", "architecture", "mnist_idx"})
      fs::create_directories(root / sub);

    int n = 0;
    for (const char* arch : kArchitectures) {
      const Bytes good = saved_model(arch, static_cast<float>(n));
      const std::string stem = "arch" + std::to_string(n);
      write(root / "model_load" / (stem + ".safetensors"), good);
      write(root / "architecture" / (stem + ".json"), of(arch));
      if (n == 0) {  // broken variants of the first model
        write(root / "model_load" / "truncated-header.safetensors",
              Bytes(good.begin(), good.begin() + 40));
        write(root / "model_load" / "truncated-data.safetensors", Bytes(good.begin(), good.end() - 6));
        Bytes longer = good;
        longer[0] = static_cast<std::uint8_t>(longer[0] + 8);
        write(root / "model_load" / "length-past-end.safetensors", longer);
        write(root / "model_load" / "no-format.safetensors",
              edited(good, [](convscope::Safetensors& f) { f.metadata.erase("format"); }));
        write(root / "model_load" / "missing-tensor.safetensors",
              edited(good, [](convscope::Safetensors& f) { f.tensors.pop_back(); }));
        write(root / "model_load" / "extra-tensor.safetensors",
              edited(good, [](convscope::Safetensors& f) {
                f.tensors.push_back({"extra", {2}, {1.0f, 2.0f}});
              }));
        write(root / "model_load" / "wrong-shape.safetensors",
              edited(good, [](convscope::Safetensors& f) {
                f.tensors[0].shape = {f.tensors[0].data.size()};
              }));
        write(root / "model_load" / "nan-weights.safetensors",
              edited(good, [](convscope::Safetensors& f) {
                for (float& x : f.tensors[0].data) x = std::nanf("");
              }));
      }
      ++n;
    }
    // dtype is not a field of Safetensors: make that one by hand from the JSON text.
    {
      const Bytes good = saved_model(kArchitectures[1], 0.5f);
      std::string text(good.begin(), good.end());
      const auto at = text.find("\"F32\"");
      text.replace(at, 5, "\"F16\"");
      write(root / "model_load" / "bad-dtype.safetensors", of(text));
    }
    n = 0;
    for (const char* arch : kBadArchitectures)
      write(root / "architecture" / ("bad" + std::to_string(n++) + ".json"), of(arch));

    const fs::path m = root / "mnist_idx";
    write(m / "images-3x4x5", idx(0x803, {3, 4, 5}, 60));
    write(m / "labels-5", idx(0x801, {5}, 5));
    write(m / "images-short", idx(0x803, {3, 4, 5}, 59));
    write(m / "images-zero-rows", idx(0x803, {2, 0, 5}, 0));
    write(m / "labels-long", idx(0x801, {5}, 6));
    write(m / "labels-bad-magic", idx(0x802, {1}, 1));
    write(m / "header-only", idx(0x803, {0, 28, 28}, 0));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_seeds: %s\n", e.what());
    return 1;
  }
  return 0;
}
