// Image transforms (shift, rotation, scale, stroke) and the invariance explorer's sweeps, with
// values worked out by hand; the "as drawn" placement of the preprocessing.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "error.hpp"
#include "preprocess/image_transform.hpp"
#include "preprocess/mnist_style.hpp"
#include "preprocess/transform_sweep.hpp"

namespace convscope {
namespace {

constexpr std::size_t S = 28;
using Image = std::vector<float>;

Image dot(std::size_t x, std::size_t y) {
  Image img(S * S, 0.0f);
  img[y * S + x] = 1.0f;
  return img;
}

// C++17 has no designated initializers: the fields in declaration order.
ImageTransform tf(float shift_x, float shift_y, float rotation_degrees, float scale, float thickness) {
  ImageTransform t;
  t.shift_x = shift_x;
  t.shift_y = shift_y;
  t.rotation_degrees = rotation_degrees;
  t.scale = scale;
  t.thickness = thickness;
  return t;
}

Image transformed(const Image& in, const ImageTransform& t) {
  Image out(S * S, NAN);
  transform_image(in.data(), out.data(), S, S, t);
  return out;
}

float ink(const Image& img) {
  float sum = 0;
  for (float v : img) sum += v;
  return sum;
}

TEST(ImageTransform, IdentityKeepsEveryPixel) {
  Image img(S * S);
  for (std::size_t i = 0; i < img.size(); ++i) img[i] = static_cast<float>((i * 37) % 101) / 100.0f;
  EXPECT_EQ(transformed(img, {}), img);
}

TEST(ImageTransform, WholePixelShiftMovesInkRightAndDown) {
  const Image out = transformed(dot(10, 12), tf(3, -2, 0, 1, 0));
  EXPECT_EQ(out, dot(13, 10));
}

TEST(ImageTransform, QuarterTurnIsClockwiseOnScreen) {
  // centre (13.5, 13.5): a dot 6.5 px right of it lands 6.5 px below it
  const Image out = transformed(dot(20, 13), tf(0, 0, 90, 1, 0));
  EXPECT_NEAR(out[20 * S + 14], 1.0f, 1e-5f);
  EXPECT_NEAR(ink(out), 1.0f, 1e-5f);
}

TEST(ImageTransform, ScaleTwoDoublesTheDistanceFromTheCentre) {
  Image img(S * S, 0.0f);
  for (std::size_t y = 11; y <= 16; ++y)
    for (std::size_t x = 11; x <= 16; ++x) img[y * S + x] = 1.0f;  // a 6×6 square about the centre
  const Image out = transformed(img, tf(0, 0, 0, 2, 0));
  EXPECT_NEAR(out[13 * S + 13], 1.0f, 1e-6f);
  EXPECT_NEAR(out[9 * S + 9], 1.0f, 1e-6f);  // 4.5 px out, from 2.25 px out: inside the square
  EXPECT_EQ(out[5 * S + 5], 0.0f);           // 8.5 px out, from 4.25: outside
  EXPECT_NEAR(ink(out), 4 * ink(img), 0.1f * ink(img));
}

TEST(ImageTransform, StrokeThickensToFourNeighboursThinsAndBlends) {
  const Image plus = transformed(dot(9, 9), tf(0, 0, 0, 1, 1));
  EXPECT_EQ(ink(plus), 5.0f);
  for (auto [x, y] : {std::pair{9, 9}, {8, 9}, {10, 9}, {9, 8}, {9, 10}})
    EXPECT_EQ(plus[y * S + x], 1.0f);
  EXPECT_EQ(ink(transformed(dot(9, 9), tf(0, 0, 0, 1, 2))), 13.0f);    // a diamond of radius 2
  EXPECT_EQ(ink(transformed(dot(9, 9), tf(0, 0, 0, 1, 0.5f))), 3.0f);  // 1 + 4 neighbours at ½
  EXPECT_EQ(transformed(plus, tf(0, 0, 0, 1, -1)),
            dot(9, 9));  // only the centre has all 4 neighbours inked
}

TEST(ImageTransform, RefusesNonFiniteValuesAndNonPositiveScale) {
  const Image img = dot(3, 3);
  Image out(S * S);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(transform_image(img.data(), out.data(), S, S, tf(nan, 0, 0, 1, 0)), Error);
  EXPECT_THROW(transform_image(img.data(), out.data(), S, S, tf(0, 0, INFINITY, 1, 0)), Error);
  try {
    transform_image(img.data(), out.data(), S, S, tf(0, 0, 0, 0, 0));
    FAIL() << "scale 0 accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("scale must be positive"), std::string::npos) << e.what();
  }
}

TEST(TransformSweep, AmountsSpanTheRangeExactlyAndEvenly) {
  const std::vector<float> a = sweep_amounts(SweepAxis::rotation, 41);
  ASSERT_EQ(a.size(), 41u);
  EXPECT_EQ(a.front(), -45.0f);
  EXPECT_EQ(a.back(), 45.0f);
  EXPECT_FLOAT_EQ(a[20], 0.0f);
  for (std::size_t i = 1; i < a.size(); ++i) EXPECT_NEAR(a[i] - a[i - 1], 2.25f, 1e-4f);
  const std::vector<float> s = sweep_amounts(SweepAxis::scale, 5);
  EXPECT_EQ(s.front(), 0.6f);
  EXPECT_EQ(s.back(), 1.4f);
  EXPECT_EQ(sweep_range(SweepAxis::shift_y).from, -8.0f);
  EXPECT_EQ(sweep_range(SweepAxis::thickness).to, 2.0f);
}

TEST(TransformSweep, EachVariantIsTheTransformAtItsAmountOverTheOthersCurrentValues) {
  Image img(S * S, 0.0f);
  for (std::size_t y = 6; y < 22; ++y) img[y * S + 12] = img[y * S + 13] = 1.0f;  // a "1"
  const ImageTransform base = tf(1.5f, -2, 10, 1.1f, 0.5f);
  for (const char* name : {"shift-x", "shift-y", "rotation", "scale", "thickness"}) {
    const SweepAxis axis = sweep_axis_from_name(name);
    const std::vector<float> sweep = transform_sweep(img.data(), S, S, base, axis, 41);
    const std::vector<float> amounts = sweep_amounts(axis, 41);
    ASSERT_EQ(sweep.size(), 41 * S * S);
    for (std::size_t i = 0; i < 41; i += 8) {
      const Image want = transformed(img, with_amount(base, axis, amounts[i]));
      EXPECT_TRUE(std::equal(want.begin(), want.end(), sweep.begin() + i * S * S))
          << name << " variant " << i;
    }
  }
  EXPECT_EQ(with_amount(base, SweepAxis::scale, 0.7f).scale, 0.7f);
  EXPECT_EQ(with_amount(base, SweepAxis::scale, 0.7f).rotation_degrees, 10.0f);
}

TEST(TransformSweep, RefusesUnknownAxesAndPointCounts) {
  const Image img = dot(3, 3);
  EXPECT_THROW(sweep_axis_from_name("shear"), Error);
  EXPECT_THROW(transform_sweep(img.data(), S, S, {}, SweepAxis::rotation, 1), Error);
  EXPECT_THROW(transform_sweep(img.data(), S, S, {}, SweepAxis::rotation, kMaxSweepPoints + 1), Error);
  EXPECT_THROW(transform_sweep(img.data(), 0, S, {}, SweepAxis::rotation, 41), Error);
}

TEST(Preprocess, AsDrawnKeepsTheInkWhereItWasOnTheCanvas) {
  // a 40×40 blob in the top-left corner of a 280×280 canvas: its box centre (20, 20) → (2, 2)
  std::vector<std::uint8_t> canvas(280 * 280, 0);
  for (std::size_t y = 0; y < 40; ++y)
    for (std::size_t x = 0; x < 40; ++x) canvas[y * 280 + x] = 255;
  const std::vector<float> drawn = preprocess_mnist_style(canvas.data(), canvas.size(), 280, 280,
                                                          Placement::as_drawn);
  const std::vector<float> centred = preprocess_mnist_style(canvas.data(), canvas.size(), 280, 280);
  // the 20×20 box would start at 2 - 10 = -8: only its bottom-right 12×12 stays, at rows/cols 0..11
  EXPECT_EQ(drawn[0], 1.0f);
  EXPECT_EQ(drawn[11 * S + 11], 1.0f);
  EXPECT_EQ(drawn[12 * S + 12], 0.0f);
  EXPECT_EQ(centred[0], 0.0f);
  EXPECT_EQ(centred[14 * S + 14], 1.0f);
}

}  // namespace
}  // namespace convscope
