// Random numbers and log/exp that give the same bits in every build. std::log, std::exp and the
// std distributions differ between libstdc++/glibc (native) and libc++/musl (wasm); these use
// only + − × ÷, sqrt, frexp and ldexp on doubles, which IEEE 754 defines exactly, so the native
// trainer and the browser generate identical jet images for a seed.
#pragma once
#include <cmath>
#include <cstdint>

namespace convscope::portable {

// ln 2 = kLn2Hi + kLn2Lo (Cody–Waite): k·kLn2Hi is exact for |k| < 2^11, so the reductions
// below lose nothing for large exponents.
constexpr double kLn2Hi = 6.93147180369123816490e-01, kLn2Lo = 1.90821492927058770002e-10;

// ln x for finite x > 0, within a few ulp: x = m·2^e with m in [√½, √2), then
// ln m = 2·atanh(s) = 2(s + s³/3 + … + s¹⁹/19), s = (m−1)/(m+1), |s| ≤ 0.172.
inline double log(double x) {
  int e = 0;
  double m = std::frexp(x, &e);  // [0.5, 1)
  if (m < 0.70710678118654752) {
    m *= 2;
    --e;
  }
  const double s = (m - 1) / (m + 1), s2 = s * s;
  double p = 1.0 / 19;
  for (int k = 17; k >= 1; k -= 2) p = p * s2 + 1.0 / k;
  return e * kLn2Hi + (2 * s * p + e * kLn2Lo);
}

// e^x for x in [−700, 700], within a few ulp: x = k·ln2 + r, |r| ≤ ln2/2, e^r by Taylor to r¹⁶.
inline double exp(double x) {
  if (x < -700) return 0;
  const double k = std::floor(x / (kLn2Hi + kLn2Lo) + 0.5), r = (x - k * kLn2Hi) - k * kLn2Lo;
  double p = 1;
  for (int n = 16; n >= 1; --n) p = 1 + p * r / n;
  return std::ldexp(p, static_cast<int>(k));
}

// SplitMix64 (Steele, Lea, Flood 2014): 64-bit state, full period, passes BigCrush.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // [0, 1), 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // [0, n)
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  // Standard normal (Marsaglia's polar method: no cos/sin).
  double normal() {
    double u, v, s;
    do {
      u = 2 * uniform() - 1;
      v = 2 * uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    return u * std::sqrt(-2 * log(s) / s);
  }
  // Exponential with the given mean.
  double exponential(double mean) { return -mean * log(1 - uniform()); }
  // Poisson (Knuth: count uniforms until their product falls below e^−mean); mean ≤ ~500.
  int poisson(double mean) {
    const double limit = exp(-mean);
    int k = 0;
    for (double p = uniform(); p > limit; p *= uniform()) ++k;
    return k;
  }
  // A random direction in the plane (rejection in the unit disc: no cos/sin).
  void direction(double& x, double& y) {
    double s;
    do {
      x = 2 * uniform() - 1;
      y = 2 * uniform() - 1;
      s = x * x + y * y;
    } while (s > 1 || s < 1e-6);
    const double r = std::sqrt(s);
    x /= r;
    y /= r;
  }

 private:
  std::uint64_t state_;
};

}  // namespace convscope::portable
