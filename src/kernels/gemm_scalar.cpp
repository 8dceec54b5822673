// Reference matrix multiply-accumulate.
#include "kernels/kernels.hpp"

namespace convscope::kernels {
namespace {

// C[i][j] += Σp A[i][p]·B[p][j], with B read as stored (B_T = false) or transposed (B_T = true:
// the element [p][j] of B is b[j·ldb + p]).
template <bool B_T>
void gemm_accumulate(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                     const float* b, std::size_t ldb, float* c, std::size_t ldc) {
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      float sum = 0;
      for (std::size_t p = 0; p < k; ++p)
        sum += a[i * lda + p] * (B_T ? b[j * ldb + p] : b[p * ldb + j]);
      c[i * ldc + j] += sum;
    }
}

}  // namespace

void gemm_f32_scalar(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                     const float* b, std::size_t ldb, float* c, std::size_t ldc) {
  gemm_accumulate<false>(m, n, k, a, lda, b, ldb, c, ldc);
}

void gemm_bias_f32_scalar(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                          const float* b, std::size_t ldb, const float* bias, float* c,
                          std::size_t ldc) {
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      float sum = bias[i];
      for (std::size_t p = 0; p < k; ++p) sum += a[i * lda + p] * b[p * ldb + j];
      c[i * ldc + j] = sum;
    }
}

void gemm_nt_f32_scalar(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                        const float* b, std::size_t ldb, float* c, std::size_t ldc) {
  gemm_accumulate<true>(m, n, k, a, lda, b, ldb, c, ldc);
}

}  // namespace convscope::kernels
