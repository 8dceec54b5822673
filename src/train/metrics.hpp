// What physicists read off a binary classifier: the ROC curve (signal efficiency ε_S against
// background efficiency ε_B as the cut on the score moves), its area (AUC), and the background
// rejection 1/ε_B at a fixed signal efficiency. Labels: 1 = signal, 0 = background; a higher
// score means more signal-like. Equal scores are one cut: a tie counts half.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/sequential.hpp"

namespace convscope {

struct RocPoint {
  double signal_efficiency;      // ε_S = TP / signals with score ≥ threshold
  double background_efficiency;  // ε_B = FP / backgrounds with score ≥ threshold
  float threshold;
};

// From (0,0) (no cut passes) to (1,1), one point per distinct score, highest first.
// Throws Error on different lengths, a label other than 0/1, a NaN score, or a missing class.
std::vector<RocPoint> roc_curve(const std::vector<float>& scores,
                                const std::vector<std::int32_t>& labels);

// Area under the ROC curve = P(score of a random signal > score of a random background), ties
// counting ½ (the Mann–Whitney U statistic / (n_S·n_B)). 1 = perfect, ½ = chance, 0 = reversed.
double roc_auc(const std::vector<float>& scores, const std::vector<std::int32_t>& labels);

// 1/ε_B at ε_S = signal_efficiency, the ROC curve linearly interpolated; +∞ if no background
// passes there.
double background_rejection(const std::vector<float>& scores, const std::vector<std::int32_t>& labels,
                            double signal_efficiency = 0.5);

// Output `column` of the model for each of n inputs (e.g. P(W/Z) of a softmax), in batches.
std::vector<float> output_column(Sequential& model, const float* x, std::size_t n, std::size_t column,
                                 std::size_t batch = 256);

}  // namespace convscope
