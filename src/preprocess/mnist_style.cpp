// MNIST-style preprocessing (see mnist_style.hpp), in two steps as MNIST was made:
// 1. the ink's bounding box is area-averaged into a 20×20 box: the longer side spans it, the
//    shorter one is centred. Area averaging is separable: each box column is a weighted sum of
//    source columns ("taps", weight = overlap length · scale), then each box row of source rows.
// 2. the box is pasted into 28×28, shifted by whole pixels so that its centre of mass lands on
//    (14, 14) to within half a pixel. A whole-pixel shift keeps the strokes as sharp as step 1
//    made them; MNIST's digits were placed the same way.
#include "preprocess/mnist_style.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "error.hpp"

namespace convscope {
namespace {

struct Tap {
  std::size_t src;  // source pixel along the axis, relative to the bounding box
  double weight;    // overlap of the source pixel with the output pixel's preimage, times s
};

// Output pixel t (0..count-1) covers source [origin + t/s, origin + (t+1)/s) along an axis of n
// source pixels: its taps are the source pixels it overlaps, weighted by overlap · s.
std::vector<std::vector<Tap>> axis_taps(std::size_t count, std::size_t n, double origin, double s) {
  std::vector<std::vector<Tap>> taps(count);
  for (std::size_t t = 0; t < count; ++t) {
    const double a = origin + static_cast<double>(t) / s, b = a + 1.0 / s;
    if (b <= 0 || a >= static_cast<double>(n)) continue;
    const auto first = static_cast<std::size_t>(std::max(0.0, std::floor(a)));
    const auto last = std::min(n, static_cast<std::size_t>(std::ceil(b)));
    for (std::size_t i = first; i < last; ++i) {
      const double overlap = std::min(b, i + 1.0) - std::max(a, static_cast<double>(i));
      if (overlap > 0) taps[t].push_back({i, overlap * s});
    }
  }
  return taps;
}

// Source coordinate of the box's first pixel edge, for an axis of n source pixels scaled by s
// and centred in the box (the longer axis fills it: origin 0).
double box_origin(std::size_t n, double s) {
  const double scaled = static_cast<double>(n) * s;
  return -(static_cast<double>(kMnistBox) - scaled) / 2.0 / s;
}

// Index of the first nonzero byte of row[0, n), or n.
std::size_t first_ink(const std::uint8_t* row, std::size_t n) {
  std::size_t x = 0;
  for (; x + 8 <= n; x += 8) {
    std::uint64_t word;
    std::memcpy(&word, row + x, 8);
    if (word != 0) break;
  }
  while (x < n && row[x] == 0) ++x;
  return x;
}

// Index of the last nonzero byte of row[0, n) (the row has one).
std::size_t last_ink(const std::uint8_t* row, std::size_t n) {
  std::size_t end = n;
  for (; end >= 8; end -= 8) {
    std::uint64_t word;
    std::memcpy(&word, row + end - 8, 8);
    if (word != 0) break;
  }
  while (end > 0 && row[end - 1] == 0) --end;
  return end - 1;
}

}  // namespace

MnistStyleImage preprocess_mnist_style_placed(const std::uint8_t* pixels, std::size_t size,
                                              std::size_t width, std::size_t height,
                                              Placement placement) {
  if (width == 0 || height == 0 || width > kMaxCanvasSide || height > kMaxCanvasSide)
    throw Error("preprocess: width and height must be 1.." + std::to_string(kMaxCanvasSide) + ", got " +
                std::to_string(width) + "×" + std::to_string(height));
  if (size != width * height)
    throw Error("preprocess: " + std::to_string(width) + "×" + std::to_string(height) + " pixels need " +
                std::to_string(width * height) + " bytes, got " + std::to_string(size));

  // Bounding box [x0, x1) × [y0, y1) of the ink: per row, its first and last inked pixel (the
  // pad is mostly blank: blank stretches are skipped 8 bytes at a time; this runs per stroke move).
  std::size_t x0 = width, x1 = 0, y0 = height, y1 = 0;
  for (std::size_t y = 0; y < height; ++y) {
    const std::uint8_t* row = pixels + y * width;
    const std::size_t first = first_ink(row, width);
    if (first == width) continue;
    x0 = std::min(x0, first);
    x1 = std::max(x1, last_ink(row, width) + 1);
    y0 = std::min(y0, y);
    y1 = y + 1;
  }
  if (x1 == 0) throw Error("nothing drawn");
  const std::size_t bw = x1 - x0, bh = y1 - y0;

  // 1. box [20][20] = area average of the bounding box; s = box pixels per source pixel.
  constexpr std::size_t B = kMnistBox;
  const double s = static_cast<double>(B) / static_cast<double>(std::max(bw, bh));
  const auto tx = axis_taps(B, bw, box_origin(bw, s), s);
  const auto ty = axis_taps(B, bh, box_origin(bh, s), s);
  std::vector<double> rows(bh * B);  // [source row][box column]
  for (std::size_t y = 0; y < bh; ++y) {
    const std::uint8_t* row = pixels + (y0 + y) * width + x0;
    for (std::size_t c = 0; c < B; ++c) {
      double acc = 0;
      for (const Tap& tap : tx[c]) acc += tap.weight * row[tap.src];
      rows[y * B + c] = acc;
    }
  }
  std::vector<double> box(B * B);
  double mass = 0, mx = 0, my = 0;  // index centre of mass of the box
  for (std::size_t r = 0; r < B; ++r)
    for (std::size_t c = 0; c < B; ++c) {
      double acc = 0;
      for (const Tap& tap : ty[r]) acc += tap.weight * rows[tap.src * B + c];
      const double v = std::clamp(acc / 255.0, 0.0, 1.0);
      box[r * B + c] = v;
      mass += v;
      mx += v * static_cast<double>(c);
      my += v * static_cast<double>(r);
    }

  // 2. out[y][x] = box[y - dy][x - dx], (dx, dy) the whole-pixel shift that puts the centre of
  // mass on (14, 14), or the box's centre where the ink's was on the canvas; what falls outside
  // 28×28 is cut off.
  const double half = static_cast<double>(B) / 2;
  const long dx = placement == Placement::centre_of_mass
                      ? std::lround(kMnistCentre - mx / mass)
                      : std::lround(static_cast<double>(x0 + x1) / 2 * kMnistSide / width - half);
  const long dy = placement == Placement::centre_of_mass
                      ? std::lround(kMnistCentre - my / mass)
                      : std::lround(static_cast<double>(y0 + y1) / 2 * kMnistSide / height - half);
  const long side = static_cast<long>(kMnistSide), b = static_cast<long>(B);
  std::vector<float> out(kMnistSide * kMnistSide, 0.0f);
  for (long r = 0; r < b; ++r)
    for (long c = 0; c < b; ++c) {
      const long y = r + dy, x = c + dx;
      if (y >= 0 && y < side && x >= 0 && x < side)
        out[static_cast<std::size_t>(y * side + x)] = static_cast<float>(box[r * b + c]);
    }
  // Canvas x lies at box column (x - x0 - origin)·s (step 1), then moves by dx (step 2); the
  // box's origin is -(20 - bw·s) / 2s, so x0 lands on (20 - bw·s) / 2 + dx.
  const auto offset = [&](std::size_t first, std::size_t extent, long shift) {
    return (static_cast<double>(B) - static_cast<double>(extent) * s) / 2 + static_cast<double>(shift) -
           static_cast<double>(first) * s;
  };
  return {std::move(out), {s, offset(x0, bw, dx), offset(y0, bh, dy)}};
}

std::vector<float> preprocess_mnist_style(const std::uint8_t* pixels, std::size_t size,
                                          std::size_t width, std::size_t height, Placement placement) {
  return preprocess_mnist_style_placed(pixels, size, width, height, placement).image;
}

}  // namespace convscope
