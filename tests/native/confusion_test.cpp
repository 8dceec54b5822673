// The confusion matrix and accuracy of a set of scores, worked out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "error.hpp"
#include "train/confusion.hpp"

namespace convscope {
namespace {

TEST(Confusion, CountsTrueRowsAgainstPredictedColumns) {
  // 5 samples, 3 classes; sample 3 ties classes 0 and 2 → 0 (the first, as argmax)
  const std::vector<float> scores = {0.7f, 0.2f, 0.1f,   // true 0 → 0
                                     0.1f, 0.3f, 0.6f,   // true 1 → 2
                                     0.0f, 0.9f, 0.1f,   // true 1 → 1
                                     0.4f, 0.2f, 0.4f,   // true 2 → 0
                                     0.1f, 0.1f, 0.8f};  // true 2 → 2
  const std::vector<std::int32_t> labels = {0, 1, 1, 2, 2};
  const Confusion c = confusion_matrix(scores.data(), labels.data(), 5, 3);
  EXPECT_EQ(c.predicted, (std::vector<std::int32_t>{0, 2, 1, 0, 2}));
  EXPECT_EQ(c.counts, (std::vector<std::int32_t>{1, 0, 0, 0, 1, 1, 1, 0, 1}));
  EXPECT_EQ(c.correct, 3u);
  EXPECT_DOUBLE_EQ(c.accuracy(), 0.6);
}

TEST(Confusion, RefusesLabelsOutOfRangeNanScoresAndNoClasses) {
  const std::vector<float> scores = {0.5f, 0.5f, NAN, 1.0f};
  const std::vector<std::int32_t> good = {0, 1}, bad = {0, 2};
  EXPECT_NO_THROW(confusion_matrix(scores.data(), bad.data(), 1, 2));       // only sample 0 is read
  EXPECT_THROW(confusion_matrix(scores.data(), good.data(), 2, 2), Error);  // NaN in sample 1
  EXPECT_THROW(confusion_matrix(scores.data(), good.data(), 2, 0), Error);
  EXPECT_THROW(confusion_matrix(scores.data(), bad.data(), 2, 2), Error);
}

}  // namespace
}  // namespace convscope
