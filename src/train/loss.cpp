#include "train/loss.hpp"

#include <algorithm>
#include <cmath>

#include "error.hpp"

namespace convscope {

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
