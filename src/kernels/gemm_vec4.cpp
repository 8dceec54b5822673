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

}  // namespace

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

}  // namespace convscope::kernels
