// The fast kernels (layers/simd.hpp): exp, log and tanh within their stated ulps of the exact
// values, the AVX-512 and portable builds giving the same bits, matrix products against a
// long-double reference for every shape class and both types, results independent of the
// thread count, and the fused activations and optimiser updates equal to their scalar formulas.
#define BOOST_TEST_MODULE simd
#include <cblas.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "simd.hpp"
#include "simd_table.hpp"

using namespace mindset;

namespace {

// |got - want| in units of the last place of want (the exact value, from long double).
double ulps(double got, long double want) {
  const double w = static_cast<double>(want);
  if (std::isnan(got) || std::isnan(w)) return std::isnan(got) && std::isnan(w) ? 0 : 1e300;
  if (std::isinf(w) || std::isinf(got)) return got == w ? 0 : 1e300;
  const double u = w == 0 ? 4.9406564584124654e-324 : std::nextafter(std::fabs(w), INFINITY) - std::fabs(w);
  return static_cast<double>(std::fabs(static_cast<long double>(got) - want) / u);
}

std::vector<double> uniform(std::size_t n, double lo, double hi, unsigned seed) {
  std::mt19937_64 g(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  std::vector<double> x(n);
  for (auto& v : x) v = u(g);
  return x;
}

template <class F, class R>
double worst_ulps(F f, R ref, double lo, double hi, unsigned seed) {
  auto x = uniform(200000, lo, hi, seed);
  std::vector<double> y(x.size());
  f(x.data(), y.data(), x.size());
  double worst = 0;
  for (std::size_t i = 0; i < x.size(); ++i) worst = std::max(worst, ulps(y[i], ref(static_cast<long double>(x[i]))));
  return worst;
}

const simd::detail::Table* avx512() { return simd::detail::avx512_table(); }

}  // namespace

BOOST_AUTO_TEST_CASE(exp_log_tanh_within_their_ulps) {
  auto e = [](const double* x, double* y, std::size_t n) { simd::exp(x, y, n); };
  auto l = [](const double* x, double* y, std::size_t n) { simd::log(x, y, n); };
  auto t = [](const double* x, double* y, std::size_t n) { simd::tanh(x, y, n); };
  auto ex = [](long double v) { return expl(v); };
  auto lx = [](long double v) { return logl(v); };
  auto tx = [](long double v) { return tanhl(v); };
  BOOST_TEST(worst_ulps(e, ex, -1, 1, 1) <= 1.0);
  BOOST_TEST(worst_ulps(e, ex, -745, 709.7, 2) <= 1.0);
  BOOST_TEST(worst_ulps(e, ex, -745.1, -708, 3) <= 1.0);  // subnormal results round once
  BOOST_TEST(worst_ulps(l, lx, 1e-300, 1e300, 4) <= 1.0);
  BOOST_TEST(worst_ulps(l, lx, 0.5, 2, 5) <= 1.0);
  BOOST_TEST(worst_ulps(l, lx, 0, 1e-310, 6) <= 1.0);  // subnormal inputs
  BOOST_TEST(worst_ulps(t, tx, -1, 1, 7) <= 3.0);
  BOOST_TEST(worst_ulps(t, tx, -25, 25, 8) <= 3.0);
  BOOST_TEST(worst_ulps(t, tx, -1e-9, 1e-9, 9) <= 1.5);
}

BOOST_AUTO_TEST_CASE(special_values) {
  const double inf = INFINITY, nan = NAN;
  std::vector<double> x = {0.0, -0.0, inf, -inf, nan, 1000, -1000, 4.9e-324}, y(x.size());
  simd::exp(x.data(), y.data(), x.size());
  BOOST_TEST(y[0] == 1.0);
  BOOST_TEST(y[2] == inf);
  BOOST_TEST(y[3] == 0.0);
  BOOST_TEST(std::isnan(y[4]));
  BOOST_TEST(y[5] == inf);
  BOOST_TEST(y[6] == 0.0);
  simd::log(x.data(), y.data(), x.size());
  BOOST_TEST(y[0] == -inf);
  BOOST_TEST(y[2] == inf);
  BOOST_TEST(std::isnan(y[3]));
  BOOST_TEST(std::isnan(y[4]));
  BOOST_TEST(y[7] == std::log(4.9e-324));
  simd::tanh(x.data(), y.data(), x.size());
  BOOST_TEST((y[0] == 0.0 && !std::signbit(y[0])));
  BOOST_TEST((y[1] == 0.0 && std::signbit(y[1])));
  BOOST_TEST(y[2] == 1.0);
  BOOST_TEST(y[3] == -1.0);
  BOOST_TEST(std::isnan(y[4]));  // NaN must reach the cost: divergence is detected there
  BOOST_TEST(y[7] == 4.9e-324);
}

BOOST_AUTO_TEST_CASE(float32_is_computed_in_double_and_rounded_once) {
  auto x = uniform(10000, -20, 20, 11);
  std::vector<float> xf(x.begin(), x.end()), yf(x.size());
  simd::tanh(xf.data(), yf.data(), xf.size());
  for (std::size_t i = 0; i < xf.size(); ++i)
    BOOST_TEST(std::fabs(yf[i] - static_cast<float>(std::tanh(static_cast<double>(xf[i])))) <=
               std::nextafter(std::fabs(yf[i]), INFINITY) - std::fabs(yf[i]));
}

BOOST_AUTO_TEST_CASE(both_builds_give_the_same_bits) {
  if (!avx512()) return;  // nothing to compare on this machine
  const auto& a = avx512()->d;
  const auto& g = simd::detail::generic_table()->d;
  auto x = uniform(4099, -30, 30, 12);
  std::vector<double> ya(x.size()), yg(x.size());
  for (auto fn : {&simd::detail::Ops<double>::exp, &simd::detail::Ops<double>::tanh}) {
    (a.*fn)(x.data(), ya.data(), x.size());
    (g.*fn)(x.data(), yg.data(), x.size());
    BOOST_TEST(std::memcmp(ya.data(), yg.data(), x.size() * sizeof(double)) == 0);
  }
  auto p = uniform(4099, 1e-9, 1, 13);
  a.log(p.data(), ya.data(), p.size());
  g.log(p.data(), yg.data(), p.size());
  BOOST_TEST(std::memcmp(ya.data(), yg.data(), p.size() * sizeof(double)) == 0);
  // Optimiser updates, Adam with its sqrt and divisions.
  auto w = uniform(1003, -1, 1, 14), gr = uniform(1003, -1, 1, 15);
  std::vector<double> v1(1003, 0.1), s1(1003, 0.2), v2 = v1, s2 = s1, o1(1003), o2(1003);
  simd::UpdateScalars<double> c{0.01, 0.9, 0.1, 0.999, 0.001, 1e-8, 0.1, 0.001, true};
  a.update_adam(w.data(), gr.data(), v1.data(), s1.data(), nullptr, o1.data(), w.size(), c);
  g.update_adam(w.data(), gr.data(), v2.data(), s2.data(), nullptr, o2.data(), w.size(), c);
  BOOST_TEST(o1 == o2, boost::test_tools::per_element());
  BOOST_TEST(s1 == s2, boost::test_tools::per_element());
}

namespace {

// C = alpha op(A) op(B) in long double; the bound on the error of any summation order.
template <class T>
void check_gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, unsigned seed) {
  auto av = uniform(m * k, -1, 1, seed), bv = uniform(k * n, -1, 1, seed + 1);
  std::vector<T> a(av.begin(), av.end()), b(bv.begin(), bv.end()), c(m * n, T(7));
  const std::size_t lda = ta ? m : k, ldb = tb ? k : n;
  const T alpha = T(0.37);
  if (!simd::gemm(ta, tb, m, n, k, alpha, a.data(), lda, b.data(), ldb, c.data(), n)) return;  // BLAS's case
  const double eps = std::is_same<T, float>::value ? 6e-8 : 1.2e-16;
  double worst = 0;
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      long double sum = 0, mag = 0;
      for (std::size_t p = 0; p < k; ++p) {
        const long double x = ta ? a[p * lda + i] : a[i * lda + p], y = tb ? b[j * ldb + p] : b[p * ldb + j];
        sum += x * y;
        mag += std::fabs(static_cast<double>(x * y));
      }
      const double err = static_cast<double>(std::fabs(c[i * n + j] - static_cast<long double>(alpha) * sum));
      worst = std::max(worst, err / (static_cast<double>(mag) * static_cast<double>(alpha) * eps * double(k + 2)));
    }
  BOOST_TEST(worst <= 1.0, (ta ? "T" : "N") << (tb ? "T" : "N") << " " << m << "x" << n << "x" << k);
}

}  // namespace

