// Fast kernels for the training loop: small and skinny matrix products, bias + activation in one
// pass, and vectorised exp/log/tanh. Two builds of the same code sit behind this header: one for
// CPUs with AVX-512 (F, DQ, BW, VL) and a portable one, chosen once at startup
// (MINDSET_SIMD=generic forces the portable one).
//
// Accuracy: exp and log are fdlibm's algorithms (< 1 ulp), tanh is -expm1(-2|x|)/(2 + expm1(-2|x|))
// (within 3 ulp), all evaluated lane by lane without fused multiply-adds, so both builds give the
// same bits. float32 inputs are computed in double and rounded once.
//
// Matrix products: C = alpha op(A) op(B) with register-tiled AVX-512 kernels that read A and B in
// place (no packing), split across threads only by output blocks, so every element is the same
// sequence of operations whatever the thread count: results do not depend on it.
#pragma once

#include <cstddef>

namespace mindset {
namespace simd {

// "avx512" or "generic".
const char* isa();

// C = alpha * op(A) * op(B), row-major (beta = 0). Returns false when these kernels do not
// handle the case (no AVX-512, both operands transposed): the caller then uses BLAS.
bool gemm(bool trans_a, bool trans_b, std::size_t m, std::size_t n, std::size_t k, double alpha,
          const double* a, std::size_t lda, const double* b, std::size_t ldb, double* c, std::size_t ldc);
bool gemm(bool trans_a, bool trans_b, std::size_t m, std::size_t n, std::size_t k, float alpha,
          const float* a, std::size_t lda, const float* b, std::size_t ldb, float* c, std::size_t ldc);

// The same products (NN, or NT with trans_b) for rows of A and C given as pointers: several
// networks' weights and outputs against one B (sweep fusion reads X once for all of them). Each
// element is computed exactly as gemm() computes it. False when not handled (no AVX-512).
bool gemm_rows(bool trans_b, std::size_t m, std::size_t n, std::size_t k, double alpha, const double* const* a_rows,
               const double* b, std::size_t ldb, double* const* c_rows);
bool gemm_rows(bool trans_b, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* const* a_rows,
               const float* b, std::size_t ldb, float* const* c_rows);

// Threads the matrix kernels may use: OpenBLAS's setting (openblas_set_num_threads; sweeps pin
// it to 1 in their worker processes), so one knob governs both.
int threads();

enum class Act { linear, relu, leaky_relu, sigmoid, tanh };

// Z (rows x cols) += bias (one value per row; none if null), then A = g(Z). relu and leaky_relu
// are z > 0 ? z : 0 (or slope * z); sigmoid is 1 / (1 + exp(-z)).
template <class T>
void bias_activation(Act g, T slope, T* z, const T* bias, T* a, std::size_t rows, std::size_t cols);
// dZ = dA * g'(Z) from Z and A = g(Z) (n elements; dz may alias da).
template <class T>
void activation_backward(Act g, T slope, const T* z, const T* a, const T* da, T* dz, std::size_t n);

// out[j] = y log a + (1 - y) log(1 - a), the binary cross-entropy terms, or from z where a has
// saturated to exactly 0 or 1: y log_sigmoid(z) + (1 - y) log_sigmoid(-z).
template <class T>
void bce_terms(const T* z, const T* a, const T* y, T* out, std::size_t n);

// Optimiser updates, elementwise and in the order the optimisers' formulas state (gd.cpp,
// momentum.cpp, rmsprop.cpp, adam.cpp): out may be w itself or g (the trainer writes new values
// into the gradient buffer). comp (or null): a compensation array, the step then added with
// Kahan's summation (float32 parameters). Each returns whether every new value is finite.
template <class T>
struct UpdateScalars {
  T lr, beta1, one_minus1, beta2, one_minus2, eps, corr1, corr2;
  bool flag;  // momentum: nesterov; adam: bias correction
};
template <class T>
bool update_gd(const T* w, const T* g, T* comp, T* out, std::size_t n, const UpdateScalars<T>& c);
template <class T>
bool update_momentum(const T* w, const T* g, T* v, T* comp, T* out, std::size_t n, const UpdateScalars<T>& c);
template <class T>
bool update_rmsprop(const T* w, const T* g, T* s, T* comp, T* out, std::size_t n, const UpdateScalars<T>& c);
template <class T>
bool update_adam(const T* w, const T* g, T* v, T* s, T* comp, T* out, std::size_t n, const UpdateScalars<T>& c);

// Elementwise functions (out may alias x).
template <class T>
void exp(const T* x, T* out, std::size_t n);
template <class T>
void log(const T* x, T* out, std::size_t n);
template <class T>
void tanh(const T* x, T* out, std::size_t n);

}  // namespace simd
}  // namespace mindset
