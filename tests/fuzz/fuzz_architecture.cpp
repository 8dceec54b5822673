// libFuzzer target: bytes -> parse_architecture -> Sequential (every layer built against the
// fuzzed shapes) -> forward and backward (fuzz_util.hpp), with parameters derived from the
// bytes. fuzz_model_load reaches the same code only when a file's shapes, offsets and data
// agree; here every architecture the fuzzer writes is built and, if small enough, run.
// convscope::Error is the expected refusal; anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "error.hpp"
#include "fuzz_util.hpp"
#include "io/architecture.hpp"

namespace {

// A file could hold these; the harness refuses more so that a fuzzed architecture cannot make
// it allocate large zero-filled parameters (load_model checks them against the file instead).
constexpr std::size_t kMaxParams = 1 << 16;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace convscope;
  try {
    std::size_t params = 0;
    Sequential model(parse_architecture(std::string(reinterpret_cast<const char*>(data), size)),
                     [&params](const Param& p) {
                       params += checked_count(p.shape, p.name);
                       if (params > kMaxParams) throw Error("fuzz harness: too many parameters");
                     });
    std::uint32_t state = 2166136261u;  // parameters in [-1, 1), deterministic
    for (Param& p : model.params())
      for (float& v : *p.value) {
        state = state * 1664525u + 1013904223u;
        v = static_cast<float>(state >> 8) / static_cast<float>(1 << 23) - 1.0f;
      }
    fuzz::run_model(model, data, size);
  } catch (const Error&) {
  }
  return 0;
}
