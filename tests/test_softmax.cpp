// Softmax, categorical cross-entropy and mse: values against numpy (tests/reference/softmax.txt
// from tests/reference/make_softmax.py), gradient checks (with L2), and the validation of
// output/loss pairings.
#define BOOST_TEST_MODULE softmax
#include <cmath>

#include "config.hpp"
#include "gradient_check.hpp"
#include "network.hpp"
#include "testing.hpp"
#include "yaml_tree.hpp"

using namespace mindset;

namespace {

const std::vector<double>& expected(const std::string& label) {
  static const auto r = testing::read_reference("softmax.txt");
  auto it = r.find(label);
  BOOST_REQUIRE_MESSAGE(it != r.end(), "reference lacks " + label);
  return it->second;
}

Network<double> network(const std::string& layers, std::size_t n_in, std::size_t m, std::uint32_t seed = 2) {
  auto net = Network<double>::from_config(parse_yaml(layers, nullptr));
  net.build(n_in, m);
  NumpyRandom rng(seed);
  auto init = make_initializer(parse_yaml("{type: normal, scale: 0.8}", nullptr));
  net.initialize(*init, rng);
  return net;
}

// The config error for an experiment with this output layer and loss ("" when accepted).
std::string pairing_error(const std::string& output, const std::string& loss) {
  std::string text = "seed: 1\ndata: {train: {type: flower}}\nmodel: {layers: [{units: 4, activation: relu}, " + output +
                     "]}\nloss: " + loss + "\ntraining: {learning_rate: 0.1, iterations: 1}\n";
  try {
    resolve_experiment(parse_yaml(text, std::make_shared<std::string>("p.yaml")), "p.yaml", {});
  } catch (const UserError& e) {
    std::string s;
    for (const auto& d : e.diagnostics()) s += d.str() + "\n";
    return s;
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_CASE(softmax_and_cost_equal_numpy) {
  auto act = make_activation<double>(parse_yaml("softmax", nullptr));
  const auto& zr = expected("Z");
  Matrix<double> z(10, 7), a(10, 7);
  std::copy(zr.begin(), zr.end(), z.data());
  act->forward(z.view(), nullptr, a.view());
  const auto& expect = expected("A");
  // To an ulp or two: numpy's exp is SVML's on AVX-512 CPUs (see make_softmax.py).
  for (std::size_t i = 0; i < 70; ++i)
    BOOST_TEST_CONTEXT("A[" << i << "]") { BOOST_TEST(a.data()[i] == expect[i], boost::test_tools::tolerance(1e-15)); }

  auto loss = make_loss<double>(parse_yaml("categorical_cross_entropy", nullptr));
  Matrix<double> y(10, 7);
  loss->encode(expected("labels").data(), y.view());
  BOOST_TEST(y(3, 0) == 1.0);
  BOOST_TEST(y(0, 1) == 1.0);
  double colsum = 0;
  for (std::size_t i = 0; i < 10; ++i) colsum += y(i, 4);
  BOOST_TEST(colsum == 1.0);
  const double cost = loss->sum(z.view(), a.view(), y.view()) / 7.0;
  BOOST_TEST(cost == expected("cost")[0], boost::test_tools::tolerance(1e-14));
  // Accuracy by argmax: predictions are numpy's argmax.
  const auto& am = expected("argmax");
  double correct = 0;
  for (std::size_t j = 0; j < 7; ++j) {
    BOOST_TEST(loss->predict(a.view(), j) == am[j]);
    correct += am[j] == expected("labels")[j];
  }
  BOOST_TEST(loss->metric_sum(a.view(), y.view()) == correct);
}

BOOST_AUTO_TEST_CASE(cost_stays_finite_when_a_probability_underflows) {
  auto act = make_activation<double>(parse_yaml("softmax", nullptr));
  auto loss = make_loss<double>(parse_yaml("categorical_cross_entropy", nullptr));
  Matrix<double> z(3, 1), a(3, 1), y(3, 1);
  z(0, 0) = 0;
  z(1, 0) = 900;
  z(2, 0) = -900;
  act->forward(z.view(), nullptr, a.view());
  BOOST_TEST(a(1, 0) == 1.0);
  BOOST_TEST(a(2, 0) == 0.0);
  const double label = 2;
  loss->encode(&label, y.view());
  BOOST_TEST(-loss->sum(z.view(), a.view(), y.view()) == -1800.0, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(softmax_backward_is_its_jacobian) {
  auto act = make_activation<double>(parse_yaml("softmax", nullptr));
  Matrix<double> z(4, 2), a(4, 2), da(4, 2), dz(4, 2), zp(4, 2), ap(4, 2);
  for (std::size_t i = 0; i < 8; ++i) z.data()[i] = std::sin(1.0 + i), da.data()[i] = std::cos(2.0 * i);
  act->forward(z.view(), nullptr, a.view());
  act->backward(z.view(), a.view(), da.view(), dz.view());
  const double h = 1e-6;
  for (std::size_t k = 0; k < 8; ++k) {
    auto f = [&](double d) {  // sum(dA * softmax(Z + d e_k))
      std::copy(z.data(), z.data() + 8, zp.data());
      zp.data()[k] += d;
      act->forward(zp.view(), nullptr, ap.view());
      double s = 0;
      for (std::size_t i = 0; i < 8; ++i) s += da.data()[i] * ap.data()[i];
      return s;
    };
    BOOST_TEST(dz.data()[k] == (f(h) - f(-h)) / (2 * h), boost::test_tools::tolerance(1e-7));
  }
}

BOOST_AUTO_TEST_CASE(gradient_checks_with_l2) {
  xt::xtensor<double, 2> x = {{0.5, -1.0, 2.0, 0.1, -0.3}, {1.5, 0.3, -0.7, 0.9, -1.1}, {0.2, 0.4, -0.6, 0.8, 1.0}};
  struct Case {
    std::string layers, loss;
    std::vector<double> labels;
  };
  const std::vector<Case> cases = {
      {"[{type: dense, units: 4, activation: tanh}, {type: dense, units: 3, activation: softmax}]",
       "categorical_cross_entropy", {0, 2, 1, 1, 2}},
      {"[{type: dense, units: 4, activation: relu}, {type: dense, units: 1, activation: sigmoid}]",
       "binary_cross_entropy", {1, 0, 0, 1, 1}},
      {"[{type: dense, units: 4, activation: tanh}, {type: dense, units: 1, activation: linear}]", "mse",
       {0.3, -1.2, 2.5, 0.0, 0.7}},
  };
  for (const auto& c : cases) {
    auto net = network(c.layers, 3, 5);
    auto loss = make_loss<double>(parse_yaml(c.loss, nullptr));
    const std::size_t units = net.output_size();
    xt::xtensor<double, 2> y = xt::zeros<double>({units, std::size_t(5)});
    loss->encode(c.labels.data(), view_of(y));
    for (double l2 : {0.0, 0.5}) {
      auto g = testing::check_gradients(net, *loss, x, y, l2);
      BOOST_TEST(g.max_relative_error < 1e-6, c.loss << " l2 " << l2 << ": " << g.max_relative_error);
    }
  }
}

BOOST_AUTO_TEST_CASE(mse_reports_rmse) {
  auto loss = make_loss<double>(parse_yaml("mse", nullptr));
  BOOST_TEST(loss->metric() == "rmse");
  BOOST_TEST(loss->fused_activation() == "linear");
  Matrix<double> a(1, 4), y(1, 4), dz(1, 4);
  const double av[4] = {1, 2, 3, 4}, yv[4] = {1, 0, 3, 8};
  std::copy(av, av + 4, a.data());
  loss->encode(yv, y.view());
  BOOST_TEST(loss->sum(a.view(), a.view(), y.view()) == 20.0);  // 0 + 4 + 0 + 16
  BOOST_TEST(loss->metric_value(loss->metric_sum(a.view(), y.view()), 4) == std::sqrt(5.0));
  loss->gradient_dz(a.view(), y.view(), dz.view());
  BOOST_TEST(dz(0, 1) == 4.0);
  BOOST_TEST(dz(0, 3) == -8.0);
  const double bad = NAN;
  BOOST_TEST(loss->check_labels(&bad, 1, 1).find("finite") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(pairings_are_validated_with_the_right_advice) {
  BOOST_TEST(pairing_error("{units: 3, activation: softmax}", "categorical_cross_entropy") == "");
  BOOST_TEST(pairing_error("{units: 1, activation: linear}", "mse") == "");
  std::string e = pairing_error("{units: 3, activation: softmax}", "binary_cross_entropy");
  BOOST_TEST(e.find("p.yaml:3:") == 0, e);
  BOOST_TEST(e.find("model.layers[1]") != std::string::npos, e);
  BOOST_TEST(e.find("categorical_cross_entropy") != std::string::npos, e);
  e = pairing_error("{units: 1, activation: sigmoid}", "categorical_cross_entropy");
  BOOST_TEST(e.find("binary_cross_entropy") != std::string::npos, e);
  e = pairing_error("{units: 10, activation: relu}", "categorical_cross_entropy");
  BOOST_TEST(e.find("activation: softmax") != std::string::npos, e);
  e = pairing_error("{units: 3, activation: softmax}", "mse");
  BOOST_TEST(e.find("categorical_cross_entropy") != std::string::npos, e);
  e = pairing_error("{units: 2, activation: linear}", "mse");
  BOOST_TEST(e.find("1 unit") != std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(labels_are_checked_against_the_classes) {
  auto loss = make_loss<double>(parse_yaml("categorical_cross_entropy", nullptr));
  const double ok[3] = {0, 2, 1}, big[2] = {0, 3}, frac[1] = {1.5}, neg[1] = {-1};
  BOOST_TEST(loss->check_labels(ok, 3, 3) == "");
  std::string e = loss->check_labels(big, 2, 3);
  BOOST_TEST(e.find("0..2") != std::string::npos, e);
  BOOST_TEST(e.find("example 1 has 3") != std::string::npos, e);
  BOOST_TEST(e.find("one unit per class") != std::string::npos, e);
  BOOST_TEST(!loss->check_labels(frac, 1, 3).empty());
  BOOST_TEST(!loss->check_labels(neg, 1, 3).empty());
}