BOOST_AUTO_TEST_CASE(matrix_products_for_every_shape_class) {
  // The dense layers' shapes: units x examples, tails of every length, K blocked (NN past 256).
  const std::size_t shapes[][3] = {{1, 1, 1},    {1, 209, 12},  {20, 209, 300}, {4, 400, 2},   {13, 17, 1},
                                   {7, 33, 5},   {25, 3, 700},  {128, 64, 77},  {3, 31, 1025}, {12, 16, 8},
                                   {24, 48, 257}, {1, 2, 3000}, {2, 1, 9},      {3, 6, 50},    {5, 7, 19},
                                   {6, 5, 8},     {30, 4, 33}};
  unsigned seed = 100;
  for (const auto& s : shapes)
    for (int form = 0; form < 3; ++form) {
      const bool ta = form == 2, tb = form == 1;
      check_gemm<double>(ta, tb, s[0], s[1], s[2], seed++);
      check_gemm<float>(ta, tb, s[0], s[1], s[2], seed++);
    }
}

BOOST_AUTO_TEST_CASE(results_do_not_depend_on_the_thread_count) {
  const std::size_t m = 20, n = 209, k = 4000;
  auto av = uniform(m * k, -1, 1, 21), bv = uniform(k * n, -1, 1, 22), dz = uniform(m * n, -1, 1, 23);
  std::vector<double> z1(m * n), z2(m * n), w1(m * k), w2(m * k);
  const int before = openblas_get_num_threads();
  openblas_set_num_threads(1);
  const bool nn = simd::gemm(false, false, m, n, k, 1.0, av.data(), k, bv.data(), n, z1.data(), n);
  const bool nt = simd::gemm(false, true, m, k, n, 1.0 / n, dz.data(), n, bv.data(), n, w1.data(), k);
  openblas_set_num_threads(2);
  simd::gemm(false, false, m, n, k, 1.0, av.data(), k, bv.data(), n, z2.data(), n);
  simd::gemm(false, true, m, k, n, 1.0 / n, dz.data(), n, bv.data(), n, w2.data(), k);
  openblas_set_num_threads(before);
  if (nn) BOOST_TEST(std::memcmp(z1.data(), z2.data(), z1.size() * sizeof(double)) == 0);
  if (nt) BOOST_TEST(std::memcmp(w1.data(), w2.data(), w1.size() * sizeof(double)) == 0);
}

