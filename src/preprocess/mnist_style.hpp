// MNIST-style preprocessing: ink drawn on a canvas -> the 28×28 image a model trained on MNIST
// expects, made the way MNIST itself was made (LeCun et al.): crop to the ink's bounding box,
// scale so its longer side is 20 px keeping the aspect ratio (area averaging, so strokes become
// grey levels at their edges), and place it in 28×28 so its centre of mass is at the centre.
//
// Coordinates: pixel (x, y) is the unit square [x, x+1) × [y, y+1); its index is (x, y).
// "Centre of mass at (14, 14)" is in index coordinates, Σ v·x / Σ v, as MNIST's digits have it
// (the 10,000 test digits average (14.00, 13.99)).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace convscope {

constexpr std::size_t kMnistSide = 28;        // output is kMnistSide × kMnistSide
constexpr std::size_t kMnistBox = 20;         // the ink's longer side, in output pixels
constexpr double kMnistCentre = 14.0;         // centre of mass, index coordinates
constexpr std::size_t kMaxCanvasSide = 8192;  // larger inputs are surely errors

// Where the 20×20 box goes in 28×28: MNIST's way (its centre of mass on the centre), or where the
// ink was on the canvas (the bounding box's centre scaled from the canvas to 28×28), for showing
// what the centring does.
enum class Placement { centre_of_mass, as_drawn };

// Where the canvas went in the 28×28 image: canvas point (x, y) lands on
// (x·scale + offset_x, y·scale + offset_y), both in edge coordinates (pixel (x, y) is the square
// [x, x+1) × [y, y+1)). The ink's bounding box maps onto the 20-pixel box where it sits in 28×28,
// so a map over the 28×28 image can be laid back over the drawing.
struct CanvasPlacement {
  double scale;     // 28×28 pixels per canvas pixel: 20 / the bounding box's longer side
  double offset_x;  // 28×28 column of the canvas's left edge
  double offset_y;  // 28×28 row of the canvas's top edge
};

struct MnistStyleImage {
  std::vector<float> image;  // [28][28] in 0..1, row-major
  CanvasPlacement placement;
};

// pixels [height][width], one byte per pixel: 0 = background, 255 = full ink (e.g. canvas alpha).
// Returns [28][28] floats in 0..1, row-major, and where the canvas was placed. Throws Error
// "nothing drawn" when no pixel is inked, and an Error naming the problem when
// size != width·height or a side is 0 or too large.
MnistStyleImage preprocess_mnist_style_placed(const std::uint8_t* pixels, std::size_t size,
                                              std::size_t width, std::size_t height,
                                              Placement placement = Placement::centre_of_mass);

// The image alone.
std::vector<float> preprocess_mnist_style(const std::uint8_t* pixels, std::size_t size,
                                          std::size_t width, std::size_t height,
                                          Placement placement = Placement::centre_of_mass);

}  // namespace convscope
