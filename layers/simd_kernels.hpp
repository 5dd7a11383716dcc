// The elementwise kernels, compiled once per build (simd_avx512.cpp, simd_generic.cpp) inside
// an unnamed namespace. Transcendental functions go through simd_math.hpp 8 lanes at a time;
// float32 values are widened to double for them and rounded once. Everything else is written
// as plain loops in the network's type, in the order numpy evaluates the same expressions.
#pragma once

#include "simd_math.hpp"
#include "simd_table.hpp"

namespace {

using mindset::simd::Act;

typedef float v8f __attribute__((vector_size(32)));

inline v8d widen(const double* p) { return load8(p); }
inline v8d widen(const float* p) {
  v8f v;
  __builtin_memcpy(&v, p, sizeof v);
  return __builtin_convertvector(v, v8d);
}
inline void narrow(double* p, v8d v) { store8(p, v); }
inline void narrow(float* p, v8d v) {
  v8f f = __builtin_convertvector(v, v8f);
  __builtin_memcpy(p, &f, sizeof f);
}

// out[i] = f(x[i]) for n elements, 8 at a time; the tail goes through a zero-padded block.
template <class T, class F>
inline void map8(const T* x, T* out, std::size_t n, F f) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) narrow(out + i, f(widen(x + i)));
  if (i < n) {
    T in[8] = {}, res[8];
    for (std::size_t j = 0; i + j < n; ++j) in[j] = x[i + j];
    narrow(res, f(widen(in)));
    for (std::size_t j = 0; i + j < n; ++j) out[i + j] = res[j];
  }
}

template <class T>
void exp_n(const T* x, T* out, std::size_t n) {
  map8(x, out, n, [](v8d v) { return vexp(v); });
}
template <class T>
void log_n(const T* x, T* out, std::size_t n) {
  map8(x, out, n, [](v8d v) { return vlog(v); });
}
template <class T>
void tanh_n(const T* x, T* out, std::size_t n) {
  map8(x, out, n, [](v8d v) { return vtanh(v); });
}

template <class T>
void bias_activation(Act g, T slope, T* z, const T* bias, T* a, std::size_t rows, std::size_t cols) {
  for (std::size_t i = 0; i < rows; ++i) {
    T* zr = z + i * cols;
    T* ar = a + i * cols;
    const T b = bias ? bias[i] : T(0);
    if (bias)
      for (std::size_t j = 0; j < cols; ++j) zr[j] = zr[j] + b;
    switch (g) {
      case Act::linear:
        if (ar != zr)
          for (std::size_t j = 0; j < cols; ++j) ar[j] = zr[j];
        break;
      case Act::relu:
        for (std::size_t j = 0; j < cols; ++j) ar[j] = zr[j] > T(0) ? zr[j] : T(0);
        break;
      case Act::leaky_relu:
        for (std::size_t j = 0; j < cols; ++j) ar[j] = zr[j] > T(0) ? zr[j] : slope * zr[j];
        break;
      case Act::tanh:
        map8(zr, ar, cols, [](v8d v) { return vtanh(v); });
        break;
      case Act::sigmoid:
        map8(zr, ar, cols, [](v8d v) { return vsigmoid(v); });
        // Where exp(-z) overflows: e^z / (1 + e^z) keeps the tiny positive value.
        for (std::size_t j = 0; j < cols; ++j)
          if (zr[j] < T(-700)) {
            const double e = __builtin_exp(static_cast<double>(zr[j]));
            ar[j] = static_cast<T>(e / (1.0 + e));
          }
        break;
    }
  }
}

template <class T>
void activation_backward(Act g, T slope, const T* z, const T* a, const T* da, T* dz, std::size_t n) {
  switch (g) {
    case Act::linear:
      if (dz != da)
        for (std::size_t i = 0; i < n; ++i) dz[i] = da[i];
      break;
    case Act::relu:
      for (std::size_t i = 0; i < n; ++i) dz[i] = z[i] > T(0) ? da[i] : T(0);
      break;
    case Act::leaky_relu:
      for (std::size_t i = 0; i < n; ++i) dz[i] = z[i] > T(0) ? da[i] : da[i] * slope;
      break;
    case Act::tanh:
      for (std::size_t i = 0; i < n; ++i) dz[i] = da[i] * (T(1) - a[i] * a[i]);
      break;
    case Act::sigmoid:
      for (std::size_t i = 0; i < n; ++i) dz[i] = da[i] * a[i] * (T(1) - a[i]);
      break;
  }
}

// log(sigmoid(z)) without overflow or cancellation (libm; only for saturated outputs).
inline double log_sigmoid(double z) {
  return z >= 0 ? -__builtin_log1p(__builtin_exp(-z)) : z - __builtin_log1p(__builtin_exp(z));
}

// The terms of one padded block of 8 (the tail), as the loop above computes them.
template <class T>
void bce_terms_tail(const T* a, const T* y, T* out) {
  T la[8], lb[8], om[8];
  for (int j = 0; j < 8; ++j) om[j] = T(1) - a[j];
  narrow(la, vlog(widen(a)));
  narrow(lb, vlog(widen(om)));
  for (int j = 0; j < 8; ++j) out[j] = y[j] * la[j] + (T(1) - y[j]) * lb[j];
}

template <class T>
void bce_terms(const T* z, const T* a, const T* y, T* out, std::size_t n) {
  auto terms = [](v8d av, v8d yv, v8d om) {  // om = 1 - a, computed in T as numpy does
    return yv * vlog(av) + (splat(1.0) - yv) * vlog(om);
  };
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const v8d av = widen(a + i), yv = widen(y + i);
    if (sizeof(T) == sizeof(double)) {
      const v8l one = yv == splat(1.0), zero = yv == splat(0.0);
      bool binary = true;
      for (int j = 0; j < 8; ++j) binary = binary && (one[j] || zero[j]);
      // Labels 0/1 (all binary_cross_entropy accepts): y log a + (1-y) log(1-a) is exactly
      // log(a) or log(1-a) (the other product is a signed zero), so one log per example.
      narrow(out + i, binary ? vlog(sel(one, av, splat(1.0) - av)) : terms(av, yv, splat(1.0) - av));
    } else {  // float: logs in double rounded to float, then products and sum in float
      T la[8], lb[8], om[8];
      for (int j = 0; j < 8; ++j) om[j] = T(1) - a[i + j];
      narrow(la, vlog(av));
      narrow(lb, vlog(widen(om)));
      for (int j = 0; j < 8; ++j) out[i + j] = y[i + j] * la[j] + (T(1) - y[i + j]) * lb[j];
    }
  }
  if (i < n) {
    T av[8], yv[8], ov[8];
    for (std::size_t j = 0; j < 8; ++j) {
      av[j] = i + j < n ? a[i + j] : T(0.5);
      yv[j] = i + j < n ? y[i + j] : T(0);
    }
    bce_terms_tail(av, yv, ov);
    for (std::size_t j = 0; i + j < n; ++j) out[i + j] = ov[j];
  }
  // Saturated outputs (a exactly 0 or 1, where a log is -inf), and NaN: from z.
  for (std::size_t j = 0; j < n; ++j)
    if (!(a[j] > T(0) && a[j] < T(1))) {
      const double zj = static_cast<double>(z[j]);
      out[j] = static_cast<T>(static_cast<double>(y[j]) * log_sigmoid(zj) +
                              static_cast<double>(T(1) - y[j]) * log_sigmoid(-zj));
    }
}

}  // namespace