BOOST_AUTO_TEST_CASE(fused_bias_and_activations) {
  // Z += b per row, then g; sigmoid below -700 as e^z / (1 + e^z).
  std::vector<double> z = {-800, -701, -1, 0, 0.5, 3, 20, 750}, a(z.size());
  const double b[] = {0.0};
  std::vector<double> zc = z;
  simd::bias_activation<double>(simd::Act::sigmoid, 0, zc.data(), b, a.data(), 1, z.size());
  for (std::size_t j = 0; j < z.size(); ++j) {
    const long double want = 1.0L / (1.0L + expl(-static_cast<long double>(z[j])));
    BOOST_TEST(ulps(a[j], want) <= 2.0, "sigmoid(" << z[j] << ") = " << a[j]);
  }
  BOOST_TEST(a[0] == 0.0);  // e^-800 is below the smallest subnormal
  BOOST_TEST(a[1] > 0.0);   // e^-701: 1/(1 + e^701) would overflow to 0, the value is kept
  std::vector<float> zf = {-2.0f, -0.0f, 1.5f, 3.0f}, af(4);
  const float bf[] = {0.5f, -1.0f};
  simd::bias_activation<float>(simd::Act::leaky_relu, 0.25f, zf.data(), bf, af.data(), 2, 2);
  BOOST_TEST(zf == (std::vector<float>{-1.5f, 0.5f, 0.5f, 2.0f}), boost::test_tools::per_element());
  BOOST_TEST(af == (std::vector<float>{-0.375f, 0.5f, 0.5f, 2.0f}), boost::test_tools::per_element());
  std::vector<double> zr = {NAN, -1, 2}, ar(3);
  simd::bias_activation<double>(simd::Act::relu, 0, zr.data(), nullptr, ar.data(), 1, 3);
  BOOST_TEST(ar == (std::vector<double>{0, 0, 2}), boost::test_tools::per_element());  // z > 0 ? z : 0
}

