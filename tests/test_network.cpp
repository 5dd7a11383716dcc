// Finite-difference gradient checks of whole networks (float64, central differences):
// relative error ||g - g_num|| / (||g|| + ||g_num||) < 1e-7 for 1-, 2- and 4-layer networks,
// every activation in hidden layers, and both the fused (sigmoid + cross-entropy: dZ = A - Y)
// and the unfused (dJ/dA through the output activation's derivative) output paths.
#define BOOST_TEST_MODULE network
#include <cmath>

#include "network.hpp"
#include "optimizer.hpp"
#include "testing.hpp"
#include "validate.hpp"
#include "yaml_tree.hpp"

using namespace mindset;

namespace {

const std::vector<std::string> kActivations = {"sigmoid", "tanh", "relu", "leaky_relu", "linear"};

ConfigNode layers(const std::string& text) {
  Diagnostics diags;
  Spec s = spec::list(spec::object("layer", "", "dense").map_only());
  ConfigNode out = validate(parse_yaml(text, nullptr), s, "model.layers", diags);
  if (!diags.empty()) BOOST_FAIL(diags.list()[0].str());
  return out;
}

// Binary cross-entropy that does not fuse with the sigmoid: the network must then take
// gradient_da and the sigmoid's own derivative. Everything else is the registered loss's.
class UnfusedCrossEntropy : public Loss<double> {
 public:
  UnfusedCrossEntropy() : bce_(make_loss<double>(ConfigNode::scalar("binary_cross_entropy"))) {}
  std::string name() const override { return "unfused_bce"; }
  std::string long_name() const override { return bce_->long_name(); }
  std::string fused_activation() const override { return "(none)"; }
  std::string check_output(const std::string& a, std::size_t u) const override { return bce_->check_output(a, u); }
  std::string check_labels(const double* y, std::size_t m, std::size_t u) const override {
    return bce_->check_labels(y, m, u);
  }
  void encode(const double* y, View<double> Y) const override { bce_->encode(y, Y); }
  double sum(CView<double> z, CView<double> a, CView<double> y) const override { return bce_->sum(z, a, y); }
  void gradient_da(CView<double> a, CView<double> y, View<double> da) const override { bce_->gradient_da(a, y, da); }
  double metric_sum(CView<double> a, CView<double> y) const override { return bce_->metric_sum(a, y); }
  double predict(CView<double> a, std::size_t j) const override { return bce_->predict(a, j); }

 private:
  std::unique_ptr<Loss<double>> bce_;
};

// (1/2) sum (a - y)^2: a loss for outputs of any activation (tanh, linear, relu, ...), never fused.
class HalfSquaredError : public Loss<double> {
 public:
  std::string name() const override { return "half_squared_error"; }
  std::string long_name() const override { return "half squared error"; }
  std::string fused_activation() const override { return "(none)"; }
  std::string check_output(const std::string&, std::size_t) const override { return ""; }
  std::string check_labels(const double*, std::size_t, std::size_t) const override { return ""; }
  void encode(const double* y, View<double> Y) const override { std::copy(y, y + Y.size(), Y.data); }
  double sum(CView<double>, CView<double> a, CView<double> y) const override {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i) s += 0.5 * (a.data[i] - y.data[i]) * (a.data[i] - y.data[i]);
    return s;
  }
  void gradient_da(CView<double> a, CView<double> y, View<double> da) const override {
    for (std::size_t i = 0; i < a.size(); ++i) da.data[i] = a.data[i] - y.data[i];
  }
  double metric_sum(CView<double>, CView<double>) const override { return 0; }
  double predict(CView<double> a, std::size_t j) const override { return a.data[j]; }
};

struct Problem {
  Network<double> net;
  xt::xtensor<double, 2> x, y;
};

// A network on m = 7 random examples of 4 features, with random (nonzero) biases so that db
// and every activation's region matter.
Problem make_problem(const std::string& layer_yaml, std::uint32_t seed, bool real_targets = false) {
  Problem p{Network<double>::from_config(layers(layer_yaml)), {}, {}};
  const std::size_t n = 4, m = 7;
  p.net.build(n, m);
  NumpyRandom rng(seed);
  p.net.initialize(*make_initializer(parse_yaml("{type: normal, scale: 0.8}", nullptr)), rng);
  for (const auto& prm : p.net.parameters())
    if (!prm.is_weight)
      for (double& b : *prm.value) b = 0.5 * rng.standard_normal();
  const std::size_t out = p.net.output_size();
  p.x = xt::zeros<double>({n, m});
  for (double& v : p.x) v = rng.standard_normal();
  p.y = xt::zeros<double>({out, m});
  for (double& v : p.y) v = real_targets ? rng.standard_normal() : (rng.random_sample() < 0.5 ? 0.0 : 1.0);
  return p;
}

