// Matrices and kernels shared by the layers.
//
// Parameters (W, b, dW, db) are xt::xtensor<T, 2> with a fixed shape. Activations change their
// number of columns with the batch (the last mini-batch of an epoch is smaller), so they live in
// a Matrix: storage reserved once for the largest batch, reshaped in place without allocating.
// Matrix products go to BLAS (OpenBLAS through cblas), with transposes passed as flags rather
// than materialised.
#pragma once

#include <cblas.h>

#include <array>
#include <cassert>
#include <cstddef>
#include <vector>

#include <xtensor/xadapt.hpp>
#include <xtensor/xtensor.hpp>

#include "simd.hpp"

namespace mindset {

// A non-owning row-major rows x cols view (contiguous rows).
template <class T>
struct View {
  T* data = nullptr;
  std::size_t rows = 0, cols = 0;

  std::size_t size() const { return rows * cols; }
  T* row(std::size_t i) const { return data + i * cols; }
  T& operator()(std::size_t i, std::size_t j) const { return data[i * cols + j]; }
  operator View<const T>() const { return {data, rows, cols}; }
};

template <class T>
using CView = View<const T>;

template <class T>
View<T> view_of(xt::xtensor<T, 2>& a) {
  return {a.data(), a.shape()[0], a.shape()[1]};
}
template <class T>
CView<T> view_of(const xt::xtensor<T, 2>& a) {
  return {a.data(), a.shape()[0], a.shape()[1]};
}

// Owning storage with a fixed capacity and a shape that may change within it.
template <class T>
class Matrix {
 public:
  Matrix() = default;
  Matrix(std::size_t rows, std::size_t cols) { resize(rows, cols); }

  // Allocates only when the capacity grows (setup time, never in the training loop).
  void reserve(std::size_t n) {
    if (n > storage_.size()) storage_.resize(n);
  }
  void resize(std::size_t rows, std::size_t cols) {
    reserve(rows * cols);
    reshape(rows, cols);
  }
  // Never allocates: the new shape must fit the reserved capacity.
  void reshape(std::size_t rows, std::size_t cols) {
    assert(rows * cols <= storage_.size());
    rows_ = rows;
    cols_ = cols;
  }

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  std::size_t size() const { return rows_ * cols_; }
  std::size_t capacity() const { return storage_.size(); }
  T* data() { return storage_.data(); }
  const T* data() const { return storage_.data(); }
  T& operator()(std::size_t i, std::size_t j) { return storage_[i * cols_ + j]; }
  const T& operator()(std::size_t i, std::size_t j) const { return storage_[i * cols_ + j]; }

  View<T> view() { return {data(), rows_, cols_}; }
  CView<T> view() const { return {data(), rows_, cols_}; }
  // An xtensor expression over the current shape, for code that wants xtensor's algebra.
  auto xt() {
    return xt::adapt(data(), size(), xt::no_ownership(), std::array<std::size_t, 2>{rows_, cols_});
  }

 private:
  std::vector<T> storage_;
  std::size_t rows_ = 0, cols_ = 0;
};

// C = alpha * op(A) * op(B) + beta * C, all row-major. op(X) is X or its transpose. The
// products a dense layer makes (beta = 0) go to the kernels of simd.hpp where they apply (small
// and skinny shapes on AVX-512 CPUs), the rest to BLAS.
inline void gemm(bool trans_a, bool trans_b, std::size_t m, std::size_t n, std::size_t k,
                 double alpha, const double* a, std::size_t lda, const double* b, std::size_t ldb,
                 double beta, double* c, std::size_t ldc) {
  if (beta == 0.0 && simd::gemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, c, ldc)) return;
  cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
              static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), alpha, a,
              static_cast<int>(lda), b, static_cast<int>(ldb), beta, c, static_cast<int>(ldc));
}
inline void gemm(bool trans_a, bool trans_b, std::size_t m, std::size_t n, std::size_t k,
                 float alpha, const float* a, std::size_t lda, const float* b, std::size_t ldb,
                 float beta, float* c, std::size_t ldc) {
  if (beta == 0.0f && simd::gemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, c, ldc)) return;
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
              static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), alpha, a,
              static_cast<int>(lda), b, static_cast<int>(ldb), beta, c, static_cast<int>(ldc));
}

// C = alpha * op(A) * op(B) + beta * C on views; op(A) is m x k, op(B) is k x n, C is m x n.
template <class T>
void gemm(bool trans_a, bool trans_b, T alpha, CView<T> a, CView<T> b, T beta, View<T> c) {
  std::size_t m = trans_a ? a.cols : a.rows, k = trans_a ? a.rows : a.cols;
  std::size_t n = trans_b ? b.rows : b.cols;
  assert((trans_b ? b.cols : b.rows) == k && c.rows == m && c.cols == n);
  gemm(trans_a, trans_b, m, n, k, alpha, a.data, a.cols, b.data, b.cols, beta, c.data, c.cols);
}

// numpy's float sum, bit for bit: pairwise summation (8-way unrolled blocks of at most 128)
// within chunks of 8192 elements, the chunks added left to right. With it, db and the cost are
// the numbers numpy code computes from the same inputs.
template <class T>
T pairwise_sum(const T* x, std::size_t n, std::size_t stride = 1) {
  if (n < 8) {
    T res = 0;
    for (std::size_t i = 0; i < n; ++i) res += x[i * stride];
    return res;
  }
  if (n <= 128) {
    T r[8];
    for (std::size_t j = 0; j < 8; ++j) r[j] = x[j * stride];
    std::size_t i = 8;
    for (; i < n - (n % 8); i += 8)
      for (std::size_t j = 0; j < 8; ++j) r[j] += x[(i + j) * stride];
    T res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += x[i * stride];
    return res;
  }
  std::size_t n2 = n / 2;
  n2 -= n2 % 8;
  return pairwise_sum(x, n2, stride) + pairwise_sum(x + n2 * stride, n - n2, stride);
}

// numpy's sum of f(0), ..., f(n-1) as np.sum(f(x)) computes it from the array of values:
// the same pairwise blocks, with the values computed on the fly instead of stored.
template <class T, class F>
T pairwise_sum_of(F f, std::size_t start, std::size_t n) {
  if (n < 8) {
    T res = 0;
    for (std::size_t i = 0; i < n; ++i) res += f(start + i);
    return res;
  }
  if (n <= 128) {
    T r[8];
    for (std::size_t j = 0; j < 8; ++j) r[j] = f(start + j);
    std::size_t i = 8;
    for (; i < n - (n % 8); i += 8)
      for (std::size_t j = 0; j < 8; ++j) r[j] += f(start + i + j);
    T res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += f(start + i);
    return res;
  }
  std::size_t n2 = n / 2;
  n2 -= n2 % 8;
  return pairwise_sum_of<T>(f, start, n2) + pairwise_sum_of<T>(f, start + n2, n - n2);
}

template <class T, class F>
T numpy_sum_of(F f, std::size_t n) {
  constexpr std::size_t chunk = 8192;
  T total = 0;
  for (std::size_t start = 0; start < n; start += chunk)
    total += pairwise_sum_of<T>(f, start, n - start < chunk ? n - start : chunk);
  return total;
}

template <class T>
T numpy_sum(const T* x, std::size_t n, std::size_t stride = 1) {
  constexpr std::size_t chunk = 8192;  // numpy's ufunc buffer size
  T total = 0;
  for (std::size_t start = 0; start < n; start += chunk) {
    std::size_t len = n - start < chunk ? n - start : chunk;
    total += pairwise_sum(x + start * stride, len, stride);
  }
  return total;
}

}  // namespace mindset
