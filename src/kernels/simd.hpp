// Portable 4-lane float vectors (GCC/Clang vector extensions): SSE with g++ natively, wasm
// f32x4 with em++ -msimd128, plain scalar code where neither exists. One source, three wasm
// builds: scalar, SIMD, and relaxed SIMD (-mrelaxed-simd), where madd4 is one fused
// f32x4.relaxed_madd instead of a multiply and an add.
#pragma once

#if defined(__wasm_relaxed_simd__)
#include <wasm_simd128.h>
#endif

namespace convscope::kernels {

typedef float f32x4 __attribute__((vector_size(16)));

inline f32x4 load4(const float* p) {
  f32x4 v;
  __builtin_memcpy(&v, p, sizeof v);  // unaligned load
  return v;
}
inline void store4(float* p, f32x4 v) { __builtin_memcpy(p, &v, sizeof v); }
inline f32x4 splat4(float x) { return f32x4{x, x, x, x}; }
// a > b ? a : b, lane by lane. In wasm as f32x4.pmax(b, a), its exact definition (b < a ? a : b),
// one instruction (maxps) in V8, where the compare and select took four.
#if defined(__wasm_simd128__)
inline f32x4 max4(f32x4 a, f32x4 b) { return (f32x4)__builtin_wasm_pmax_f32x4(b, a); }
#else
inline f32x4 max4(f32x4 a, f32x4 b) { return a > b ? a : b; }
#endif
inline float sum4(f32x4 v) { return (v[0] + v[1]) + (v[2] + v[3]); }
// Lanes 0,2,4,6 of the 8 floats (a,b): every second element, for stride-2 windows.
inline f32x4 even4(f32x4 a, f32x4 b) { return __builtin_shufflevector(a, b, 0, 2, 4, 6); }
// Lanes 1,3,5,7 of the 8 floats (a,b).
inline f32x4 odd4(f32x4 a, f32x4 b) { return __builtin_shufflevector(a, b, 1, 3, 5, 7); }

// acc + a·b, the step of every dot product in the fast kernels. Relaxed builds fuse it (one
// rounding); madd1 is the same operation on one float, so that a scalar tail rounds exactly
// like a vector lane and a value's bits never depend on where it falls in a tile.
#if defined(__wasm_relaxed_simd__)
inline f32x4 madd4(f32x4 acc, f32x4 a, f32x4 b) {
  return (f32x4)wasm_f32x4_relaxed_madd((v128_t)a, (v128_t)b, (v128_t)acc);
}
inline float madd1(float acc, float a, float b) { return madd4(splat4(acc), splat4(a), splat4(b))[0]; }
#else
inline f32x4 madd4(f32x4 acc, f32x4 a, f32x4 b) { return acc + a * b; }
inline float madd1(float acc, float a, float b) { return acc + a * b; }
#endif

}  // namespace convscope::kernels
