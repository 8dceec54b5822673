#include "model/model_io.hpp"

#include <algorithm>
#include <set>

#include "io/safetensors.hpp"

namespace convscope {
namespace {

Architecture architecture_of(const SafetensorsIndex& file) {
  const auto format = file.metadata.find("format");
  if (format == file.metadata.end())
    throw Error("metadata: missing \"format\" (expected \"" + std::string(kFormat) + "\")");
  if (format->second != kFormat)
    throw Error("metadata: unknown format \"" + format->second + "\" (expected \"" + kFormat + "\")");
  const auto arch = file.metadata.find("architecture");
  if (arch == file.metadata.end()) throw Error("metadata: missing \"architecture\"");
  return parse_architecture(arch->second);
}

}  // namespace

Sequential load_model(const std::uint8_t* bytes, std::size_t size,
                      std::map<std::string, std::string>* metadata) {
  // The tensors stay in the caller's bytes until each is copied once into its parameter.
  const SafetensorsIndex file = index_safetensors(bytes, size);
  std::set<std::string> used;
  // Every parameter must be in the file with the architecture's shape: checked before the
  // model allocates anything.
  auto check = [&](const Param& p) {
    const TensorInFile* t = file.find(p.name);
    if (!t)
      throw Error(p.name + ": missing tensor (the architecture needs shape " + to_string(p.shape) + ")");
    if (t->shape != p.shape)
      throw Error(p.name + ": shape " + to_string(t->shape) + ", architecture needs " +
                  to_string(p.shape));
    used.insert(p.name);
  };
  Sequential model(architecture_of(file), check);
  for (Param& p : model.params()) copy_floats(*file.find(p.name), p.value->data());
  for (const auto& t : file.tensors)
    if (!used.count(t.name))
      throw Error(t.name + ": unexpected tensor (no layer of the architecture has it)");
  if (metadata) *metadata = file.metadata;
  return model;
}

std::vector<std::uint8_t> save_model(Sequential& model,
                                     const std::map<std::string, std::string>& metadata) {
  Safetensors file;
  file.metadata = metadata;
  file.metadata["format"] = kFormat;
  file.metadata["architecture"] = model.architecture().json.dump();
  for (const Param& p : model.params())
    file.tensors.push_back({p.name, p.shape, std::vector<float>(p.value->begin(), p.value->end())});
  return write_safetensors(file);
}

}  // namespace convscope