double cost(Problem& p, const Loss<double>& loss) {
  CView<double> a = p.net.forward(view_of(p.x), ForwardMode{});
  const double m = static_cast<double>(p.x.shape()[1]);
  return loss.sum(p.net.layer(p.net.size() - 1).pre_activation(), a, view_of(p.y)) / m;
}

struct Check {
  double relative_error;
  std::vector<double> grad;
};

// Backprop's gradient of every parameter against central differences of the cost.
Check gradient_check(Problem& p, const Loss<double>& loss) {
  p.net.forward(view_of(p.x), ForwardMode{});
  p.net.backward(view_of(p.x), loss, view_of(p.y));
  std::vector<double> g, g_num;
  for (const auto& prm : p.net.parameters()) g.insert(g.end(), prm.grad->begin(), prm.grad->end());
  const double h = 1e-6;
  for (const auto& prm : p.net.parameters())
    for (double& theta : *prm.value) {
      const double keep = theta;
      theta = keep + h;
      const double up = cost(p, loss);
      theta = keep - h;
      const double down = cost(p, loss);
      theta = keep;
      g_num.push_back((up - down) / (2 * h));
    }
  double diff = 0, ng = 0, nn = 0;
  for (std::size_t i = 0; i < g.size(); ++i) {
    diff += (g[i] - g_num[i]) * (g[i] - g_num[i]);
    ng += g[i] * g[i];
    nn += g_num[i] * g_num[i];
  }
  BOOST_REQUIRE(ng > 0);  // a check of all-zero gradients would prove nothing
  return {std::sqrt(diff) / (std::sqrt(ng) + std::sqrt(nn)), g};
}

std::string hidden(const std::string& activation, int units) {
  return "{units: " + std::to_string(units) + ", activation: " + activation + "}";
}

void expect_close(const std::string& what, double err) {
  BOOST_TEST(err < 1e-7, what << ": relative error " << err);
  BOOST_TEST_MESSAGE(what << ": relative error " << err);
}

}  // namespace

BOOST_AUTO_TEST_CASE(one_layer_logistic_regression_fused) {
  auto loss = make_loss<double>(ConfigNode::scalar("binary_cross_entropy"));
  Problem p = make_problem("[{units: 1, activation: sigmoid}]", 1);
  expect_close("1 layer, sigmoid + bce (fused)", gradient_check(p, *loss).relative_error);
}

BOOST_AUTO_TEST_CASE(one_layer_unfused) {
  UnfusedCrossEntropy loss;
  Problem p = make_problem("[{units: 1, activation: sigmoid}]", 1);
  expect_close("1 layer, sigmoid + bce (unfused)", gradient_check(p, loss).relative_error);
}

BOOST_AUTO_TEST_CASE(fused_and_unfused_paths_agree) {
  auto fused = make_loss<double>(ConfigNode::scalar("binary_cross_entropy"));
  UnfusedCrossEntropy unfused;
  Problem a = make_problem("[" + hidden("tanh", 5) + ", {units: 1, activation: sigmoid}]", 4);
  Problem b = make_problem("[" + hidden("tanh", 5) + ", {units: 1, activation: sigmoid}]", 4);
  std::vector<double> ga = gradient_check(a, *fused).grad, gb = gradient_check(b, unfused).grad;
  BOOST_REQUIRE_EQUAL(ga.size(), gb.size());
  for (std::size_t i = 0; i < ga.size(); ++i) BOOST_TEST(std::abs(ga[i] - gb[i]) < 1e-13);
}

BOOST_AUTO_TEST_CASE(two_layers_every_hidden_activation) {
  auto fused = make_loss<double>(ConfigNode::scalar("binary_cross_entropy"));
  UnfusedCrossEntropy unfused;
  std::uint32_t seed = 10;
  for (const auto& act : kActivations) {
    const std::string net = "[" + hidden(act, 5) + ", {units: 1, activation: sigmoid}]";
    Problem p = make_problem(net, ++seed);
    expect_close("2 layers, hidden " + act + ", fused output", gradient_check(p, *fused).relative_error);
    Problem q = make_problem(net, ++seed);
    expect_close("2 layers, hidden " + act + ", unfused output", gradient_check(q, unfused).relative_error);
  }
}

