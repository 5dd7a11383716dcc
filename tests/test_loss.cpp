// binary_cross_entropy: the plain formula in the normal range, finite when a saturates, numpy's
// summation, the fused and unfused gradients, and its checks of outputs and labels.
#define BOOST_TEST_MODULE loss
#include <cmath>

#include "loss.hpp"
#include "random.hpp"
#include "testing.hpp"

using namespace mindset;

namespace {

std::unique_ptr<Loss<double>> bce() { return make_loss<double>(ConfigNode::scalar("binary_cross_entropy")); }

double sigmoid(double z) { return 1 / (1 + std::exp(-z)); }

// sum() over one row of m examples.
template <class T>
T loss_sum(const Loss<T>& l, std::vector<T> z, std::vector<T> a, std::vector<T> y) {
  return l.sum(CView<T>{z.data(), 1, z.size()}, CView<T>{a.data(), 1, a.size()}, CView<T>{y.data(), 1, y.size()});
}

// -(y log a + (1 - y) log(1 - a)): one example's loss, as the course writes it.
double plain(double a, double y) { return -(y * std::log(a) + (1 - y) * std::log(1 - a)); }

struct Batch {
  std::vector<double> z, a, y;
};
Batch random_batch(std::size_t m, double range, std::uint32_t seed) {
  NumpyRandom rng(seed);
  Batch b;
  for (std::size_t j = 0; j < m; ++j) {
    b.z.push_back(range * (2 * rng.random_sample() - 1));
    b.a.push_back(sigmoid(b.z.back()));
    b.y.push_back(rng.random_sample() < 0.5 ? 0.0 : 1.0);
  }
  return b;
}

}  // namespace

BOOST_AUTO_TEST_CASE(names) {
  auto l = bce();
  BOOST_TEST(l->name() == "binary_cross_entropy");
  BOOST_TEST(l->fused_activation() == "sigmoid");
  BOOST_TEST(l->metric() == "accuracy");
  BOOST_TEST(!l->long_name().empty());
}

BOOST_AUTO_TEST_CASE(equals_the_plain_formula_in_the_normal_range) {
  auto l = bce();
  for (std::size_t m : {1u, 7u, 209u, 20000u}) {  // 20000 > 8192: several of numpy's summation blocks
    Batch b = random_batch(m, 15.0, static_cast<std::uint32_t>(m));
    double plain_sum = 0;
    for (std::size_t j = 0; j < m; ++j) plain_sum += plain(b.a[j], b.y[j]);
    const double cost = loss_sum(*l, b.z, b.a, b.y) / static_cast<double>(m);
    const double want = plain_sum / static_cast<double>(m);
    BOOST_TEST(std::abs(cost - want) <= 1e-12 * std::max(1.0, want), "m = " << m << ": " << cost << " vs " << want);
  }
}

BOOST_AUTO_TEST_CASE(sums_terms_exactly_as_numpy_sum_does) {
  // The terms are the plain formula's; their total is numpy's pairwise sum, bit for bit.
  auto l = bce();
  for (std::size_t m : {5u, 100u, 1000u, 8192u, 8193u, 20000u}) {
    Batch b = random_batch(m, 8.0, 99);
    std::vector<double> terms(m);
    for (std::size_t j = 0; j < m; ++j) terms[j] = b.y[j] * std::log(b.a[j]) + (1 - b.y[j]) * std::log(1 - b.a[j]);
    BOOST_TEST(loss_sum(*l, b.z, b.a, b.y) == -numpy_sum(terms.data(), m), "m = " << m);
  }
}

BOOST_AUTO_TEST_CASE(numpy_sum_is_numpys_pairwise_sum) {
  // tests/reference/numpy_random.txt: np.sum(1 / np.arange(1, n + 1)) and np.sum(np.arange(n) * 0.1).
  auto ref = testing::read_reference("numpy_random.txt");
  for (std::size_t n : {100u, 1000u, 20000u}) {
    std::vector<double> inv(n), tenth(n);
    for (std::size_t j = 0; j < n; ++j) {
      inv[j] = 1.0 / static_cast<double>(j + 1);
      tenth[j] = static_cast<double>(j) * 0.1;
    }
    const auto& want = ref.at("sum_" + std::to_string(n));
    BOOST_REQUIRE_EQUAL(want.size(), 2u);
    BOOST_TEST(numpy_sum(inv.data(), n) == want[0], "n = " << n);
    BOOST_TEST(numpy_sum(tenth.data(), n) == want[1], "n = " << n);
  }
}

BOOST_AUTO_TEST_CASE(finite_when_the_output_saturates) {
  auto l = bce();
  // a = sigmoid(+-800) is exactly 1 or 0, where the plain formula gives log(0). From Z:
  //   y = 1: -log sigmoid(z);  y = 0: -log(1 - sigmoid(z)) = -log sigmoid(-z).
  //   z = 800:  y = 1 -> log1p(e^-800) = 0;       y = 0 -> 800 + log1p(e^-800) = 800
  //   z = -800: y = 1 -> 800 + log1p(e^-800) = 800; y = 0 -> 0
  struct Case {
    double z, y, want;
  } cases[] = {{800, 1, 0}, {800, 0, 800}, {-800, 1, 800}, {-800, 0, 0}};
  for (const Case& c : cases) {
    const double a = sigmoid(c.z);
    BOOST_REQUIRE(a == 0.0 || a == 1.0);
    const double got = loss_sum(*l, {c.z}, {a}, {c.y});
    BOOST_TEST(std::isfinite(got));
    BOOST_TEST(got == c.want, "z = " << c.z << ", y = " << c.y << ": " << got);
  }
  // z = 40: a rounds to exactly 1.0 although 1 - a = 4.2e-18; the loss for y = 0 is 40 + e^-40.
  BOOST_REQUIRE(sigmoid(40.0) == 1.0);
  BOOST_TEST(std::abs(loss_sum(*l, {40.0}, {1.0}, {0.0}) - (40 + std::exp(-40.0))) < 1e-12);
  // A whole batch with saturated and normal examples stays finite.
  const double mixed = loss_sum(*l, {-800, 800, 0.0}, {0.0, 1.0, 0.5}, {1.0, 1.0, 0.0});
  BOOST_TEST(std::abs(mixed - (800 + std::log(2.0))) < 1e-12);
}

