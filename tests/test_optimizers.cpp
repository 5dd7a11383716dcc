// Optimisers: each against numpy implementations of the same update, bit for bit
// (tests/reference/optimizers.txt from tests/reference/make_optimizers.py), on a quadratic bowl,
// and their checkpointable state.
#define BOOST_TEST_MODULE optimizers
#include <cmath>

#include "optimizer.hpp"
#include "testing.hpp"
#include "yaml_tree.hpp"

using namespace mindset;

namespace {

const std::vector<double>& expected(const std::string& label) {
  static const auto r = testing::read_reference("optimizers.txt");
  auto it = r.find(label);
  BOOST_REQUIRE_MESSAGE(it != r.end(), "reference lacks " + label);
  return it->second;
}

template <class T>
xt::xtensor<T, 2> matrix(const std::vector<double>& v, std::size_t rows, std::size_t cols) {
  BOOST_REQUIRE_EQUAL(v.size(), rows * cols);
  xt::xtensor<T, 2> a = xt::xtensor<T, 2>::from_shape({rows, cols});
  std::copy(v.begin(), v.end(), a.begin());
  return a;
}

template <class T>
std::unique_ptr<Optimizer<T>> optimizer(const std::string& flow) {
  return make_optimizer<T>(parse_yaml(flow, nullptr));
}

// The configs whose updates make_optimizers.py computed, by label.
const std::vector<std::pair<std::string, std::string>> kConfigs = {
    {"gd", "{type: gd}"},
    {"momentum", "{type: momentum, beta: 0.9}"},
    {"nesterov", "{type: momentum, beta: 0.8, nesterov: true}"},
    {"rmsprop", "{type: rmsprop, beta: 0.9, epsilon: 1.0e-8}"},
    {"adam", "{type: adam}"},
    {"adam_raw", "{type: adam, beta1: 0.8, beta2: 0.99, epsilon: 1.0e-7, bias_correction: false}"},
};
double learning_rate(const std::string& label) {
  if (label == "gd" || label == "momentum" || label == "nesterov") return 0.1;
  return label == "adam_raw" ? 0.02 : 0.01;
}

}  // namespace

BOOST_AUTO_TEST_CASE(updates_equal_numpy_bit_for_bit) {
  for (const auto& [label, flow] : kConfigs) {
    BOOST_TEST_CONTEXT(label) {
      xt::xtensor<double, 2> W = matrix<double>(expected("init_W"), 3, 4), b = matrix<double>(expected("init_b"), 3, 1);
      xt::xtensor<double, 2> dW = xt::zeros<double>({3, 4}), db = xt::zeros<double>({3, 1});
      std::vector<Param<double>> params = {{"layer_1/W", &W, &dW, true}, {"layer_1/b", &b, &db, false}};
      auto opt = optimizer<double>(flow);
      opt->setup(params);
      for (int k = 0; k < 5; ++k) {
        dW = matrix<double>(expected("grad" + std::to_string(k) + "_W"), 3, 4);
        db = matrix<double>(expected("grad" + std::to_string(k) + "_b"), 3, 1);
        opt->step(params, learning_rate(label));
        const auto& eW = expected(label + "_step" + std::to_string(k) + "_W");
        const auto& eb = expected(label + "_step" + std::to_string(k) + "_b");
        for (std::size_t i = 0; i < 12; ++i) BOOST_TEST(W.data()[i] == eW[i], "W[" << i << "] step " << k);
        for (std::size_t i = 0; i < 3; ++i) BOOST_TEST(b.data()[i] == eb[i], "b[" << i << "] step " << k);
      }
      BOOST_TEST(opt->steps() == 5);
    }
  }
}

BOOST_AUTO_TEST_CASE(float32_follows_float64) {
  for (const auto& [label, flow] : kConfigs) {
    xt::xtensor<float, 2> W = matrix<float>(expected("init_W"), 3, 4), b = matrix<float>(expected("init_b"), 3, 1);
    xt::xtensor<float, 2> dW, db;
    std::vector<Param<float>> params = {{"W", &W, &dW, true}, {"b", &b, &db, false}};
    auto opt = optimizer<float>(flow);
    opt->setup(params);
    for (int k = 0; k < 5; ++k) {
      dW = matrix<float>(expected("grad" + std::to_string(k) + "_W"), 3, 4);
      db = matrix<float>(expected("grad" + std::to_string(k) + "_b"), 3, 1);
      opt->step(params, static_cast<float>(learning_rate(label)));
    }
    const auto& eW = expected(label + "_step4_W");
    for (std::size_t i = 0; i < 12; ++i)
      BOOST_TEST_CONTEXT(label << " W[" << i << "]") {
        BOOST_TEST(static_cast<double>(W.data()[i]) == eW[i], boost::test_tools::tolerance(1e-4));
      }
  }
}

