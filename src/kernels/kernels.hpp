// Compute kernels: raw pointers and sizes, one sample at a time, no allocation.
// Each op has a plain reference (*_scalar) and a fast twin (*_vec4, see simd.hpp); tests compare
// the two on many random shapes. Names: <op>_<type>_<isa>.
#pragma once
#include <cstddef>

#include "tensor/shape.hpp"

namespace convscope::kernels {

// Geometry of one conv2d sample: in [IC,H,W], weight [OC,IC,KH,KW], out [OC,OH,OW].
struct Conv2dGeometry {
  std::size_t ic, h, w;
  std::size_t oc, oh, ow;
  Window win;
};

// out[o][y][x] = b[o] + Σ_i,ky,kx w[o][i][ky][kx] · in[i][y·SH+ky-PT][x·SW+kx-PL]  (zero outside)
void conv2d_f32_scalar(const Conv2dGeometry& g, const float* in, const float* weight,
                       const float* bias, float* out);
// Same result via im2col + gemm_f32_vec4. scratch holds conv2d_scratch_floats(g) floats.
void conv2d_f32_vec4(const Conv2dGeometry& g, const float* in, const float* weight,
                     const float* bias, float* out, float* scratch);
std::size_t conv2d_scratch_floats(const Conv2dGeometry& g);

// C[M,N] += A[M,K] · B[K,N], row-major with leading dimensions lda, ldb, ldc.
void gemm_f32_scalar(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                     const float* b, std::size_t ldb, float* c, std::size_t ldc);
void gemm_f32_vec4(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                   const float* b, std::size_t ldb, float* c, std::size_t ldc);

// Geometry of one pooling sample: in [C,H,W], out [C,OH,OW]; no padding.
struct Pool2dGeometry {
  std::size_t c, h, w;
  std::size_t oh, ow;
  Window win;
};
enum class PoolKind { max, average };

// out[c][y][x] = max (or mean) over ky<KH, kx<KW of in[c][y·SH+ky][x·SW+kx]
void pool2d_f32_scalar(PoolKind kind, const Pool2dGeometry& g, const float* in, float* out);
void pool2d_f32_vec4(PoolKind kind, const Pool2dGeometry& g, const float* in, float* out);

// y[o] = b[o] + Σ_i w[o][i] · x[i];  x [IN], weight [OUT,IN], y [OUT]
void dense_f32_scalar(std::size_t in, std::size_t out, const float* x, const float* weight,
                      const float* bias, float* y);
void dense_f32_vec4(std::size_t in, std::size_t out, const float* x, const float* weight,
                    const float* bias, float* y);

}  // namespace convscope::kernels
