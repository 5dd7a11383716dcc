// AVX-512 matrix kernels for the shapes a dense layer produces: C = alpha op(A) op(B), row-major,
// with at least one small dimension (units, or a batch of a few hundred examples). Operands are
// read in place, never packed: X (n x m, thousands of features) is the big operand and is
// streamed once per product.
//
//   NN and TN (Z = W X, dA = W^T dZ): vectorised along C's rows; a register tile of up to 12
//   rows x 2 vectors accumulates a block of kc values of k in order (a fused multiply-add
//   chain), and the blocks' partial sums are added to C in order.
//   NT (dW = (1/m) dZ X^T): dot products along k, 3 rows of A x 8 rows of B per tile, each
//   dot product's 8 (or 16) lanes added by a fixed tree.
//
// Threads split C's columns (NN/TN) or B's rows (NT): the work of each element is the same on
// any number of threads. Included by simd_avx512.cpp only, inside its unnamed namespace.
#pragma once

#include <immintrin.h>

#include <cstdint>

#include "simd_table.hpp"

namespace {

template <class T>
struct Vec;

// Walks the cache lines of a block of rows (each row `len` bytes, rows `stride` apart) a few
// at a time, paced by the computation on the previous block: X streams from memory at an even
// rate instead of stalling each tile on its own misses (its rows are far apart; hardware
// prefetchers do not follow such a walk).
struct Prefetch {
  const char* base = nullptr;
  std::size_t stride = 0, first = 0, end = 0, rows = 0, row = 0, off = 0;
  Prefetch() = default;
  Prefetch(const void* start, std::size_t row_bytes, std::size_t stride_bytes, std::size_t n_rows)
      : base(static_cast<const char*>(start)), stride(stride_bytes), rows(n_rows) {
    const std::size_t mis = reinterpret_cast<std::uintptr_t>(base) % 64;
    base -= mis;  // whole lines: from the one holding the first byte to the one holding the last
    first = off = 0;
    end = mis + row_bytes;
  }
  void next() {
    if (row >= rows) return;
    _mm_prefetch(base + row * stride + off, _MM_HINT_T0);
    off += 64;
    if (off >= end) {
      ++row;
      off = 0;
    }
  }
};

template <>
struct Vec<double> {
  using R = __m512d;
  using M = __mmask8;
  static constexpr std::size_t W = 8;
  static R zero() { return _mm512_setzero_pd(); }
  static R load(M m, const double* p) { return _mm512_maskz_loadu_pd(m, p); }
  static R load(const double* p) { return _mm512_loadu_pd(p); }
  static R bcast(const double* p) { return _mm512_set1_pd(*p); }
  static R set1(double x) { return _mm512_set1_pd(x); }
  static R fma(R a, R b, R c) { return _mm512_fmadd_pd(a, b, c); }
  static R mul(R a, R b) { return _mm512_mul_pd(a, b); }
  static R add(R a, R b) { return _mm512_add_pd(a, b); }
  static void store(double* p, M m, R v) { _mm512_mask_storeu_pd(p, m, v); }
  static M mask(std::size_t have, std::size_t from) {
    return from >= have ? M(0) : have - from >= W ? M(0xff) : M((1u << (have - from)) - 1);
  }
  // The 8 sums of acc[0..7]'s lanes, as one vector: ((l0+l1)+(l2+l3))+((l4+l5)+(l6+l7)) each.
  static void reduce8_store(const R* a, double alpha, double* c, __mmask8 cm) {
    R t[4];
    for (int p = 0; p < 4; ++p)
      t[p] = _mm512_add_pd(_mm512_unpacklo_pd(a[2 * p], a[2 * p + 1]), _mm512_unpackhi_pd(a[2 * p], a[2 * p + 1]));
    R u0 = _mm512_add_pd(_mm512_shuffle_f64x2(t[0], t[1], 0x88), _mm512_shuffle_f64x2(t[0], t[1], 0xdd));
    R u1 = _mm512_add_pd(_mm512_shuffle_f64x2(t[2], t[3], 0x88), _mm512_shuffle_f64x2(t[2], t[3], 0xdd));
    R v = _mm512_add_pd(_mm512_shuffle_f64x2(u0, u1, 0x88), _mm512_shuffle_f64x2(u0, u1, 0xdd));
    if (alpha != 1.0) v = _mm512_mul_pd(v, _mm512_set1_pd(alpha));
    _mm512_mask_storeu_pd(c, cm, v);
  }
};

template <>
struct Vec<float> {
  using R = __m512;
  using M = __mmask16;
  static constexpr std::size_t W = 16;
  static R zero() { return _mm512_setzero_ps(); }
  static R load(M m, const float* p) { return _mm512_maskz_loadu_ps(m, p); }
  static R load(const float* p) { return _mm512_loadu_ps(p); }
  static R bcast(const float* p) { return _mm512_set1_ps(*p); }
  static R set1(float x) { return _mm512_set1_ps(x); }
  static R fma(R a, R b, R c) { return _mm512_fmadd_ps(a, b, c); }
  static R mul(R a, R b) { return _mm512_mul_ps(a, b); }
  static R add(R a, R b) { return _mm512_add_ps(a, b); }
  static void store(float* p, M m, R v) { _mm512_mask_storeu_ps(p, m, v); }
  static M mask(std::size_t have, std::size_t from) {
    return from >= have ? M(0) : have - from >= W ? M(0xffff) : M((1u << (have - from)) - 1);
  }
  // Halves added (lanes l and l+8), then the 8-lane tree of hadds.
  static void reduce8_store(const R* a, float alpha, float* c, __mmask8 cm) {
    __m256 y[8];
    for (int r = 0; r < 8; ++r)
      y[r] = _mm256_add_ps(_mm512_castps512_ps256(a[r]), _mm512_extractf32x8_ps(a[r], 1));
    __m256 t0 = _mm256_hadd_ps(y[0], y[1]), t1 = _mm256_hadd_ps(y[2], y[3]);
    __m256 t2 = _mm256_hadd_ps(y[4], y[5]), t3 = _mm256_hadd_ps(y[6], y[7]);
    __m256 u0 = _mm256_hadd_ps(t0, t1), u1 = _mm256_hadd_ps(t2, t3);
    __m256 v = _mm256_add_ps(_mm256_permute2f128_ps(u0, u1, 0x20), _mm256_permute2f128_ps(u0, u1, 0x31));
    if (alpha != 1.0f) v = _mm256_mul_ps(v, _mm256_set1_ps(alpha));
    _mm256_mask_storeu_ps(c, cm, v);
  }
};

// NN / TN tile: C rows cr[0..MR), columns [j0, j0 + 2W) (masks m0, m1), over kn values of k.
// a(i, k) is pk[k * MR + i]: the rows' block of A packed k-major (nn_chunk), so the MR
// broadcasts of a step read one cache line; B points at row k0 of B, column j0.
template <class T, int MR>
void nn_tile(std::size_t kn, const T* pk, const T* B, std::size_t ldb, T* const* cr, std::size_t j0,
             typename Vec<T>::M m0, typename Vec<T>::M m1, bool accumulate, T alpha, Prefetch& pf) {
  using V = Vec<T>;
  typename V::R acc0[MR], acc1[MR];
#pragma GCC unroll 12
  for (int i = 0; i < MR; ++i) {
    acc0[i] = V::zero();
    acc1[i] = V::zero();
  }
  for (std::size_t k = 0; k < kn; ++k, pk += MR) {
    const T* b = B + k * ldb;
    pf.next();
    const typename V::R b0 = V::load(m0, b), b1 = V::load(m1, b + V::W);
#pragma GCC unroll 12
    for (int i = 0; i < MR; ++i) {
      const typename V::R av = V::bcast(pk + i);
      acc0[i] = V::fma(av, b0, acc0[i]);
      acc1[i] = V::fma(av, b1, acc1[i]);
    }
  }
  // C = (p_0 + p_1) + ... + p_b, the partial sums of the K-blocks added in order (a chain of
  // kc products and one of K / kc partials: far more accurate in float32 than one chain of K).
  const bool scale = alpha != T(1);
#pragma GCC unroll 12
  for (int i = 0; i < MR; ++i) {
    if (accumulate) {
      acc0[i] = V::add(V::load(m0, cr[i] + j0), acc0[i]);
      acc1[i] = V::add(V::load(m1, cr[i] + j0 + V::W), acc1[i]);
    }
    V::store(cr[i] + j0, m0, scale ? V::mul(acc0[i], V::set1(alpha)) : acc0[i]);
    V::store(cr[i] + j0 + V::W, m1, scale ? V::mul(acc1[i], V::set1(alpha)) : acc1[i]);
  }
}

// A product's operands. Rows of A and C are either strided (a + i lda, c + i ldc) or given as
// pointers (ar, cr: several networks' weights and outputs in one product, sweep fusion).
template <class T>
struct NNArgs {
  bool ta;
  std::size_t m, n, k;
  T alpha;
  const T* a;
  std::size_t lda;
  const T* b;
  std::size_t ldb;
  T* c;
  std::size_t ldc;
  const T* const* ar = nullptr;
  T* const* cr = nullptr;
  const T* arow(std::size_t i) const { return ar ? ar[i] : ta ? a + i : a + i * lda; }
  T* crow(std::size_t i) const { return cr ? cr[i] : c + i * ldc; }
};

template <class T>
void nn_rows(std::size_t mr, std::size_t kn, const T* pk, const T* b, std::size_t ldb, T* const* cr, std::size_t j0,
             typename Vec<T>::M m0, typename Vec<T>::M m1, bool acc, T alpha, Prefetch& pf) {
  switch (mr) {
#define MINDSET_NN(R) \
  case R: nn_tile<T, R>(kn, pk, b, ldb, cr, j0, m0, m1, acc, alpha, pf); break;
    MINDSET_NN(1) MINDSET_NN(2) MINDSET_NN(3) MINDSET_NN(4) MINDSET_NN(5) MINDSET_NN(6)
    MINDSET_NN(7) MINDSET_NN(8) MINDSET_NN(9) MINDSET_NN(10) MINDSET_NN(11) MINDSET_NN(12)
#undef MINDSET_NN
    default: break;
  }
}

// Column tiles [begin, end) of C (2W columns each), all rows. K-blocks outermost: a block of B
// is kc contiguous rows, read from memory once and used by every tile from cache. Within it,
// each block of up to 12 rows of A is packed k-major once and used by every column tile.
template <class T>
void nn_chunk(void* ctx, std::size_t begin, std::size_t end) {
  const NNArgs<T>& p = *static_cast<const NNArgs<T>*>(ctx);
  using V = Vec<T>;
  constexpr std::size_t kc = 128 * 8 / sizeof(T), mr_max = 12;
  alignas(64) T pack[kc * mr_max];
  const std::size_t blocks = (p.m + mr_max - 1) / mr_max, mr = (p.m + blocks - 1) / blocks;
  const std::size_t jb = begin * 2 * V::W, je = end * 2 * V::W < p.n ? end * 2 * V::W : p.n;
  for (std::size_t k0 = 0; k0 < p.k; k0 += kc) {
    const std::size_t k1 = p.k - k0 < kc ? p.k : k0 + kc, kn = k1 - k0;
    const T alpha = k1 == p.k ? p.alpha : T(1);
    // This chunk's columns of the next block of B, fetched while this block is computed.
    const std::size_t k2 = p.k - k1 < kc ? p.k : k1 + kc;
    Prefetch pf(p.b + k1 * p.ldb + jb, (je - jb) * sizeof(T), p.ldb * sizeof(T), k2 - k1);
    for (std::size_t i0 = 0; i0 < p.m; i0 += mr) {
      const std::size_t rows = p.m - i0 < mr ? p.m - i0 : mr;
      T* cr[mr_max];
      for (std::size_t i = 0; i < rows; ++i) {
        const T* a = p.arow(i0 + i);
        if (p.ta)
          for (std::size_t k = 0; k < kn; ++k) pack[k * rows + i] = a[(k0 + k) * p.lda];
        else
          for (std::size_t k = 0; k < kn; ++k) pack[k * rows + i] = a[k0 + k];
        cr[i] = p.crow(i0 + i);
      }
      for (std::size_t t = begin; t < end; ++t) {
        const std::size_t j0 = t * 2 * V::W;
        const typename V::M m0 = V::mask(p.n, j0), m1 = V::mask(p.n, j0 + V::W);
        nn_rows<T>(rows, kn, pack, p.b + k0 * p.ldb + j0, p.ldb, cr, j0, m0, m1, k0 > 0, alpha, pf);
      }
    }
  }
}

// NT tile: C[0..MR) x [0, NR) = alpha * A rows . B rows (NR row pointers), over all K. Lanes
// accumulate k = l, l + W, ...; each dot product's lanes are then added by reduce8_store's
// fixed tree (zeros stand in for missing rows), so an element's bits do not depend on MR.
template <class T, int MR, int NR>
void nt_tile(std::size_t K, const T* const* ar, const T* const* brow, T* const* cr, std::size_t j0, __mmask8 cm,
             T alpha, Prefetch& pf) {
  using V = Vec<T>;
  typename V::R acc[MR][NR];
#pragma GCC unroll 12
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 8
    for (int r = 0; r < NR; ++r) acc[i][r] = V::zero();
  std::size_t k = 0;
  auto step = [&](typename V::M m) __attribute__((always_inline)) {
    pf.next();
    pf.next();
    typename V::R a[MR];
#pragma GCC unroll 12
    for (int i = 0; i < MR; ++i) a[i] = V::load(m, ar[i] + k);
#pragma GCC unroll 8
    for (int r = 0; r < NR; ++r) {
      typename V::R b = V::load(m, brow[r] + k);
      asm("" : "+v"(b));  // keep b in a register: folded into each FMA it would be loaded MR times
#pragma GCC unroll 12
      for (int i = 0; i < MR; ++i) acc[i][r] = V::fma(a[i], b, acc[i][r]);
    }
  };
  const typename V::M full = V::mask(V::W, 0);
  for (; k + V::W <= K; k += V::W) step(full);
  if (k < K) step(V::mask(K, k));
#pragma GCC unroll 12
  for (int i = 0; i < MR; ++i) {
    typename V::R r8[8];
#pragma GCC unroll 8
    for (int r = 0; r < 8; ++r) r8[r] = r < NR ? acc[i][r] : V::zero();
    V::reduce8_store(r8, alpha, cr[i] + j0, cm);
  }
}

// All rows of C against NR rows of B, in row blocks of at most 24 / NR (the registers).
template <class T, int NR>
void nt_rows(const NNArgs<T>& p, const T* const* brow, std::size_t j0, __mmask8 cm, Prefetch& pf) {
  constexpr int mr = NR >= 8 ? 3 : NR == 4 ? 6 : 12;
  const T* ar[mr];
  T* cr[mr];
  for (std::size_t i0 = 0; i0 < p.m; i0 += mr) {
    const std::size_t rows = p.m - i0 < std::size_t(mr) ? p.m - i0 : mr;
    for (std::size_t i = 0; i < rows; ++i) {
      ar[i] = p.arow(i0 + i);
      cr[i] = p.crow(i0 + i);
    }
    switch (rows) {
#define MINDSET_NT(R) \
  case R: if (R <= mr) nt_tile<T, (R <= mr ? R : 1), NR>(p.k, ar, brow, cr, j0, cm, p.alpha, pf); break;
      MINDSET_NT(1) MINDSET_NT(2) MINDSET_NT(3) MINDSET_NT(4) MINDSET_NT(5) MINDSET_NT(6)
      MINDSET_NT(7) MINDSET_NT(8) MINDSET_NT(9) MINDSET_NT(10) MINDSET_NT(11) MINDSET_NT(12)
#undef MINDSET_NT
      default: break;
    }
  }
}

// Blocks [begin, end) of 8 rows of B (8 columns of C; fewer when B has fewer rows), all rows
// of C.
template <class T>
void nt_chunk(void* ctx, std::size_t begin, std::size_t end) {
  const NNArgs<T>& p = *static_cast<const NNArgs<T>*>(ctx);
  for (std::size_t t = begin; t < end; ++t) {
    const std::size_t j0 = t * 8, have = p.n - j0 < 8 ? p.n - j0 : 8;
    const T* brow[8];
    for (std::size_t r = 0; r < 8; ++r) brow[r] = p.b + (j0 + (r < have ? r : have - 1)) * p.ldb;
    const __mmask8 cm = static_cast<__mmask8>((1u << have) - 1);
    // The next block of 8 rows of B, fetched while this one is computed.
    const std::size_t next = (t + 1) * 8, next_rows = t + 1 < end ? (p.n - next < 8 ? p.n - next : 8) : 0;
    Prefetch pf(p.b + next * p.ldb, p.k * sizeof(T), p.ldb * sizeof(T), next_rows);
    if (p.n > 4) nt_rows<T, 8>(p, brow, j0, cm, pf);  // B's rows decide NR: the same for every block
    else if (p.n > 2) nt_rows<T, 4>(p, brow, j0, cm, pf);
    else if (p.n == 2) nt_rows<T, 2>(p, brow, j0, cm, pf);
    else nt_rows<T, 1>(p, brow, j0, cm, pf);
  }
}

template <class T>
void run_product(NNArgs<T>& p, bool tb) {
  const double flops = 2.0 * double(p.m) * double(p.n) * double(p.k);
  if (!tb) {
    const std::size_t tiles = (p.n + 2 * Vec<T>::W - 1) / (2 * Vec<T>::W);
    mindset::simd::detail::parallel_for(tiles, flops, &nn_chunk<T>, &p, true);
  } else {
    mindset::simd::detail::parallel_for((p.n + 7) / 8, flops, &nt_chunk<T>, &p, false);
  }
}

template <class T>
bool gemm_avx512(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, T alpha, const T* a, std::size_t lda,
                 const T* b, std::size_t ldb, T* c, std::size_t ldc) {
  if ((ta && tb) || m == 0 || n == 0 || k == 0) return false;
  NNArgs<T> p{ta, m, n, k, alpha, a, lda, b, ldb, c, ldc};
  run_product(p, tb);
  return true;
}

template <class T>
bool gemm_rows_avx512(bool tb, std::size_t m, std::size_t n, std::size_t k, T alpha, const T* const* ar, const T* b,
                      std::size_t ldb, T* const* cr) {
  if (m == 0 || n == 0 || k == 0) return false;
  NNArgs<T> p{false, m, n, k, alpha, nullptr, 0, b, ldb, nullptr, 0, ar, cr};
  run_product(p, tb);
  return true;
}

}  // namespace
