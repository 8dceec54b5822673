// Fast C[M,N] (+)= A[M,K]·B[K,N] (and + bias): tile_vec4.hpp's ROWS × 8 and ROWS × 4 tiles over
// B's columns, A broadcast from its rows (a_row = lda, a_col = 1); column tails of fewer than 4
// one at a time with madd1 (same order and rounding as a lane), row tails in smaller tiles.
// gemm_nt (C += A·Bᵀ) is a different shape, dot products of contiguous rows, below.
#include "kernels/kernels.hpp"
#include "kernels/simd.hpp"
#include "kernels/tile_vec4.hpp"

namespace convscope::kernels {
namespace {

// All column blocks of a band of ROWS rows; bias: C = bias + A·B, else C += A·B.
template <int ROWS>
void band(std::size_t n, std::size_t k, const float* a, std::size_t lda, const float* b, std::size_t ldb,
          const float* bias, float* c, std::size_t ldc) {
  std::size_t j = 0;
  for (; j + 8 <= n; j += 8) {
    Tile<ROWS, 2> t;
    bias ? t.fill_rows(bias) : t.load(c + j, ldc);
    t.madd_rows(k, a, lda, 1, b + j, ldb);
    t.store(c + j, ldc, false);
  }
  for (; j + 4 <= n; j += 4) {
    Tile<ROWS, 1> t;
    bias ? t.fill_rows(bias) : t.load(c + j, ldc);
    t.madd_rows(k, a, lda, 1, b + j, ldb);
    t.store(c + j, ldc, false);
  }
  for (; j < n; ++j)
    for (int r = 0; r < ROWS; ++r) {
      float sum = bias ? bias[r] : c[r * ldc + j];
      for (std::size_t p = 0; p < k; ++p) sum = madd1(sum, a[r * lda + p], b[p * ldb + j]);
      c[r * ldc + j] = sum;
    }
}

void bands(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda, const float* b,
           std::size_t ldb, const float* bias, float* c, std::size_t ldc) {
  std::size_t i = 0;
  for (; i + 4 <= m; i += 4)
    band<4>(n, k, a + i * lda, lda, b, ldb, bias ? bias + i : nullptr, c + i * ldc, ldc);
  const float* bi = bias ? bias + i : nullptr;
  switch (m - i) {
    case 3: band<3>(n, k, a + i * lda, lda, b, ldb, bi, c + i * ldc, ldc); break;
    case 2: band<2>(n, k, a + i * lda, lda, b, ldb, bi, c + i * ldc, ldc); break;
    case 1: band<1>(n, k, a + i * lda, lda, b, ldb, bi, c + i * ldc, ldc); break;
    default: break;
  }
}

}  // namespace

void gemm_bias_f32_vec4(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                        const float* b, std::size_t ldb, const float* bias, float* c, std::size_t ldc) {
  bands(m, n, k, a, lda, b, ldb, bias, c, ldc);
}

void gemm_f32_vec4(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                   const float* b, std::size_t ldb, float* c, std::size_t ldc) {
  bands(m, n, k, a, lda, b, ldb, nullptr, c, ldc);
}

// C += A·Bᵀ: for each row i of A, dot products with four rows of B at once (four vector
// accumulators sharing one load of A), then a single-row tail.
void gemm_nt_f32_vec4(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                      const float* b, std::size_t ldb, float* c, std::size_t ldc) {
  for (std::size_t i = 0; i < m; ++i) {
    const float* ai = a + i * lda;
    std::size_t j = 0;
    for (; j + 4 <= n; j += 4) {
      const float* b0 = b + j * ldb;
      f32x4 acc[4] = {splat4(0), splat4(0), splat4(0), splat4(0)};
      std::size_t p = 0;
      for (; p + 4 <= k; p += 4) {
        const f32x4 av = load4(ai + p);
        for (int r = 0; r < 4; ++r) acc[r] = madd4(acc[r], av, load4(b0 + r * ldb + p));
      }
      for (int r = 0; r < 4; ++r) {
        float sum = sum4(acc[r]);
        for (std::size_t q = p; q < k; ++q) sum = madd1(sum, ai[q], b0[r * ldb + q]);
        c[i * ldc + j + r] += sum;
      }
    }
    for (; j < n; ++j) {
      const float* bj = b + j * ldb;
      f32x4 acc = splat4(0);
      std::size_t p = 0;
      for (; p + 4 <= k; p += 4) acc = madd4(acc, load4(ai + p), load4(bj + p));
      float sum = sum4(acc);
      for (; p < k; ++p) sum = madd1(sum, ai[p], bj[p]);
      c[i * ldc + j] += sum;
    }
  }
}

}  // namespace convscope::kernels
