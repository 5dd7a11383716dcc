// The optimisers' update rules, 8 elements at a time in the parameters' own type (plain IEEE
// +, -, *, / and sqrt: the same bits as the scalar formulas, on any instruction set). Each block
// of 8 is loaded before it is stored, so out may be exactly w or g. Included by the kernel builds
// inside their unnamed namespace, after simd_kernels.hpp.
#pragma once

#if defined(__AVX512F__) || defined(__AVX__)
#include <immintrin.h>
#endif

namespace {

using mindset::simd::UpdateScalars;

typedef int v8i __attribute__((vector_size(32)));

template <class T>
struct Lanes;
template <>
struct Lanes<double> {
  using V = v8d;
  using M = v8l;
  static V sqrt(V x) {
#if defined(__AVX512F__)
    return (V)_mm512_sqrt_pd((__m512d)x);
#else
    for (int i = 0; i < 8; ++i) x[i] = __builtin_sqrt(x[i]);
    return x;
#endif
  }
};
template <>
struct Lanes<float> {
  using V = v8f;
  using M = v8i;
  static V sqrt(V x) {
#if defined(__AVX__)
    return (V)_mm256_sqrt_ps((__m256)x);
#else
    for (int i = 0; i < 8; ++i) x[i] = __builtin_sqrtf(x[i]);
    return x;
#endif
  }
};

template <class T>
inline typename Lanes<T>::V ld(const T* p) {
  typename Lanes<T>::V v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
template <class T>
inline void st(T* p, typename Lanes<T>::V v) {
  __builtin_memcpy(p, &v, sizeof v);
}

// New values w - f(w, g, a, b) in blocks of 8 (f returns the step and updates the optional state
// arrays a, b in place), the tail through zero-padded copies. With comp (float32), the step is
// added with Kahan's compensation: y = -step - c; t = w + y; c = (t - w) - y; new value t.
// Returns whether all new values are finite.
template <class T, class F>
bool update_blocks(const T* w, const T* g, T* a, T* b, T* comp, T* out, std::size_t n, F f) {
  using V = typename Lanes<T>::V;
  using M = typename Lanes<T>::M;
  M bad = {};
  std::size_t i = 0;
  auto apply = [](V wv, V step, T* c) {
    if (!c) return wv - step;
    V cv = ld(c);
    const V y = -step - cv, t = wv + y;
    st(c, (t - wv) - y);
    return t;
  };
  for (; i + 8 <= n; i += 8) {
    V av = a ? ld(a + i) : V{}, bv = b ? ld(b + i) : V{};
    const V wv = ld(w + i);
    const V o = apply(wv, f(wv, ld(g + i), av, bv), comp ? comp + i : nullptr);
    if (a) st(a + i, av);
    if (b) st(b + i, bv);
    st(out + i, o);
    bad |= (o - o) != V{};  // inf - inf and NaN - NaN are NaN
  }
  if (i < n) {
    T wt[8] = {}, gt[8] = {}, at[8] = {}, bt[8] = {}, ct[8] = {}, ot[8];
    const std::size_t r = n - i;
    for (std::size_t j = 0; j < r; ++j) {
      wt[j] = w[i + j];
      gt[j] = g[i + j];
      if (a) at[j] = a[i + j];
      if (b) bt[j] = b[i + j];
      if (comp) ct[j] = comp[i + j];
    }
    V av = ld(at), bv = ld(bt);
    const V wv = ld(wt);
    st(ot, apply(wv, f(wv, ld(gt), av, bv), comp ? ct : nullptr));
    st(at, av);
    st(bt, bv);
    for (std::size_t j = 0; j < r; ++j) {
      out[i + j] = ot[j];
      if (a) a[i + j] = at[j];
      if (b) b[i + j] = bt[j];
      if (comp) comp[i + j] = ct[j];
      bad[0] |= !(ot[j] - ot[j] == T(0));
    }
  }
  for (int l = 0; l < 8; ++l)
    if (bad[l]) return false;
  return true;
}

template <class T>
bool update_gd(const T* w, const T* g, T* comp, T* out, std::size_t n, const UpdateScalars<T>& c) {
  using V = typename Lanes<T>::V;
  const T lr = c.lr;
  return update_blocks<T>(w, g, nullptr, nullptr, comp, out, n, [=](V, V gv, V&, V&) { return lr * gv; });
}

template <class T>
bool update_momentum(const T* w, const T* g, T* v, T* comp, T* out, std::size_t n, const UpdateScalars<T>& c) {
  using V = typename Lanes<T>::V;
  const T beta = c.beta1, om = c.one_minus1, lr = c.lr;
  if (c.flag)
    return update_blocks<T>(w, g, v, nullptr, comp, out, n, [=](V, V gv, V& vv, V&) {
      vv = beta * vv + om * gv;
      return lr * (beta * vv + om * gv);
    });
  return update_blocks<T>(w, g, v, nullptr, comp, out, n, [=](V, V gv, V& vv, V&) {
    vv = beta * vv + om * gv;
    return lr * vv;
  });
}

template <class T>
bool update_rmsprop(const T* w, const T* g, T* s, T* comp, T* out, std::size_t n, const UpdateScalars<T>& c) {
  using V = typename Lanes<T>::V;
  const T beta = c.beta1, om = c.one_minus1, eps = c.eps, lr = c.lr;
  return update_blocks<T>(w, g, s, nullptr, comp, out, n, [=](V, V gv, V& sv, V&) {
    sv = beta * sv + om * (gv * gv);
    return lr * gv / (Lanes<T>::sqrt(sv) + eps);
  });
}

template <class T>
bool update_adam(const T* w, const T* g, T* v, T* s, T* comp, T* out, std::size_t n, const UpdateScalars<T>& c) {
  using V = typename Lanes<T>::V;
  const T b1 = c.beta1, c1 = c.one_minus1, b2 = c.beta2, c2 = c.one_minus2, eps = c.eps, lr = c.lr;
  const T corr1 = c.corr1, corr2 = c.corr2;
  if (c.flag)
    return update_blocks<T>(w, g, v, s, comp, out, n, [=](V, V gv, V& vv, V& sv) {
      vv = b1 * vv + c1 * gv;
      sv = b2 * sv + c2 * (gv * gv);
      const V v_hat = vv / corr1, s_hat = sv / corr2;
      return lr * v_hat / (Lanes<T>::sqrt(s_hat) + eps);
    });
  return update_blocks<T>(w, g, v, s, comp, out, n, [=](V, V gv, V& vv, V& sv) {
    vv = b1 * vv + c1 * gv;
    sv = b2 * sv + c2 * (gv * gv);
    return lr * vv / (Lanes<T>::sqrt(sv) + eps);
  });
}

// Every kernel of this build, with its matrix product (or none).
template <class T>
mindset::simd::detail::Ops<T> kernel_ops(decltype(mindset::simd::detail::Ops<T>::gemm) gemm,
                                         decltype(mindset::simd::detail::Ops<T>::gemm_rows) gemm_rows) {
  return {gemm, gemm_rows, &bias_activation<T>, &activation_backward<T>, &bce_terms<T>, &exp_n<T>, &log_n<T>, &tanh_n<T>,
          &update_gd<T>, &update_momentum<T>, &update_rmsprop<T>, &update_adam<T>};
}

}  // namespace
