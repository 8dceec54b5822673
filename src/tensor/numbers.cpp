// number_text without printf's "%.*g" + strtod loop: strtod (with libc's long-double arithmetic)
// was among the largest code in the wasm build, and the JSON reader no longer needs it.
#include "tensor/numbers.hpp"

#include <cstdlib>
#include <nlohmann/json.hpp>

namespace convscope {

std::string number_text(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  // nlohmann's printer gives the shortest digits that read back as v ("0.5", "3.0", "1e+21",
  // "1.5e-07", "-0.0"); read them as v = 0.digits · 10^point.
  const std::string text = nlohmann::json(v).dump();
  std::string digits;
  int point = 0;
  bool fraction = false;
  std::size_t i = text[0] == '-' ? 1 : 0;
  for (; i < text.size() && text[i] != 'e'; ++i) {
    if (text[i] == '.') {
      fraction = true;
    } else if (digits.empty() && text[i] == '0') {
      if (fraction) --point;
    } else {
      digits += text[i];
      if (!fraction) ++point;
    }
  }
  if (i < text.size()) point += std::atoi(text.c_str() + i + 1);
  while (!digits.empty() && digits.back() == '0') digits.pop_back();

  // %g with as many significant digits p as that: d.ddde±XX when the exponent x < -4 or x >= p.
  std::string out = text[0] == '-' ? "-" : "";
  if (digits.empty()) return out + "0";
  const int p = static_cast<int>(digits.size()), x = point - 1;
  if (x < -4 || x >= p) {
    out += digits[0];
    if (p > 1) out += "." + digits.substr(1);
    out += x < 0 ? "e-" : "e+";
    if (std::abs(x) < 10) out += "0";
    out += std::to_string(std::abs(x));
  } else if (x >= 0) {
    out += digits.substr(0, static_cast<std::size_t>(x) + 1);
    if (x + 1 < p) out += "." + digits.substr(static_cast<std::size_t>(x) + 1);
  } else {
    out += "0." + std::string(static_cast<std::size_t>(-x - 1), '0') + digits;
  }
  return out;
}

}  // namespace convscope
