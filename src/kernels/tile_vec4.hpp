// The one register tile of the fast kernels (GEMM, GEMM + bias, direct convolution): ROWS rows ×
// 4·VECS columns of accumulators that stay in registers while k products are added in:
//   acc[r][v] = madd4(acc[r][v], a[r·a_row + p·a_col] (broadcast), brow(p)[4v .. 4v+3]),  p = 0..k-1
// The k loop does nothing else: every tail (rows, columns, taps) is settled by the caller.
// A is broadcast from memory (v128.load32_splat, a load, not a shuffle: on AMD Zen the shuffle
// unit shares pipes with the multiplies); packed weights make a_row = 1, a_col = ROWS, so the
// ROWS broadcasts of one step read one 16-byte line. B's rows are ldb floats apart for a GEMM
// (madd_rows), or brow(p), a tap's offset into a zero-padded sample, for the direct convolution.
// 4 × 2 is the shape used: 8 accumulators + 2 B vectors + 1 broadcast fit V8's 15 allocatable
// vector registers on x64 (4 × 3 would need 16).
#pragma once
#include <cstddef>

#include "kernels/simd.hpp"

namespace convscope::kernels {

template <int ROWS, int VECS>
struct Tile {
  f32x4 acc[ROWS][VECS];

  void fill_rows(const float* row_values) {  // acc[r][·] = row_values[r] (a bias)
    for (int r = 0; r < ROWS; ++r)
      for (int v = 0; v < VECS; ++v) acc[r][v] = splat4(row_values[r]);
  }
  void load(const float* c, std::size_t ldc) {
    for (int r = 0; r < ROWS; ++r)
      for (int v = 0; v < VECS; ++v) acc[r][v] = load4(c + r * ldc + 4 * v);
  }

  template <class BRow>
  void madd(std::size_t k, const float* a, std::size_t a_row, std::size_t a_col, BRow brow) {
    for (std::size_t p = 0; p < k; ++p, a += a_col) step(a, a_row, brow(p));
  }
  // B's rows ldb floats apart (a GEMM): the pointers step by addition (the wasm has no
  // addressing modes, and V8 does not strength-reduce a multiply per step).
  void madd_rows(std::size_t k, const float* a, std::size_t a_row, std::size_t a_col, const float* b,
                 std::size_t ldb) {
    for (std::size_t p = 0; p < k; ++p, a += a_col, b += ldb) step(a, a_row, b);
  }

  // One step: acc[r][·] += a[r·a_row] · bp[0 .. 4·VECS).
  void step(const float* a, std::size_t a_row, const float* bp) {
    f32x4 b[VECS];
    for (int v = 0; v < VECS; ++v) b[v] = load4(bp + 4 * v);
    for (int r = 0; r < ROWS; ++r) {
      const f32x4 ar = splat4(a[r * a_row]);
      for (int v = 0; v < VECS; ++v) acc[r][v] = madd4(acc[r][v], ar, b[v]);
    }
  }

  // Rows [0, rows) of the tile, all 4·VECS columns, max(·, 0) first if relu.
  void store(float* c, std::size_t ldc, bool relu, int rows = ROWS) const {
    const f32x4 zero = splat4(0.0f);
    for (int r = 0; r < rows; ++r)
      for (int v = 0; v < VECS; ++v)
        store4(c + r * ldc + 4 * v, relu ? max4(acc[r][v], zero) : acc[r][v]);
  }
};

}  // namespace convscope::kernels
