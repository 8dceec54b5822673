// Compute kernels: raw pointers and sizes, one sample at a time, no allocation.
// Each op has a plain reference (*_scalar) and a fast twin (*_vec4, see simd.hpp; its register
// tile in tile_vec4.hpp); tests compare the two on many random shapes. Names: <op>_<type>_<isa>.
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
void conv2d_f32_scalar(const Conv2dGeometry& g, const float* in, const float* weight, const float* bias,
                       float* out);
// Same result, fast (conv2d_batch_f32_vec4 with n = 1). scratch holds conv2d_scratch_floats(g).
void conv2d_f32_vec4(const Conv2dGeometry& g, const float* in, const float* weight, const float* bias,
                     float* out, float* scratch);
std::size_t conv2d_scratch_floats(const Conv2dGeometry& g);

// A batch: in [N,IC,H,W] -> out [N,OC,OH,OW], each sample as conv2d_f32_scalar; with relu,
// out = max(conv, 0) (conv + bias + ReLU fused, for callers that need no pre-activation values).
void conv2d_batch_f32_scalar(const Conv2dGeometry& g, std::size_t n, const float* in,
                             const float* weight, const float* bias, bool relu, float* out);
// Same, fast. By shape: one input channel, 3×3, stride 1: conv2d_ic1_direct_2ch_1x8_vec4
// (conv2d_ic1_vec4.cpp); 3×3 stride 1 with ≥ 8 input channels, OW ≥ 7: Winograd F(2×2, 3×3)
// (conv2d_winograd_vec4.cpp, within the tests' tolerance of the reference, not its bits). Other
// stride 1: direct (conv2d_direct_4x8_vec4 in conv2d_vec4.cpp), register tiles of
// 4 channels × 8 positions of a zero-padded copy of each sample read in place (no im2col), weights
// packed for the tile, bias and ReLU applied at the store. Other strides:
// im2col over groups of samples (cols [IC·KH·KW, G·OH·OW], G chosen so cols stays in cache),
// one gemm_bias_f32_vec4 per group, then each sample's maps put in place (and the ReLU).
// scratch holds conv2d_batch_scratch_floats(g, n) floats. packed: conv2d_pack_f32_vec4's
// output for these weights, made once per weight change, or null (then made in scratch per call).
void conv2d_batch_f32_vec4(const Conv2dGeometry& g, std::size_t n, const float* in, const float* weight,
                           const float* bias, bool relu, float* out, float* scratch,
                           const float* packed = nullptr);
std::size_t conv2d_batch_scratch_floats(const Conv2dGeometry& g, std::size_t n);

// The weights as this shape's fast kernel reads them (Winograd's transformed filters), for a
// caller that keeps them between calls: conv2d_packed_floats(g) floats, 0 if the kernel reads the
// weights as they are (then packed is ignored). The same bits as the kernel's own per-call copy.
std::size_t conv2d_packed_floats(const Conv2dGeometry& g);
void conv2d_pack_f32_vec4(const Conv2dGeometry& g, const float* weight, float* packed);

// conv2d + bias + ReLU + 2×2 max pool (stride 2, floor), fused for predictions: in [N,IC,H,W] ->
// out [N,OC,OH/2,OW/2], out = maxpool(max(conv, 0)), the same bits as the three layers one after
// the other. The fast twin never writes the full-size map out; it needs
// conv2d_fuses_maxpool2x2(g) (stride 1, OH and OW ≥ 2) and conv2d_batch_scratch_floats(g, n).
void conv2d_relu_maxpool2x2_batch_f32_scalar(const Conv2dGeometry& g, std::size_t n, const float* in,
                                             const float* weight, const float* bias, float* out);
bool conv2d_fuses_maxpool2x2(const Conv2dGeometry& g);
void conv2d_relu_maxpool2x2_batch_f32_vec4(const Conv2dGeometry& g, std::size_t n, const float* in,
                                           const float* weight, const float* bias, float* out,
                                           float* scratch, const float* packed = nullptr);

// Backward of conv2d for one sample, given dout = dL/dout [OC,OH,OW]:
//   dweight[o][i][ky][kx] += Σ_y,x dout[o][y][x] · in[i][y·SH+ky-PT][x·SW+kx-PL]
//   dbias[o] += Σ_y,x dout[o][y][x]
//   din[i][iy][ix] = Σ over the outputs whose window covers it of dout · weight  (skipped if null)
void conv2d_backward_f32_scalar(const Conv2dGeometry& g, const float* in, const float* weight,
                                const float* dout, float* din, float* dweight, float* dbias);
