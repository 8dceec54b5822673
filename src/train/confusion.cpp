#include "train/confusion.hpp"

#include <cmath>
#include <string>

#include "error.hpp"
#include "train/loss.hpp"

namespace convscope {

Confusion confusion_matrix(const float* scores, const std::int32_t* labels, std::size_t n,
                           std::size_t classes) {
  if (classes == 0) throw Error("confusion matrix: needs at least 1 class");
  Confusion c;
  c.classes = classes;
  c.predicted.resize(n);
  c.counts.assign(classes * classes, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t label = labels[i];
    if (label < 0 || static_cast<std::size_t>(label) >= classes)
      throw Error("confusion matrix: label " + std::to_string(i) + " is " + std::to_string(label) +
                  ", expected 0.." + std::to_string(classes - 1));
    for (std::size_t k = 0; k < classes; ++k)
      if (std::isnan(scores[i * classes + k]))
        throw Error("confusion matrix: score " + std::to_string(k) + " of sample " + std::to_string(i) +
                    " is NaN");
    const auto p = static_cast<std::int32_t>(argmax(scores + i * classes, classes));
    c.predicted[i] = p;
    c.counts[static_cast<std::size_t>(label) * classes + static_cast<std::size_t>(p)] += 1;
    if (p == label) ++c.correct;
  }
  return c;
}

}  // namespace convscope
