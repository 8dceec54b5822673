// Portable 4-lane float vectors (GCC/Clang vector extensions): SSE with g++ natively, wasm
// f32x4 with em++ -msimd128, plain scalar code where neither exists. One source, two ISAs.
#pragma once

namespace convscope::kernels {

typedef float f32x4 __attribute__((vector_size(16)));

inline f32x4 load4(const float* p) {
  f32x4 v;
  __builtin_memcpy(&v, p, sizeof v);  // unaligned load
  return v;
}
inline void store4(float* p, f32x4 v) { __builtin_memcpy(p, &v, sizeof v); }
inline f32x4 splat4(float x) { return f32x4{x, x, x, x}; }
inline f32x4 max4(f32x4 a, f32x4 b) { return a > b ? a : b; }
inline float sum4(f32x4 v) { return (v[0] + v[1]) + (v[2] + v[3]); }
// Lanes 0,2,4,6 of the 8 floats (a,b): every second element, for stride-2 windows.
inline f32x4 even4(f32x4 a, f32x4 b) { return __builtin_shufflevector(a, b, 0, 2, 4, 6); }

}  // namespace convscope::kernels
