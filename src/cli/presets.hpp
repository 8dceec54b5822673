// Named architectures for `train --preset NAME` (architecture JSON, src/io/FORMAT.md §3).
#pragma once
#include <map>
#include <string>

namespace convscope::presets {

// The shipped MNIST CNN: three 3×3 conv layers of at most 16 channels (two followed by 2×2 max
// pooling: 28 -> 14 -> 7), then a small dense head on the 16×7×7 maps. 16,298 parameters:
// fewer than the lecture's 784-30-10 DNN (23,860).
inline const char* kMnistCnn = R"({
  "input": {"channels": 1, "height": 28, "width": 28},
  "labels": ["0","1","2","3","4","5","6","7","8","9"],
  "layers": [
    {"name": "conv1", "type": "conv2d", "out_channels": 8, "kernel": 3, "stride": 1, "padding": 1},
    {"name": "relu1", "type": "relu"},
    {"name": "pool1", "type": "maxpool2d", "kernel": 2, "stride": 2},
    {"name": "conv2", "type": "conv2d", "out_channels": 16, "kernel": 3, "stride": 1, "padding": 1},
    {"name": "relu2", "type": "relu"},
    {"name": "pool2", "type": "maxpool2d", "kernel": 2, "stride": 2},
    {"name": "conv3", "type": "conv2d", "out_channels": 16, "kernel": 3, "stride": 1, "padding": 1},
    {"name": "relu3", "type": "relu"},
    {"name": "flatten", "type": "flatten"},
    {"name": "fc1", "type": "dense", "out_features": 16},
    {"name": "relu4", "type": "relu"},
    {"name": "fc2", "type": "dense", "out_features": 10},
    {"name": "softmax", "type": "softmax"}]})";

// The lecture's "Week 06" DNN: 784-30-10, sigmoid hidden layer, 23,860 parameters.
inline const char* kMnistDnn = R"({
  "input": {"channels": 1, "height": 28, "width": 28},
  "labels": ["0","1","2","3","4","5","6","7","8","9"],
  "layers": [
    {"name": "flatten", "type": "flatten"},
    {"name": "fc1", "type": "dense", "out_features": 30},
    {"name": "sigmoid1", "type": "sigmoid"},
    {"name": "fc2", "type": "dense", "out_features": 10},
    {"name": "softmax", "type": "softmax"}]})";

// The jet lab's CNN (W/Z vs QCD, 1×25×25 jet images): a 5×5 conv sees a prong and its spread,
// pooling 25 -> 12 -> 6, a 3×3 conv relates the two prongs; at most 16 channels.
inline const char* kJetCnn = R"({
  "input": {"channels": 1, "height": 25, "width": 25},
  "labels": ["QCD", "W/Z"],
  "layers": [
    {"name": "conv1", "type": "conv2d", "out_channels": 8, "kernel": 5, "stride": 1, "padding": 2},
    {"name": "relu1", "type": "relu"},
    {"name": "pool1", "type": "maxpool2d", "kernel": 2, "stride": 2},
    {"name": "conv2", "type": "conv2d", "out_channels": 16, "kernel": 3, "stride": 1, "padding": 1},
    {"name": "relu2", "type": "relu"},
    {"name": "pool2", "type": "maxpool2d", "kernel": 2, "stride": 2},
    {"name": "flatten", "type": "flatten"},
    {"name": "fc1", "type": "dense", "out_features": 32},
    {"name": "relu3", "type": "relu"},
    {"name": "fc2", "type": "dense", "out_features": 2},
    {"name": "softmax", "type": "softmax"}]})";

// The fully connected net beside it (the lecture's DNN-vs-CNN argument on physics data).
inline const char* kJetDnn = R"({
  "input": {"channels": 1, "height": 25, "width": 25},
  "labels": ["QCD", "W/Z"],
  "layers": [
    {"name": "flatten", "type": "flatten"},
    {"name": "fc1", "type": "dense", "out_features": 64},
    {"name": "relu1", "type": "relu"},
    {"name": "fc2", "type": "dense", "out_features": 2},
    {"name": "softmax", "type": "softmax"}]})";

inline const std::map<std::string, const char*>& all() {
  static const std::map<std::string, const char*> table = {{"mnist-cnn", kMnistCnn},
                                                           {"mnist-dnn", kMnistDnn},
                                                           {"jet-cnn", kJetCnn},
                                                           {"jet-dnn", kJetDnn}};
  return table;
}

}  // namespace convscope::presets