BOOST_AUTO_TEST_CASE(optimiser_updates_equal_the_scalar_formulas) {
  for (std::size_t n : {1u, 7u, 8u, 9u, 100u}) {
    auto w = uniform(n, -1, 1, 30 + n), g = uniform(n, -1, 1, 40 + n);
    std::vector<double> v(n, 0.3), s(n, 0.4), out(n);
    simd::UpdateScalars<double> c{0.05, 0.9, 1.0 - 0.9, 0.999, 1.0 - 0.999, 1e-8, 0.271, 0.0059, true};
    std::vector<double> vw = v, sw = s, ow(n);
    for (std::size_t i = 0; i < n; ++i) {
      vw[i] = c.beta1 * vw[i] + c.one_minus1 * g[i];
      sw[i] = c.beta2 * sw[i] + c.one_minus2 * (g[i] * g[i]);
      const double vh = vw[i] / c.corr1, sh = sw[i] / c.corr2;
      ow[i] = w[i] - c.lr * vh / (std::sqrt(sh) + c.eps);
    }
    // Into the gradient buffer, as the trainer calls it.
    std::vector<double> gbuf = g;
    BOOST_TEST(simd::update_adam(w.data(), gbuf.data(), v.data(), s.data(), static_cast<double*>(nullptr), gbuf.data(), n, c));
    BOOST_TEST(gbuf == ow, boost::test_tools::per_element());
    BOOST_TEST(v == vw, boost::test_tools::per_element());
    // gd in place, and non-finite results reported.
    std::vector<double> wp = w;
    BOOST_TEST(simd::update_gd(wp.data(), g.data(), static_cast<double*>(nullptr), wp.data(), n, c));
    for (std::size_t i = 0; i < n; ++i) BOOST_TEST(wp[i] == w[i] - c.lr * g[i]);
    std::vector<double> gi = g;
    gi[n - 1] = INFINITY;
    BOOST_TEST(!simd::update_gd(w.data(), gi.data(), static_cast<double*>(nullptr), out.data(), n, c));
  }
}

BOOST_AUTO_TEST_CASE(float32_updates_are_compensated) {
  // 10000 gd steps of 1e-8 on a weight of 1.0f: each step is below half an ulp of 1 (6e-8), so
  // plain float32 never moves; with Kahan's compensation the sum reaches 1 - 1e-4 as in float64.
  const std::size_t n = 11;  // one block of 8 and a tail of 3
  std::vector<float> w(n, 1.0f), g(n, 1e-8f), comp(n, 0.0f), plain(n, 1.0f);
  simd::UpdateScalars<float> c{};
  c.lr = 1.0f;
  for (int it = 0; it < 10000; ++it) {
    BOOST_REQUIRE(simd::update_gd(w.data(), g.data(), comp.data(), w.data(), n, c));
    BOOST_REQUIRE(simd::update_gd(plain.data(), g.data(), static_cast<float*>(nullptr), plain.data(), n, c));
  }
  const double want = 1.0 - 10000 * static_cast<double>(1e-8f);
  for (std::size_t i = 0; i < n; ++i) {
    BOOST_TEST(plain[i] == 1.0f);
    BOOST_TEST(std::fabs(static_cast<double>(w[i]) - want) <= 6e-8, "w[" << i << "] = " << w[i]);
  }
}