BOOST_AUTO_TEST_CASE(four_layers_every_hidden_activation) {
  auto fused = make_loss<double>(ConfigNode::scalar("binary_cross_entropy"));
  UnfusedCrossEntropy unfused;
  std::uint32_t seed = 100;
  for (const auto& act : kActivations) {
    // The activation under test in every hidden layer...
    const std::string same = "[" + hidden(act, 5) + ", " + hidden(act, 4) + ", " + hidden(act, 3) +
                             ", {units: 1, activation: sigmoid}]";
    Problem p = make_problem(same, ++seed);
    expect_close("4 layers, hidden " + act + " x3, fused", gradient_check(p, *fused).relative_error);
    Problem q = make_problem(same, ++seed);
    expect_close("4 layers, hidden " + act + " x3, unfused", gradient_check(q, unfused).relative_error);
  }
  // ...and all of them mixed in one network.
  Problem mixed = make_problem("[" + hidden("relu", 6) + ", {units: 5, activation: {type: leaky_relu, slope: 0.2}}, " +
                                   hidden("tanh", 4) + ", " + hidden("linear", 3) + ", " + hidden("sigmoid", 3) +
                                   ", {units: 1, activation: sigmoid}]",
                               7);
  expect_close("6 layers, mixed", gradient_check(mixed, *fused).relative_error);
}

BOOST_AUTO_TEST_CASE(unfused_outputs_of_every_activation) {
  // Non-sigmoid outputs, several units, through dJ/dA and the output activation's derivative.
  HalfSquaredError loss;
  std::uint32_t seed = 200;
  for (const auto& act : kActivations) {
    Problem one = make_problem("[{units: 2, activation: " + act + "}]", ++seed, true);
    expect_close("1 layer, " + act + " output, squared error", gradient_check(one, loss).relative_error);
    Problem four = make_problem("[" + hidden("tanh", 5) + ", " + hidden("relu", 4) + ", " + hidden("sigmoid", 3) +
                                    ", {units: 2, activation: " + act + "}]",
                                ++seed, true);
    expect_close("4 layers, " + act + " output, squared error", gradient_check(four, loss).relative_error);
  }
}

BOOST_AUTO_TEST_CASE(parameters_are_named_per_layer) {
  Problem p = make_problem("[" + hidden("relu", 3) + ", {units: 1, activation: sigmoid}]", 1);
  std::vector<std::string> names;
  for (const auto& prm : p.net.parameters()) names.push_back(prm.name);
  const std::vector<std::string> want = {"layer_1/W", "layer_1/b", "layer_2/W", "layer_2/b"};
  BOOST_TEST(names == want, boost::test_tools::per_element());
  BOOST_TEST(p.net.parameter_count() == 3u * 4 + 3 + 1 * 3 + 1);
  BOOST_TEST(p.net.output_size() == 1u);
  BOOST_TEST(p.net.input_size() == 4u);
}

BOOST_AUTO_TEST_CASE(gd_step_is_w_minus_alpha_dw) {
  auto loss = make_loss<double>(ConfigNode::scalar("binary_cross_entropy"));
  Problem p = make_problem("[" + hidden("tanh", 3) + ", {units: 1, activation: sigmoid}]", 3);
  p.net.forward(view_of(p.x), ForwardMode{});
  p.net.backward(view_of(p.x), *loss, view_of(p.y));
  std::vector<double> before, grads;
  for (const auto& prm : p.net.parameters()) {
    before.insert(before.end(), prm.value->begin(), prm.value->end());
    grads.insert(grads.end(), prm.grad->begin(), prm.grad->end());
  }
  auto gd = make_optimizer<double>(ConfigNode::scalar("gd"));
  gd->setup(p.net.parameters());
  gd->step(p.net.parameters(), 0.25);
  std::size_t i = 0;
  for (const auto& prm : p.net.parameters())
    for (double v : *prm.value) {
      BOOST_TEST(v == before[i] - 0.25 * grads[i]);
      ++i;
    }
  BOOST_TEST(gd->steps() == 1);
  // A step down the gradient lowers the cost.
  const double c0 = [&] {
    Problem q = make_problem("[" + hidden("tanh", 3) + ", {units: 1, activation: sigmoid}]", 3);
    return cost(q, *loss);
  }();
  BOOST_TEST(cost(p, *loss) < c0);
}

BOOST_AUTO_TEST_CASE(rejects_inputs_that_do_not_fit) {
  Problem p = make_problem("[{units: 1, activation: sigmoid}]", 1);
  xt::xtensor<double, 2> wrong = xt::zeros<double>({3, 7});
  BOOST_CHECK_THROW(p.net.forward(view_of(wrong), ForwardMode{}), std::logic_error);
  xt::xtensor<double, 2> too_many = xt::zeros<double>({4, 8});
  BOOST_CHECK_THROW(p.net.forward(view_of(too_many), ForwardMode{}), std::logic_error);
}
