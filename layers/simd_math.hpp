// Vectorised exp, log, expm1 and tanh on 8 doubles (GCC/Clang vector extensions). Included by
// the AVX-512 and the portable kernel builds only, inside an unnamed namespace: every function has
// internal linkage, so code compiled for AVX-512 can never be picked by the linker for other
// callers. Plain +, -, *, / (no fused multiply-add; the build uses -ffp-contract=off): the same
// bits on every instruction set.
#pragma once

#include <cstdint>

// Internal functions pass 64-byte vectors by value; their ABI never crosses a build boundary.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace {

typedef double v8d __attribute__((vector_size(64)));
typedef long long v8l __attribute__((vector_size(64)));
typedef unsigned long long v8u __attribute__((vector_size(64)));

inline v8d splat(double x) { return v8d{x, x, x, x, x, x, x, x}; }
inline v8l splat_l(long long x) { return v8l{x, x, x, x, x, x, x, x}; }
inline v8d load8(const double* p) {
  v8d v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
inline void store8(double* p, v8d v) { __builtin_memcpy(p, &v, sizeof v); }
inline v8d sel(v8l m, v8d a, v8d b) { return m ? a : b; }

constexpr double kLn2Hi = 6.93147180369123816490e-01, kLn2Lo = 1.90821492927058770002e-10;
constexpr double kLog2e = 1.44269504088896338700e+00;
constexpr double kRound = 0x1.8p52;  // x + kRound - kRound rounds x to an integer (|x| < 2^51)

// Round to the nearest integer (as a double); NaN lanes become 0 (their result is NaN anyway).
inline v8d round_k(v8d x) {
  v8d k = (x * splat(kLog2e) + splat(kRound)) - splat(kRound);
  return sel(k == k, k, splat(0.0));
}
// 2^k for integral k in [-1022, 1023].
inline v8d pow2(v8l k) { return (v8d)((v8u)(k + splat_l(1023)) << 52); }

// exp(x), fdlibm's e_exp.c: x = k ln2 + r, exp(r) from a rational Remez fit, times 2^k in two
// steps so that subnormal results round once. Overflows to inf above 709.78, 0 below -745.13.
inline v8d vexp(v8d x) {
  x = sel(x > splat(710.0), splat(710.0), x);  // comparisons are false for NaN: NaN passes
  x = sel(x < splat(-746.0), splat(-746.0), x);
  const v8d kd = round_k(x);
  const v8d hi = x - kd * splat(kLn2Hi), lo = kd * splat(kLn2Lo);
  const v8d r = hi - lo, t = r * r;
  const v8d c = r - t * (splat(1.66666666666666019037e-01) +
                         t * (splat(-2.77777777770155933842e-03) +
                              t * (splat(6.61375632143793436117e-05) +
                                   t * (splat(-1.65339022054652515390e-06) + t * splat(4.13813679705723846039e-08)))));
  const v8d y = splat(1.0) - ((lo - (r * c) / (splat(2.0) - c)) - hi);
  const v8l k = __builtin_convertvector(kd, v8l);
  const v8l k1 = k >> 1, k2 = k - k1;
  return y * pow2(k1) * pow2(k2);
}

// expm1(x) for x in [-40, 0] (tanh's range): x = k ln2 + r, expm1(r) by its Taylor series to r^13
// (error below 2e-17 relative for |r| <= ln2/2), then 2^k expm1(r) + (2^k - 1).
inline v8d vexpm1_neg(v8d x) {
  const v8d kd = round_k(x);
  const v8d r = (x - kd * splat(kLn2Hi)) - kd * splat(kLn2Lo);
  v8d p = splat(1.0 / 6227020800.0);  // 1/13!
  const double inv_fact[] = {1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0,
                             1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0};
  for (double c : inv_fact) p = splat(c) + r * p;
  p = r * p;  // expm1(r)
  const v8d s = pow2(__builtin_convertvector(kd, v8l));
  return s * p + (s - splat(1.0));
}

// tanh(x) = sign(x) * -e / (2 + e), e = expm1(-2|x|); exactly +-1 beyond |x| = 20, x itself
// for tiny x, NaN for NaN.
inline v8d vtanh(v8d x) {
  const v8u sign = (v8u)x & (v8u)splat(-0.0);
  v8d ax = (v8d)((v8u)x & ~(v8u)splat(-0.0));
  ax = sel(ax > splat(20.0), splat(20.0), ax);
  const v8d e = vexpm1_neg(splat(-2.0) * ax);
  const v8d t = -e / (splat(2.0) + e);  // >= 0, or -0 for x = 0: take its magnitude
  return (v8d)(((v8u)t & ~(v8u)splat(-0.0)) | sign);
}

// log(x), fdlibm's e_log.c: x = 2^k (1 + f) with sqrt(2)/2 <= 1 + f < sqrt(2),
// log(1 + f) = f - (hfsq - s (hfsq + R(s^2))), s = f / (2 + f). log(0) = -inf, log(x < 0) = NaN.
inline v8d vlog(v8d x) {
  const v8l sub = x < splat(2.2250738585072014e-308);  // subnormal (or zero, negative): scale by 2^54
  const v8d xs = sel(sub, x * splat(0x1p54), x);
  const v8u bits = (v8u)xs;
  v8l e = (v8l)((bits >> 52) & 0x7ff) - splat_l(1023);
  e = sub ? e - splat_l(54) : e;
  v8d m = (v8d)((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);  // [1, 2)
  const v8l big = m > splat(1.41421356237309504880);
  m = sel(big, m * splat(0.5), m);
  e = big ? e + splat_l(1) : e;
  const v8d f = m - splat(1.0);  // exact (Sterbenz)
  const v8d k = __builtin_convertvector(e, v8d);
  const v8d s = f / (splat(2.0) + f), z = s * s, w = z * z;
  const v8d t1 = w * (splat(3.999999999940941908e-01) + w * (splat(2.222219843214978396e-01) + w * splat(1.531383769920937332e-01)));
  const v8d t2 = z * (splat(6.666666666666735130e-01) +
                      w * (splat(2.857142874366239149e-01) + w * (splat(1.818357216161805012e-01) + w * splat(1.479819860511658591e-01))));
  const v8d R = t2 + t1, hfsq = splat(0.5) * f * f;
  v8d res = k * splat(kLn2Hi) - ((hfsq - (s * (hfsq + R) + k * splat(kLn2Lo))) - f);
  const double inf = __builtin_inf();
  res = sel(x == splat(0.0), splat(-inf), res);
  res = sel(x < splat(0.0), splat(__builtin_nan("")), res);
  res = sel(x == splat(inf), splat(inf), res);
  return sel(x != x, x, res);
}

// 1 / (1 + exp(-z)) as numpy writes it, for z >= -700 (the caller handles smaller z, where
// exp(-z) would overflow, as e^z / (1 + e^z)).
inline v8d vsigmoid(v8d z) {
  const v8d zc = sel(z < splat(-700.0), splat(-700.0), z);
  return splat(1.0) / (splat(1.0) + vexp(-zc));
}

}  // namespace