BOOST_AUTO_TEST_CASE(cross_entropy_terms) {
  // y log a + (1 - y) log(1 - a); from z where a is exactly 0 or 1 (finite where log(0) is not).
  std::vector<double> z = {0.3, -2, 40, -800, 800}, a = {0.574442516811659, 0.11920292202211755, 1.0, 0.0, 1.0};
  std::vector<double> y = {1, 0, 0, 1, 1}, t(5);
  simd::bce_terms(z.data(), a.data(), y.data(), t.data(), 5);
  BOOST_TEST(std::fabs(t[0] - std::log(a[0])) <= 1e-16);
  BOOST_TEST(std::fabs(t[1] - std::log(1 - a[1])) <= 1e-16);
  BOOST_TEST(t[2] == -(40 + std::exp(-40.0)), boost::test_tools::tolerance(1e-15));
  BOOST_TEST(t[3] == -800.0);
  BOOST_TEST(t[4] == 0.0);
}

BOOST_AUTO_TEST_CASE(grouped_rows_give_the_bits_of_separate_products) {
  // Two networks' first layers (20 and 7 units) against one X: Z = W X and dW = (1/m) dZ X^T as
  // one product over row pointers, equal bit for bit to the two products made separately.
  const std::size_t n = 300, m = 209, u1 = 20, u2 = 7;
  auto x = uniform(n * m, 0, 1, 50), w1 = uniform(u1 * n, -1, 1, 51), w2 = uniform(u2 * n, -1, 1, 52);
  auto dz1 = uniform(u1 * m, -1, 1, 53), dz2 = uniform(u2 * m, -1, 1, 54);
  std::vector<double> z1(u1 * m), z2(u2 * m), g1(u1 * m), g2(u2 * m);
  std::vector<double> d1(u1 * n), d2(u2 * n), e1(u1 * n), e2(u2 * n);
  if (!simd::gemm(false, false, u1, m, n, 1.0, w1.data(), n, x.data(), m, z1.data(), m)) return;  // BLAS machine
  simd::gemm(false, false, u2, m, n, 1.0, w2.data(), n, x.data(), m, z2.data(), m);
  simd::gemm(false, true, u1, n, m, 1.0 / m, dz1.data(), m, x.data(), m, d1.data(), n);
  simd::gemm(false, true, u2, n, m, 1.0 / m, dz2.data(), m, x.data(), m, d2.data(), n);
  std::vector<const double*> a, dz;
  std::vector<double*> c, dw;
  for (std::size_t i = u2; i-- > 0;) a.push_back(w2.data() + i * n), c.push_back(g2.data() + i * m);  // any order
  for (std::size_t i = 0; i < u1; ++i) a.push_back(w1.data() + i * n), c.push_back(g1.data() + i * m);
  for (std::size_t i = 0; i < u1; ++i) dz.push_back(dz1.data() + i * m), dw.push_back(e1.data() + i * n);
  for (std::size_t i = 0; i < u2; ++i) dz.push_back(dz2.data() + i * m), dw.push_back(e2.data() + i * n);
  BOOST_REQUIRE(simd::gemm_rows(false, u1 + u2, m, n, 1.0, a.data(), x.data(), m, c.data()));
  BOOST_REQUIRE(simd::gemm_rows(true, u1 + u2, n, m, 1.0 / m, dz.data(), x.data(), m, dw.data()));
  BOOST_TEST(std::memcmp(g1.data(), z1.data(), z1.size() * sizeof(double)) == 0);
  BOOST_TEST(std::memcmp(g2.data(), z2.data(), z2.size() * sizeof(double)) == 0);
  BOOST_TEST(std::memcmp(e1.data(), d1.data(), d1.size() * sizeof(double)) == 0);
  BOOST_TEST(std::memcmp(e2.data(), d2.data(), d2.size() * sizeof(double)) == 0);
}
