// MNIST-style preprocessing: bounding box, aspect ratio, centre of mass, anti-aliasing, an MNIST
// digit surviving the trip, and the refusals.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <algorithm>
#include <string>
#include <vector>

#include "error.hpp"
#include "preprocess/mnist_style.hpp"

namespace convscope {
namespace {

using Bytes = std::vector<std::uint8_t>;
constexpr std::size_t N = kMnistSide;

// clang-format off
// MNIST t10k image 0 (label 7), its 20×16 bounding box; in the 28×28 image it starts at row 7,
// column 6.
const std::size_t kSevenRows = 20, kSevenCols = 16, kSevenTop = 7, kSevenLeft = 6;
const Bytes kSeven = {
   84,185,159,151, 60, 36,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
  222,254,254,254,254,241,198,198,198,198,198,198,198,198,170, 52,
   67,114, 72,114,163,227,254,225,254,254,254,250,229,254,254,140,
    0,  0,  0,  0,  0, 17, 66, 14, 67, 67, 67, 59, 21,236,254,106,
    0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0, 83,253,209, 18,
    0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0, 22,233,255, 83,  0,
    0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,129,254,238, 44,  0,
    0,  0,  0,  0,  0,  0,  0,  0,  0,  0, 59,249,254, 62,  0,  0,
    0,  0,  0,  0,  0,  0,  0,  0,  0,  0,133,254,187,  5,  0,  0,
    0,  0,  0,  0,  0,  0,  0,  0,  0,  9,205,248, 58,  0,  0,  0,
    0,  0,  0,  0,  0,  0,  0,  0,  0,126,254,182,  0,  0,  0,  0,
    0,  0,  0,  0,  0,  0,  0,  0, 75,251,240, 57,  0,  0,  0,  0,
    0,  0,  0,  0,  0,  0,  0, 19,221,254,166,  0,  0,  0,  0,  0,
    0,  0,  0,  0,  0,  0,  3,203,254,219, 35,  0,  0,  0,  0,  0,
    0,  0,  0,  0,  0,  0, 38,254,254, 77,  0,  0,  0,  0,  0,  0,
    0,  0,  0,  0,  0, 31,224,254,115,  1,  0,  0,  0,  0,  0,  0,
    0,  0,  0,  0,  0,133,254,254, 52,  0,  0,  0,  0,  0,  0,  0,
    0,  0,  0,  0, 61,242,254,254, 52,  0,  0,  0,  0,  0,  0,  0,
    0,  0,  0,  0,121,254,254,219, 40,  0,  0,  0,  0,  0,  0,  0,
    0,  0,  0,  0,121,254,207, 18,  0,  0,  0,  0,  0,  0,  0,  0};
// clang-format on

// A canvas: w × h bytes, all background.
struct Canvas {
  std::size_t w, h;
  Bytes px;
  Canvas(std::size_t width, std::size_t height) : w(width), h(height), px(width * height, 0) {}
  void fill(std::size_t x, std::size_t y, std::size_t rw, std::size_t rh, std::uint8_t v = 255) {
    for (std::size_t j = y; j < y + rh; ++j)
      for (std::size_t i = x; i < x + rw; ++i) px[j * w + i] = v;
  }
  // src [rows][cols] at (x, y), each source pixel as a zoom × zoom block.
  void paste(const Bytes& src, std::size_t rows, std::size_t cols, std::size_t x, std::size_t y,
             std::size_t zoom = 1) {
    for (std::size_t j = 0; j < rows * zoom; ++j)
      for (std::size_t i = 0; i < cols * zoom; ++i)
        px[(y + j) * w + x + i] = src[(j / zoom) * cols + i / zoom];
  }
  std::vector<float> run() const { return preprocess_mnist_style(px.data(), px.size(), w, h); }
};

struct Stats {
  double mass = 0, cx = 0, cy = 0;
  std::size_t x0 = N, x1 = 0, y0 = N, y1 = 0;  // box of values > threshold, [x0, x1)
};

Stats stats(const std::vector<float>& img, float threshold = 0) {
  Stats s;
  for (std::size_t y = 0; y < N; ++y)
    for (std::size_t x = 0; x < N; ++x) {
      const float v = img[y * N + x];
      s.mass += v;
      s.cx += v * x;
      s.cy += v * y;
      if (v > threshold) {
        s.x0 = std::min(s.x0, x), s.x1 = std::max(s.x1, x + 1);
        s.y0 = std::min(s.y0, y), s.y1 = std::max(s.y1, y + 1);
      }
    }
  s.cx /= s.mass;
  s.cy /= s.mass;
  return s;
}

std::vector<float> mnist_seven() {
  Canvas c(N, N);
  c.paste(kSeven, kSevenRows, kSevenCols, kSevenLeft, kSevenTop);
  std::vector<float> img(N * N);
  for (std::size_t i = 0; i < img.size(); ++i) img[i] = c.px[i] / 255.0f;
  return img;
}

std::string error_of(const Canvas& c, std::size_t size, std::size_t w, std::size_t h) {
  try {
    preprocess_mnist_style(c.px.data(), size, w, h);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Preprocess, OutputIs28x28In0To1) {
  Canvas c(280, 280);
  c.fill(100, 40, 30, 200);
  const auto out = c.run();
  ASSERT_EQ(out.size(), N * N);
  for (float v : out) EXPECT_TRUE(v >= 0 && v <= 1) << v;
}

// A 40 × 100 block: longer side 100 -> 20, so 8 × 20, mass (area) 160, wherever it was drawn.
TEST(Preprocess, ScalesLongerSideTo20KeepingAspect) {
  Canvas tall(200, 200);
  tall.fill(30, 50, 40, 100);
  const Stats s = stats(tall.run(), 0.5f);
  EXPECT_NEAR(s.mass, 8.0 * 20.0, 1e-3);
  EXPECT_EQ(s.y1 - s.y0, 20u);
  EXPECT_EQ(s.x1 - s.x0, 8u);

  Canvas wide(300, 120);  // 150 × 30 -> 20 × 4
  wide.fill(70, 60, 150, 30);
  const Stats w = stats(wide.run(), 0.5f);
  EXPECT_NEAR(w.mass, 20.0 * 4.0, 1e-3);
  EXPECT_EQ(w.x1 - w.x0, 20u);
  EXPECT_EQ(w.y1 - w.y0, 4u);
}

TEST(Preprocess, UsesOnlyTheBoundingBoxSoPositionAndCanvasSizeDoNotMatter) {
  Canvas a(200, 200), b(400, 260);  // the same Γ shape, 100 × 100, in two places
  a.fill(10, 10, 40, 100);
  a.fill(50, 10, 60, 30);
  b.fill(250, 140, 40, 100);
  b.fill(290, 140, 60, 30);
  const auto out_a = a.run(), out_b = b.run();
  for (std::size_t i = 0; i < out_a.size(); ++i) EXPECT_NEAR(out_a[i], out_b[i], 1e-5) << i;
}

// The bounding box is found 8 bytes at a time: ink at every offset within a word, at the first
// and last column, on canvases whose width is no multiple of 8, gives what the same ink cropped
// to its box (found here pixel by pixel) gives alone.
TEST(Preprocess, FindsTheBoundingBoxWhereverTheInkIs) {
  std::uint32_t seed = 7;
  auto next = [&seed](std::size_t n) {
    seed = seed * 1664525u + 1013904223u;
    return static_cast<std::size_t>((seed >> 8) % n);
  };
  for (std::size_t width : {1u, 7u, 8u, 9u, 13u, 37u, 280u}) {
    for (int trial = 0; trial < 20; ++trial) {
      const std::size_t height = 1 + next(40);
      Canvas c(width, height);
      const std::size_t dots = 1 + next(4);
      for (std::size_t d = 0; d < dots; ++d)
        c.px[next(height) * width + next(width)] = static_cast<std::uint8_t>(1 + next(255));
      if (trial % 4 == 0) c.px[next(height) * width] = 200;              // first column
      if (trial % 4 == 1) c.px[next(height) * width + width - 1] = 200;  // last column
      std::size_t x0 = width, x1 = 0, y0 = height, y1 = 0;
      for (std::size_t y = 0; y < height; ++y)
        for (std::size_t x = 0; x < width; ++x)
          if (c.px[y * width + x]) {
            x0 = std::min(x0, x), x1 = std::max(x1, x + 1), y0 = std::min(y0, y),
            y1 = std::max(y1, y + 1);
          }
      Canvas box(x1 - x0, y1 - y0);
      for (std::size_t y = y0; y < y1; ++y)
        for (std::size_t x = x0; x < x1; ++x) box.px[(y - y0) * box.w + x - x0] = c.px[y * width + x];
      const auto got = c.run(), want = box.run();
      for (std::size_t i = 0; i < got.size(); ++i)
        ASSERT_EQ(got[i], want[i]) << "width " << width << " trial " << trial << " value " << i;
    }
  }
}

TEST(Preprocess, SmallDrawingsAreScaledUp) {
  Canvas c(100, 100);
  c.fill(47, 20, 5, 5);  // 5 × 5 -> 20 × 20
  const Stats s = stats(c.run(), 0.5f);
  EXPECT_NEAR(s.mass, 400.0, 1e-3);
  EXPECT_EQ(s.x1 - s.x0, 20u);
  EXPECT_EQ(s.y1 - s.y0, 20u);
}

// An L and an off-centre blob: asymmetric shapes whose box centre is not their mass centre.
TEST(Preprocess, PutsTheCentreOfMassAtTheCentre) {
  Canvas l(280, 280);
  l.fill(40, 20, 25, 220);   // stem
  l.fill(40, 215, 170, 25);  // foot
  Canvas blob(280, 280);
  blob.fill(100, 100, 120, 20);
  blob.fill(100, 120, 20, 100);
  blob.fill(100, 100, 60, 60, 128);
  for (const Canvas* c : {&l, &blob}) {
    const Stats s = stats(c->run());
    EXPECT_NEAR(s.cx, kMnistCentre, 0.5);
    EXPECT_NEAR(s.cy, kMnistCentre, 0.5);
  }
}

// Area averaging: a 1-px diagonal line on a 200-px canvas covers a tenth of each output pixel.
// Nearest-neighbour sampling would give only 0 and 1 (or miss the line).
TEST(Preprocess, AntiAliasesToIntermediateGreyLevels) {
  Canvas c(200, 200);
  for (std::size_t i = 0; i < 200; ++i) c.px[i * 200 + i] = 255;
  const auto out = c.run();
  std::size_t grey = 0;
  for (float v : out) grey += v > 0.02f && v < 0.98f;
  EXPECT_GE(grey, 20u);
  EXPECT_LT(*std::max_element(out.begin(), out.end()), 0.5f);
  EXPECT_NEAR(stats(out).mass, 200 * 0.1 * 0.1, 1e-3);  // 200 pixels, each 0.1 × 0.1 now

  // A 5-px wide bar scaled by 20/140 is 0.71 px wide: grey, not black or white.
  Canvas bar(140, 140);
  bar.fill(60, 0, 5, 140);
  const auto thin = bar.run();
  const float peak = *std::max_element(thin.begin(), thin.end());
  EXPECT_GT(peak, 0.3f);
  EXPECT_LT(peak, 0.75f);
}

// MNIST's digits are already preprocessed: one comes back pixel for pixel, and so does the same
// digit drawn 10× or 7× larger anywhere on a bigger canvas (each output pixel then averages
// exactly one enlarged source pixel).
TEST(Preprocess, AnMnistDigitComesOutAsItself) {
  const auto seven = mnist_seven();
  Canvas same(N, N), big(400, 300), odd(150, 333);
  same.paste(kSeven, kSevenRows, kSevenCols, kSevenLeft, kSevenTop);
  big.paste(kSeven, kSevenRows, kSevenCols, 150, 60, 10);
  odd.paste(kSeven, kSevenRows, kSevenCols, 13, 101, 7);
  for (const Canvas* c : {&same, &big, &odd}) {
    const auto out = c->run();
    for (std::size_t i = 0; i < out.size(); ++i)
      ASSERT_NEAR(out[i], seven[i], 1e-5) << "canvas " << c->w << "×" << c->h << ", pixel " << i;
  }
}

// The placement lays the canvas over the 28×28 image: the seven drawn 10× larger at (150, 60)
// comes out exactly as MNIST has it, its box at column 6, row 7, so (150, 60) maps there.
TEST(Preprocess, PlacementMapsTheCanvasOntoTheImage) {
  Canvas big(400, 300);
  big.paste(kSeven, kSevenRows, kSevenCols, 150, 60, 10);
  const MnistStyleImage out = preprocess_mnist_style_placed(big.px.data(), big.px.size(), big.w, big.h);
  EXPECT_DOUBLE_EQ(out.placement.scale, 0.1);
  EXPECT_NEAR(150 * out.placement.scale + out.placement.offset_x, kSevenLeft, 1e-9);
  EXPECT_NEAR(60 * out.placement.scale + out.placement.offset_y, kSevenTop, 1e-9);
  EXPECT_EQ(out.image, big.run());
}

// A solid block's bounding box lands on the block in the image, for either placement.
TEST(Preprocess, PlacementMapsTheInksBoxOntoItsPixels) {
  Canvas c(300, 200);  // 40 × 100 at (180, 30): 8 × 20 in the image
  c.fill(180, 30, 40, 100);
  for (Placement where : {Placement::centre_of_mass, Placement::as_drawn}) {
    const MnistStyleImage out = preprocess_mnist_style_placed(c.px.data(), c.px.size(), c.w, c.h, where);
    const Stats s = stats(out.image, 0.5f);
    const CanvasPlacement& p = out.placement;
    EXPECT_DOUBLE_EQ(p.scale, 0.2);
    EXPECT_NEAR(180 * p.scale + p.offset_x, s.x0, 1e-9);
    EXPECT_NEAR(220 * p.scale + p.offset_x, s.x1, 1e-9);
    EXPECT_NEAR(30 * p.scale + p.offset_y, s.y0, 1e-9);
    EXPECT_NEAR(130 * p.scale + p.offset_y, s.y1, 1e-9);
  }
}

TEST(Preprocess, RefusesAnEmptyCanvas) {
  Canvas c(280, 280);
  EXPECT_EQ(error_of(c, c.px.size(), 280, 280), "nothing drawn");
}

TEST(Preprocess, RefusesWrongSizes) {
  Canvas c(10, 10);
  c.fill(2, 2, 3, 3);
  EXPECT_EQ(error_of(c, 100, 10, 9), "preprocess: 10×9 pixels need 90 bytes, got 100");
  EXPECT_EQ(error_of(c, 100, 0, 10), "preprocess: width and height must be 1..8192, got 0×10");
  EXPECT_EQ(error_of(c, 100, 10, 100000), "preprocess: width and height must be 1..8192, got 10×100000");
}

}  // namespace
}  // namespace convscope
