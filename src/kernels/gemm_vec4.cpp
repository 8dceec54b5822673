// Fast C[M,N] += A[M,K]·B[K,N]: register tiles of ROWS×(4·VECS) accumulators. For each k, one
// row of B is loaded once and multiplied by ROWS broadcast elements of A. Column tails of fewer
// than 4 fall back to scalar; row tails use smaller tiles.
#include "kernels/kernels.hpp"
#include "kernels/simd.hpp"

namespace convscope::kernels {
namespace {

template <int ROWS, int VECS>
void tile(std::size_t k, const float* a, std::size_t lda, const float* b, std::size_t ldb,
          float* c, std::size_t ldc) {
  f32x4 acc[ROWS][VECS];
  for (int r = 0; r < ROWS; ++r)
    for (int v = 0; v < VECS; ++v) acc[r][v] = load4(c + r * ldc + 4 * v);
  for (std::size_t p = 0; p < k; ++p) {
    f32x4 row[VECS];
    for (int v = 0; v < VECS; ++v) row[v] = load4(b + p * ldb + 4 * v);
    for (int r = 0; r < ROWS; ++r) {
      const f32x4 ar = splat4(a[r * lda + p]);
      for (int v = 0; v < VECS; ++v) acc[r][v] += ar * row[v];
    }
  }
  for (int r = 0; r < ROWS; ++r)
    for (int v = 0; v < VECS; ++v) store4(c + r * ldc + 4 * v, acc[r][v]);
}

// All column blocks of a band of ROWS rows.
template <int ROWS>
void band(std::size_t n, std::size_t k, const float* a, std::size_t lda, const float* b,
          std::size_t ldb, float* c, std::size_t ldc) {
  std::size_t j = 0;
  for (; j + 8 <= n; j += 8) tile<ROWS, 2>(k, a, lda, b + j, ldb, c + j, ldc);
  for (; j + 4 <= n; j += 4) tile<ROWS, 1>(k, a, lda, b + j, ldb, c + j, ldc);
  for (; j < n; ++j)
    for (int r = 0; r < ROWS; ++r) {
      float sum = 0;
      for (std::size_t p = 0; p < k; ++p) sum += a[r * lda + p] * b[p * ldb + j];
      c[r * ldc + j] += sum;
    }
}

// C = bias + A·B for a ROWS × 4·VECS tile: accumulators start at the bias, nothing is read from C.
template <int ROWS, int VECS>
void bias_tile(std::size_t k, const float* a, std::size_t lda, const float* b, std::size_t ldb,
               const float* bias, float* c, std::size_t ldc) {
  f32x4 acc[ROWS][VECS];
  for (int r = 0; r < ROWS; ++r)
    for (int v = 0; v < VECS; ++v) acc[r][v] = splat4(bias[r]);
  for (std::size_t p = 0; p < k; ++p) {
    f32x4 row[VECS];
    for (int v = 0; v < VECS; ++v) row[v] = load4(b + p * ldb + 4 * v);
    for (int r = 0; r < ROWS; ++r) {
      const f32x4 ar = splat4(a[r * lda + p]);
      for (int v = 0; v < VECS; ++v) acc[r][v] += ar * row[v];
    }
  }
  for (int r = 0; r < ROWS; ++r)
    for (int v = 0; v < VECS; ++v) store4(c + r * ldc + 4 * v, acc[r][v]);
}

// All column blocks of a band of ROWS rows; the last < 4 columns one at a time, in the same
// order of operations as the vector lanes.
template <int ROWS>
void bias_band(std::size_t n, std::size_t k, const float* a, std::size_t lda, const float* b,
               std::size_t ldb, const float* bias, float* c, std::size_t ldc) {
  std::size_t j = 0;
  for (; j + 8 <= n; j += 8) bias_tile<ROWS, 2>(k, a, lda, b + j, ldb, bias, c + j, ldc);
  for (; j + 4 <= n; j += 4) bias_tile<ROWS, 1>(k, a, lda, b + j, ldb, bias, c + j, ldc);
  for (; j < n; ++j)
    for (int r = 0; r < ROWS; ++r) {
      float sum = bias[r];
      for (std::size_t p = 0; p < k; ++p) sum += a[r * lda + p] * b[p * ldb + j];
      c[r * ldc + j] = sum;
    }
}

}  // namespace

void gemm_bias_f32_vec4(std::size_t m, std::size_t n, std::size_t k, const float* a,
                        std::size_t lda, const float* b, std::size_t ldb, const float* bias,
                        float* c, std::size_t ldc) {
  std::size_t i = 0;
  for (; i + 4 <= m; i += 4) bias_band<4>(n, k, a + i * lda, lda, b, ldb, bias + i, c + i * ldc, ldc);
  switch (m - i) {
    case 3: bias_band<3>(n, k, a + i * lda, lda, b, ldb, bias + i, c + i * ldc, ldc); break;
    case 2: bias_band<2>(n, k, a + i * lda, lda, b, ldb, bias + i, c + i * ldc, ldc); break;
    case 1: bias_band<1>(n, k, a + i * lda, lda, b, ldb, bias + i, c + i * ldc, ldc); break;
    default: break;
  }
}

void gemm_f32_vec4(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                   const float* b, std::size_t ldb, float* c, std::size_t ldc) {
  std::size_t i = 0;
  for (; i + 4 <= m; i += 4) band<4>(n, k, a + i * lda, lda, b, ldb, c + i * ldc, ldc);
  switch (m - i) {
    case 3: band<3>(n, k, a + i * lda, lda, b, ldb, c + i * ldc, ldc); break;
    case 2: band<2>(n, k, a + i * lda, lda, b, ldb, c + i * ldc, ldc); break;
    case 1: band<1>(n, k, a + i * lda, lda, b, ldb, c + i * ldc, ldc); break;
    default: break;
  }
}

// C += A·Bᵀ: for each row i of A, dot products with four rows of B at once (four vector
// accumulators sharing one load of A), then a single-row tail.
void gemm_nt_f32_vec4(std::size_t m, std::size_t n, std::size_t k, const float* a,
                      std::size_t lda, const float* b, std::size_t ldb, float* c,
                      std::size_t ldc) {
  for (std::size_t i = 0; i < m; ++i) {
    const float* ai = a + i * lda;
    std::size_t j = 0;
    for (; j + 4 <= n; j += 4) {
      const float* b0 = b + j * ldb;
      f32x4 acc[4] = {splat4(0), splat4(0), splat4(0), splat4(0)};
      std::size_t p = 0;
      for (; p + 4 <= k; p += 4) {
        const f32x4 av = load4(ai + p);
        for (int r = 0; r < 4; ++r) acc[r] += av * load4(b0 + r * ldb + p);
      }
      for (int r = 0; r < 4; ++r) {
        float sum = sum4(acc[r]);
        for (std::size_t q = p; q < k; ++q) sum += ai[q] * b0[r * ldb + q];
        c[i * ldc + j + r] += sum;
      }
    }
    for (; j < n; ++j) {
      const float* bj = b + j * ldb;
      f32x4 acc = splat4(0);
      std::size_t p = 0;
      for (; p + 4 <= k; p += 4) acc += load4(ai + p) * load4(bj + p);
      float sum = sum4(acc);
      for (; p < k; ++p) sum += ai[p] * bj[p];
      c[i * ldc + j] += sum;
    }
  }
}

}  // namespace convscope::kernels