BOOST_AUTO_TEST_CASE(finite_when_the_output_saturates_float32) {
  auto l = make_loss<float>(ConfigNode::scalar("binary_cross_entropy"));
  const float got = loss_sum<float>(*l, {-100.0f, 100.0f}, {0.0f, 1.0f}, {1.0f, 0.0f});
  BOOST_TEST(std::isfinite(got));
  BOOST_TEST(std::abs(got - 200.0f) < 1e-3f);
}

BOOST_AUTO_TEST_CASE(fused_gradient_is_a_minus_y) {
  auto l = bce();
  std::vector<double> a = {0.25, 0.75, 0.5, 1e-9}, y = {1, 0, 1, 0}, dz(4);
  l->gradient_dz(CView<double>{a.data(), 1, 4}, CView<double>{y.data(), 1, 4}, View<double>{dz.data(), 1, 4});
  BOOST_TEST(dz == (std::vector<double>{-0.75, 0.75, -0.5, 1e-9}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(gradient_da_matches_finite_differences) {
  // da = dJ/dA * m = d(loss of one example)/da, so with m = 1 a central difference of sum() in a.
  auto l = bce();
  const double h = 1e-7;
  for (double a : {0.03, 0.2, 0.5, 0.81, 0.97})
    for (double y : {0.0, 1.0}) {
      double da = 0;
      l->gradient_da(CView<double>{&a, 1, 1}, CView<double>{&y, 1, 1}, View<double>{&da, 1, 1});
      const double num = (loss_sum(*l, {0.0}, {a + h}, {y}) - loss_sum(*l, {0.0}, {a - h}, {y})) / (2 * h);
      BOOST_TEST(std::abs(da - num) <= 1e-7 * std::max(1.0, std::abs(num)), "a = " << a << ", y = " << y);
      // Through the sigmoid's derivative a (1 - a) the unfused gradient is the fused one, A - Y.
      BOOST_TEST(std::abs(da * a * (1 - a) - (a - y)) < 1e-14);
    }
}

BOOST_AUTO_TEST_CASE(check_output_wants_one_sigmoid_unit) {
  auto l = bce();
  BOOST_TEST(l->check_output("sigmoid", 1) == "");
  const std::string relu = l->check_output("relu", 1);
  BOOST_TEST(relu.find("binary_cross_entropy needs an output layer of 1 sigmoid unit") != std::string::npos, relu);
  BOOST_TEST(relu.find("found 1 relu unit ") != std::string::npos, relu);
  const std::string two = l->check_output("sigmoid", 2);
  BOOST_TEST(two.find("found 2 sigmoid units") != std::string::npos, two);
}

BOOST_AUTO_TEST_CASE(check_labels_wants_0_or_1) {
  auto l = bce();
  const std::vector<double> good = {0, 1, 1, 0};
  BOOST_TEST(l->check_labels(good.data(), good.size(), 1) == "");
  const std::vector<double> half = {0, 1, 0.5, 2};
  const std::string msg = l->check_labels(half.data(), half.size(), 1);
  BOOST_TEST(msg.find("labels must be 0 or 1") != std::string::npos, msg);
  BOOST_TEST(msg.find("example 2 has 0.5") != std::string::npos, msg);  // the first bad one
  const std::vector<double> negative = {-1};
  BOOST_TEST(l->check_labels(negative.data(), 1, 1).find("example 0 has -1") != std::string::npos);
  const std::vector<double> nan = {0, std::nan("")};
  BOOST_TEST(!l->check_labels(nan.data(), 2, 1).empty());
}

BOOST_AUTO_TEST_CASE(encode_metric_and_predict) {
  auto l = bce();
  const std::vector<double> labels = {0, 1, 1, 0};
  std::vector<double> Y(4);
  l->encode(labels.data(), View<double>{Y.data(), 1, 4});
  BOOST_TEST(Y == labels, boost::test_tools::per_element());
  // Predicted class: a > 0.5. a = [0.2, 0.7, 0.5, 0.9] -> [0, 1, 0, 1]; right on examples 0 and 1.
  std::vector<double> a = {0.2, 0.7, 0.5, 0.9};
  CView<double> av{a.data(), 1, 4};
  BOOST_TEST(l->metric_sum(av, CView<double>{Y.data(), 1, 4}) == 2.0);
  BOOST_TEST(l->metric_value(2.0, 4) == 0.5);
  BOOST_TEST(l->predict(av, 0) == 0.0);
  BOOST_TEST(l->predict(av, 1) == 1.0);
  BOOST_TEST(l->predict(av, 2) == 0.0);
}