// Same via im2col, gemm and col2im. scratch holds conv2d_backward_scratch_floats(g) floats.
void conv2d_backward_f32_vec4(const Conv2dGeometry& g, const float* in, const float* weight,
                              const float* dout, float* din, float* dweight, float* dbias,
                              float* scratch);
std::size_t conv2d_backward_scratch_floats(const Conv2dGeometry& g);

// C[M,N] += A[M,K] · B[K,N], row-major with leading dimensions lda, ldb, ldc.
void gemm_f32_scalar(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                     const float* b, std::size_t ldb, float* c, std::size_t ldc);
void gemm_f32_vec4(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                   const float* b, std::size_t ldb, float* c, std::size_t ldc);

// C[M,N] = bias[M]·1ᵀ + A[M,K] · B[K,N] (C overwritten). Every C[i][j] is accumulated in the
// same order (bias, then p = 0..K-1, one rounding per multiply and per add) whatever the tile,
// so a column gives the same bits wherever it falls in B.
void gemm_bias_f32_scalar(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                          const float* b, std::size_t ldb, const float* bias, float* c, std::size_t ldc);
void gemm_bias_f32_vec4(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                        const float* b, std::size_t ldb, const float* bias, float* c, std::size_t ldc);

// C[M,N] += A[M,K] · B[N,K]ᵀ: every C[i][j] is a dot product of two contiguous rows.
void gemm_nt_f32_scalar(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                        const float* b, std::size_t ldb, float* c, std::size_t ldc);
void gemm_nt_f32_vec4(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
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

// Backward of pooling, given dout: din (overwritten) gets each dout at its window's first
// maximum (max; ties go to the first, as in the forward pass) or spread evenly (average).
// Linear in the size of din, so one plain version serves both builds.
void pool2d_backward_f32_scalar(PoolKind kind, const Pool2dGeometry& g, const float* in,
                                const float* dout, float* din);

// y[o] = b[o] + Σ_i w[o][i] · x[i];  x [IN], weight [OUT,IN], y [OUT]
void dense_f32_scalar(std::size_t in, std::size_t out, const float* x, const float* weight,
                      const float* bias, float* y);
void dense_f32_vec4(std::size_t in, std::size_t out, const float* x, const float* weight,
                    const float* bias, float* y);

// A batch: x [N,IN] -> y [N,OUT], y[s][o] = b[o] + Σ_i w[o][i] · x[s][i]; with relu, max(·, 0).
// The vec4 twin sums each output in one fixed order (four lanes over i, then the lanes, then the
// tail), whatever the batch size, so a sample's output does not depend on its batch.
void dense_batch_f32_scalar(std::size_t n, std::size_t in, std::size_t out, const float* x,
                            const float* weight, const float* bias, bool relu, float* y);
void dense_batch_f32_vec4(std::size_t n, std::size_t in, std::size_t out, const float* x,
                          const float* weight, const float* bias, bool relu, float* y);

// y[i] = max(x[i], 0) (y may be x); backward: dx[i] = dy[i] where x[i] > 0, else 0.
void relu_f32_scalar(std::size_t n, const float* x, float* y);
void relu_f32_vec4(std::size_t n, const float* x, float* y);
void relu_backward_f32_scalar(std::size_t n, const float* x, const float* dy, float* dx);
void relu_backward_f32_vec4(std::size_t n, const float* x, const float* dy, float* dx);

// The index of the first value of x[0, n) that is NaN or ±infinity; n if every value is finite.
std::size_t first_nonfinite_f32_scalar(std::size_t n, const float* x);
std::size_t first_nonfinite_f32_vec4(std::size_t n, const float* x);

// Stable softmax of one sample: y_i = e^(x_i - max x) / Σ_j e^(x_j - max x). y may be x.
void softmax_f32_scalar(std::size_t n, const float* x, float* y);

// Backward of dense for one sample, given dy [OUT]:
//   dweight[o][i] += dy[o] · x[i],  dbias[o] += dy[o],  dx[i] = Σ_o weight[o][i] · dy[o] (if dx)
void dense_backward_f32_scalar(std::size_t in, std::size_t out, const float* x, const float* weight,
                               const float* dy, float* dx, float* dweight, float* dbias);
void dense_backward_f32_vec4(std::size_t in, std::size_t out, const float* x, const float* weight,
                             const float* dy, float* dx, float* dweight, float* dbias);

}  // namespace convscope::kernels
