#include "train/loss.hpp"

#include <algorithm>
#include <cmath>

#include "error.hpp"
#include "tensor/numbers.hpp"

namespace convscope {

std::vector<std::int32_t> class_labels(const std::vector<double>& values) {
  std::vector<std::int32_t> labels(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if (!(v >= -2147483648.0 && v <= 2147483647.0) || v != std::floor(v))
      throw Error("labels: label " + std::to_string(i) + " is " + number_text(v) +
                  ", expected a whole number (a class index)");
    labels[i] = static_cast<std::int32_t>(v);
  }
  return labels;
}

std::size_t argmax(const float* values, std::size_t n) {
  return static_cast<std::size_t>(std::max_element(values, values + n) - values);
}

LossResult softmax_cross_entropy(const Tensor& probs, const std::int32_t* labels, Tensor& dlogits) {
  const std::size_t n = probs.shape()[0], k = probs.size() / n;
  if (!std::equal(probs.shape().begin(), probs.shape().end(), dlogits.shape().begin(),
                  dlogits.shape().end()))
    dlogits.resize(probs.shape());
  LossResult result{0.0, 0};
  const float scale = 1.0f / static_cast<float>(n);
  for (std::size_t s = 0; s < n; ++s) {
    const float* p = probs.data() + s * k;
    float* d = dlogits.data() + s * k;
    const std::int32_t label = labels[s];
    if (label < 0 || static_cast<std::size_t>(label) >= k)
      throw Error("label " + std::to_string(label) + " of sample " + std::to_string(s) +
                  " is out of range (the model has " + std::to_string(k) + " classes)");
    result.loss -= std::log(std::max(static_cast<double>(p[label]), 1e-30));
    if (argmax(p, k) == static_cast<std::size_t>(label)) ++result.correct;
    for (std::size_t j = 0; j < k; ++j) d[j] = p[j] * scale;
    d[label] -= scale;
  }
  result.loss /= static_cast<double>(n);
  return result;
}

}  // namespace convscope
