// Tensor storage: xtensor containers. Activations travel as a batch, shape [N, ...one sample's Dims].
// Kernels never see xtensor: layers hand them .data() pointers and sizes.
#pragma once
#include <xtensor/xarray.hpp>

#include "tensor/shape.hpp"

namespace convscope {

using Tensor = xt::xarray<float>;

// The shape [N, dims...] of a batch of n samples.
inline std::vector<std::size_t> batch_shape(std::size_t n, const Dims& dims) {
  std::vector<std::size_t> shape{n};
  shape.insert(shape.end(), dims.begin(), dims.end());
  return shape;
}

}  // namespace convscope
