// A classifier's record on a labelled set: each sample's predicted class (the highest score,
// the first on a tie, as predict_classes), the confusion matrix and the accuracy.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace convscope {

struct Confusion {
  std::size_t classes = 0;
  std::vector<std::int32_t> predicted;  // [n]
  std::vector<std::int32_t> counts;     // [classes][classes]: counts[true · classes + predicted]
  std::size_t correct = 0;              // the diagonal's sum
  double accuracy() const {
    return predicted.empty() ? 0.0 : static_cast<double>(correct) / predicted.size();
  }
};

// scores [n][classes] (e.g. predictBatch's probabilities), labels [n] in 0..classes-1.
// Throws Error naming the problem: classes 0, a label out of range, a NaN score.
Confusion confusion_matrix(const float* scores, const std::int32_t* labels, std::size_t n,
                           std::size_t classes);

}  // namespace convscope