// f(w) = 1/2 sum a_i w_i^2 (condition number 20): every optimiser reaches the minimum at 0.
BOOST_AUTO_TEST_CASE(quadratic_bowl) {
  const std::vector<std::pair<std::string, double>> runs = {
      {"{type: gd}", 0.09},
      {"{type: momentum, beta: 0.9}", 0.09},
      {"{type: momentum, beta: 0.9, nesterov: true}", 0.09},
      {"{type: rmsprop}", 0.01},
      {"{type: adam}", 0.05},
  };
  const double a[4] = {1.0, 4.0, 10.0, 20.0};
  for (const auto& [flow, lr] : runs) {
    xt::xtensor<double, 2> w = {{3.0, -2.0, 1.5, -1.0}}, g = xt::zeros<double>({1, 4});
    std::vector<Param<double>> params = {{"w", &w, &g, true}};
    auto opt = optimizer<double>(flow);
    opt->setup(params);
    const auto f = [&] { double s = 0; for (int i = 0; i < 4; ++i) s += 0.5 * a[i] * w(0, i) * w(0, i); return s; };
    const double f0 = f();
    for (int it = 0; it < 2000; ++it) {
      for (int i = 0; i < 4; ++i) g(0, i) = a[i] * w(0, i);
      opt->step(params, lr);
    }
    BOOST_TEST_CONTEXT(flow) {
      BOOST_TEST(f() < 1e-4 * f0);
      for (int i = 0; i < 4; ++i) BOOST_TEST(std::abs(w(0, i)) < 0.02);
    }
  }
}

BOOST_AUTO_TEST_CASE(state_is_named_per_parameter_and_restorable) {
  xt::xtensor<double, 2> W = matrix<double>(expected("init_W"), 3, 4), b = matrix<double>(expected("init_b"), 3, 1);
  xt::xtensor<double, 2> dW = matrix<double>(expected("grad0_W"), 3, 4), db = matrix<double>(expected("grad0_b"), 3, 1);
  std::vector<Param<double>> params = {{"layer_1/W", &W, &dW, true}, {"layer_1/b", &b, &db, false}};
  auto opt = optimizer<double>("{type: adam}");
  opt->setup(params);
  auto st = opt->state();
  std::vector<std::string> names;
  for (auto& [n, a] : st) names.push_back(n);
  BOOST_TEST(names == (std::vector<std::string>{"layer_1/W/v", "layer_1/b/v", "layer_1/W/s", "layer_1/b/s"}),
             boost::test_tools::per_element());
  BOOST_TEST(st[0].second->shape()[1] == 4u);
  opt->step(params, 0.01);
  opt->step(params, 0.01);
  // A second optimiser given the first one's state and step count continues identically.
  xt::xtensor<double, 2> W2 = W, b2 = b;
  std::vector<Param<double>> params2 = {{"layer_1/W", &W2, &dW, true}, {"layer_1/b", &b2, &db, false}};
  auto opt2 = optimizer<double>("{type: adam}");
  opt2->setup(params2);
  auto st2 = opt2->state();
  for (std::size_t i = 0; i < st.size(); ++i) *st2[i].second = *st[i].second;
  opt2->set_steps(opt->steps());
  opt->step(params, 0.01);
  opt2->step(params2, 0.01);
  BOOST_TEST(W == W2);
  BOOST_TEST(b == b2);
  BOOST_TEST(optimizer<double>("gd")->state().empty());
}

BOOST_AUTO_TEST_CASE(registered_with_options) {
  const auto& reg = OptimizerRegistry::instance();
  for (const char* n : {"gd", "momentum", "rmsprop", "adam"}) BOOST_TEST(reg.find(n) != nullptr, n);
  BOOST_TEST(reg.info("adam").options.find_field("beta2") != nullptr);
  BOOST_TEST(reg.info("momentum").options.find_field("nesterov") != nullptr);
  BOOST_TEST(optimizer<double>("{type: momentum, beta: 0.5, nesterov: true}")->attributes().get_bool("nesterov"));
  BOOST_CHECK_THROW(reg.factory("adma"), UnknownName);
  try {
    reg.factory("adma");
  } catch (const UnknownName& e) {
    BOOST_TEST(std::string(e.what()).find("adam") != std::string::npos);
  }
}
