#include "train/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "error.hpp"

namespace convscope {

std::vector<RocPoint> roc_curve(const std::vector<float>& scores,
                                const std::vector<std::int32_t>& labels) {
  if (scores.size() != labels.size())
    throw Error("roc: " + std::to_string(scores.size()) + " scores but " +
                std::to_string(labels.size()) + " labels");
  std::size_t signals = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] != 0 && labels[i] != 1)
      throw Error("roc: label " + std::to_string(i) + " is " + std::to_string(labels[i]) +
                  ", expected 0 (background) or 1 (signal)");
    if (std::isnan(scores[i])) throw Error("roc: score " + std::to_string(i) + " is NaN");
    signals += static_cast<std::size_t>(labels[i]);
  }
  const std::size_t backgrounds = labels.size() - signals;
  if (signals == 0 || backgrounds == 0)
    throw Error("roc: needs both classes, got " + std::to_string(signals) + " signal and " +
                std::to_string(backgrounds) + " background samples");

  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  std::vector<RocPoint> curve{{0.0, 0.0, std::numeric_limits<float>::infinity()}};
  std::size_t tp = 0, fp = 0;
  for (std::size_t i = 0; i < order.size();) {
    const float threshold = scores[order[i]];
    for (; i < order.size() && scores[order[i]] == threshold; ++i) (labels[order[i]] ? tp : fp) += 1;
    curve.push_back({static_cast<double>(tp) / static_cast<double>(signals),
                     static_cast<double>(fp) / static_cast<double>(backgrounds), threshold});
  }
  return curve;
}

double roc_auc(const std::vector<float>& scores, const std::vector<std::int32_t>& labels) {
  const std::vector<RocPoint> curve = roc_curve(scores, labels);
  // trapezoids: ∫ ε_S dε_B; a tie group is one diagonal step, which gives it ½
  double area = 0;
  for (std::size_t i = 1; i < curve.size(); ++i)
    area += (curve[i].background_efficiency - curve[i - 1].background_efficiency) *
            (curve[i].signal_efficiency + curve[i - 1].signal_efficiency) / 2;
  return area;
}

double background_rejection(const std::vector<float>& scores, const std::vector<std::int32_t>& labels,
                            double signal_efficiency) {
  if (!(signal_efficiency > 0 && signal_efficiency <= 1))
    throw Error("background_rejection: signal efficiency must be in (0, 1], got " +
                std::to_string(signal_efficiency));
  const std::vector<RocPoint> curve = roc_curve(scores, labels);
  std::size_t i = 1;
  while (curve[i].signal_efficiency < signal_efficiency) ++i;  // the last point has ε_S = 1
  const RocPoint &a = curve[i - 1], &b = curve[i];
  const double t = (signal_efficiency - a.signal_efficiency) /
                   (b.signal_efficiency - a.signal_efficiency);
  const double background = a.background_efficiency +
                            t * (b.background_efficiency - a.background_efficiency);
  return background > 0 ? 1 / background : std::numeric_limits<double>::infinity();
}

std::vector<float> output_column(Sequential& model, const float* x, std::size_t n, std::size_t column,
                                 std::size_t batch) {
  const std::size_t in = model.input_size(), k = model.output_size();
  if (column >= k)
    throw Error("output_column: column " + std::to_string(column) + " of a model with " +
                std::to_string(k) + " outputs");
  std::vector<float> scores(n);
  for (std::size_t s = 0; s < n; s += batch) {
    const std::size_t m = std::min(batch, n - s);
    const Tensor& out = model.forward(x + s * in, m * in, m);
    for (std::size_t j = 0; j < m; ++j) scores[s + j] = out.data()[j * k + column];
  }
  return scores;
}

}  // namespace convscope
