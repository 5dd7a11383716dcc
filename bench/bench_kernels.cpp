// Google Benchmark: the kernels of the training loop, each beside what it replaces.
//   Gemm/<form>/<M>/<N>/<K>  simd.hpp's kernels; Blas/... the same product through OpenBLAS
//   Activation/<g>/<units>/<m>  bias + activation in one pass
//   Exp, Log, Tanh: simd vs libm per element
// Build: scripts/bench.sh (CMake option MINDSET_BUILD_BENCHMARKS); not part of ctest.
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <cmath>
#include <random>
#include <vector>

#include "simd.hpp"

using namespace mindset;

namespace {

template <class T>
std::vector<T> random_vector(std::size_t n, double lo, double hi) {
  std::mt19937_64 g(42);
  std::uniform_real_distribution<double> u(lo, hi);
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(u(g));
  return v;
}

// form: 0 NN (Z = W X), 1 NT (dW = dZ X^T), 2 TN (dA = W^T dZ). Args: form, M, N, K.
template <class T>
void product(benchmark::State& state, bool blas) {
  const int form = static_cast<int>(state.range(0));
  const std::size_t m = state.range(1), n = state.range(2), k = state.range(3);
  const bool ta = form == 2, tb = form == 1;
  auto a = random_vector<T>(m * k, -1, 1), b = random_vector<T>(k * n, 0, 1);
  std::vector<T> c(m * n);
  const std::size_t lda = ta ? m : k, ldb = tb ? k : n;
  for (auto _ : state) {
    if (blas || !simd::gemm(ta, tb, m, n, k, T(1), a.data(), lda, b.data(), ldb, c.data(), n)) {
      if constexpr (sizeof(T) == 8)
        cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, 1.0,
                    a.data(), lda, b.data(), ldb, 0.0, c.data(), n);
      else
        cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, 1.0f,
                    a.data(), lda, b.data(), ldb, 0.0f, c.data(), n);
    }
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.counters["GFLOPS"] = benchmark::Counter(2.0 * m * n * k, benchmark::Counter::kIsIterationInvariantRate,
                                                benchmark::Counter::kIs1000);
}

void shapes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"form", "M", "N", "K"});
  // catvnoncat L-layer: layer 1 forward and dW; layer 2 dA.
  b->Args({0, 20, 209, 12288})->Args({1, 20, 12288, 209})->Args({2, 20, 209, 7});
  // Eight runs of it fused (first layers stacked): 160 units.
  b->Args({0, 160, 209, 12288})->Args({1, 160, 12288, 209});
  // flower 2-4-1: forward, dW1, dA1.
  b->Args({0, 4, 400, 2})->Args({1, 4, 2, 400})->Args({2, 4, 400, 1});
  // MNIST 784-128-10, batches of 64.
  b->Args({0, 128, 64, 784})->Args({1, 128, 784, 64})->Args({2, 128, 64, 10});
  b->UseRealTime();
}

template <class T, bool kBlas>
void BM_Product(benchmark::State& s) {
  product<T>(s, kBlas);
}
BENCHMARK_TEMPLATE(BM_Product, double, false)->Name("Gemm/f64")->Apply(shapes);
BENCHMARK_TEMPLATE(BM_Product, double, true)->Name("Blas/f64")->Apply(shapes);
BENCHMARK_TEMPLATE(BM_Product, float, false)->Name("Gemm/f32")->Apply(shapes);
BENCHMARK_TEMPLATE(BM_Product, float, true)->Name("Blas/f32")->Apply(shapes);

void BM_Activation(benchmark::State& state) {
  const auto g = static_cast<simd::Act>(state.range(0));
  const std::size_t units = state.range(1), m = state.range(2);
  auto z = random_vector<double>(units * m, -4, 4), b = random_vector<double>(units, -0.1, 0.1);
  std::vector<double> zz = z, a(z.size());
  for (auto _ : state) {
    zz = z;
    simd::bias_activation<double>(g, 0.01, zz.data(), b.data(), a.data(), units, m);
    benchmark::DoNotOptimize(a.data());
  }
  state.SetItemsProcessed(state.iterations() * units * m);
}
BENCHMARK(BM_Activation)
    ->ArgNames({"act", "units", "m"})
    ->Args({static_cast<int>(simd::Act::tanh), 4, 400})
    ->Args({static_cast<int>(simd::Act::sigmoid), 1, 400})
    ->Args({static_cast<int>(simd::Act::relu), 20, 209})
    ->Args({static_cast<int>(simd::Act::tanh), 85, 400});

template <int kFn, bool kLibm>
void BM_Transcendental(benchmark::State& state) {
  auto x = random_vector<double>(4096, kFn == 1 ? 1e-6 : -20, kFn == 1 ? 1 : 20);
  std::vector<double> y(x.size());
  for (auto _ : state) {
    if (kLibm) {
      for (std::size_t i = 0; i < x.size(); ++i) y[i] = kFn == 0 ? std::exp(x[i]) : kFn == 1 ? std::log(x[i]) : std::tanh(x[i]);
    } else if (kFn == 0) {
      simd::exp(x.data(), y.data(), x.size());
    } else if (kFn == 1) {
      simd::log(x.data(), y.data(), x.size());
    } else {
      simd::tanh(x.data(), y.data(), x.size());
    }
    benchmark::DoNotOptimize(y.data());
  }
  state.SetItemsProcessed(state.iterations() * x.size());
}
BENCHMARK_TEMPLATE(BM_Transcendental, 0, false)->Name("Exp/simd");
BENCHMARK_TEMPLATE(BM_Transcendental, 0, true)->Name("Exp/libm");
BENCHMARK_TEMPLATE(BM_Transcendental, 1, false)->Name("Log/simd");
BENCHMARK_TEMPLATE(BM_Transcendental, 1, true)->Name("Log/libm");
BENCHMARK_TEMPLATE(BM_Transcendental, 2, false)->Name("Tanh/simd");
BENCHMARK_TEMPLATE(BM_Transcendental, 2, true)->Name("Tanh/libm");

}  // namespace
