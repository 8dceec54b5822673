// A whole model <-> one convscope/1 safetensors file (the format: src/io/FORMAT.md).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/sequential.hpp"

namespace convscope {

constexpr const char* kFormat = "convscope/1";

// Parses, checks and loads: format, architecture, every parameter present with the shape the
// architecture needs, no extra tensors. Throws Error naming the problem. If metadata is given,
// it receives the file's "__metadata__" (format, architecture, test_accuracy, ...).
Sequential load_model(const std::uint8_t* bytes, std::size_t size,
                      std::map<std::string, std::string>* metadata = nullptr);

// Writes the model's architecture and parameters; extra metadata (dataset, test_accuracy, ...)
// is added as given.
std::vector<std::uint8_t> save_model(Sequential& model,
                                     const std::map<std::string, std::string>& metadata = {});

}  // namespace convscope
