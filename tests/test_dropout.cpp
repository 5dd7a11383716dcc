// The dropout layer: masks drawn as numpy draws them (tests/reference/dropout.txt from
// tests/reference/make_dropout.py), inverted scaling forward and backward, the identity at
// evaluation, reproducible from the seed, and in a network.
#define BOOST_TEST_MODULE dropout
#include "layer.hpp"
#include "network.hpp"
#include "gradient_check.hpp"
#include "testing.hpp"
#include "yaml_tree.hpp"

using namespace mindset;

namespace {

const std::vector<double>& expected(const std::string& label) {
  static const auto r = testing::read_reference("dropout.txt");
  auto it = r.find(label);
  BOOST_REQUIRE_MESSAGE(it != r.end(), "reference lacks " + label);
  return it->second;
}

std::unique_ptr<Layer<double>> dropout(double rate) {
  return make_layer<double>(parse_yaml("{type: dropout, rate: " + std::to_string(rate) + "}", nullptr));
}

Matrix<double> matrix(const std::vector<double>& v, std::size_t rows, std::size_t cols) {
  Matrix<double> m(rows, cols);
  std::copy(v.begin(), v.end(), m.data());
  return m;
}

}  // namespace

BOOST_AUTO_TEST_CASE(masks_and_scaling_equal_numpy) {
  auto layer = dropout(0.3);
  layer->build(4, 6);
  BOOST_TEST(layer->output_size() == 4u);
  Matrix<double> A = matrix(expected("A"), 4, 6), dA = matrix(expected("dA"), 4, 6), dA_prev(4, 6);
  NumpyRandom rng(11);
  CView<double> out = layer->forward(A.view(), {true, &rng});
  const auto& expect = expected("out1");
  for (std::size_t i = 0; i < 24; ++i) BOOST_TEST(out.data[i] == expect[i], "out[" << i << "]");
  View<double> g = dA_prev.view();
  layer->backward(A.view(), dA.view(), false, &g);
  const auto& expect_grad = expected("dA_prev1");
  for (std::size_t i = 0; i < 24; ++i) BOOST_TEST(dA_prev.data()[i] == expect_grad[i], "dA_prev[" << i << "]");

  // The next pass, on a smaller batch, continues the stream as numpy does.
  Matrix<double> A3(4, 3);
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j < 3; ++j) A3(i, j) = A(i, j);
  out = layer->forward(A3.view(), {true, &rng});
  const auto& expect2 = expected("out2");
  for (std::size_t i = 0; i < 12; ++i) BOOST_TEST(out.data[i] == expect2[i], "out2[" << i << "]");
}

BOOST_AUTO_TEST_CASE(evaluation_and_rate_zero_draw_nothing) {
  Matrix<double> A = matrix(expected("A"), 4, 6);
  for (double rate : {0.3, 0.0}) {
    auto layer = dropout(rate);
    layer->build(4, 6);
    NumpyRandom rng(11), untouched(11);
    const bool training = rate == 0.0;  // rate 0: even a training pass is the identity
    CView<double> out = layer->forward(A.view(), {training, &rng});
    for (std::size_t i = 0; i < 24; ++i) BOOST_TEST(out.data[i] == A.data()[i]);
    BOOST_TEST(rng.next_uint32() == untouched.next_uint32());
  }
}

BOOST_AUTO_TEST_CASE(keeps_about_keep_prob_and_is_reproducible) {
  auto a = dropout(0.25), b = dropout(0.25);
  a->build(50, 200);
  b->build(50, 200);
  Matrix<double> ones(50, 200);
  std::fill(ones.data(), ones.data() + ones.size(), 1.0);
  NumpyRandom r1(7), r2(7);
  CView<double> oa = a->forward(ones.view(), {true, &r1});
  CView<double> ob = b->forward(ones.view(), {true, &r2});
  std::size_t kept = 0;
  for (std::size_t i = 0; i < oa.size(); ++i) {
    BOOST_TEST(oa.data[i] == ob.data[i]);
    BOOST_TEST((oa.data[i] == 0.0 || oa.data[i] == 1.0 / 0.75));
    kept += oa.data[i] != 0.0;
  }
  BOOST_TEST(std::abs(static_cast<double>(kept) / 10000.0 - 0.75) < 0.02);
}

BOOST_AUTO_TEST_CASE(gradients_through_dropout_match_finite_differences) {
  auto layers = parse_yaml("[{type: dense, units: 5, activation: tanh}, {type: dropout, rate: 0.4},"
                           " {type: dense, units: 1, activation: sigmoid}]", nullptr);
  auto net = Network<double>::from_config(layers);
  net.build(2, 6);
  NumpyRandom rng(3);
  auto init = make_initializer(parse_yaml("{type: normal, scale: 1}", nullptr));
  net.initialize(*init, rng);
  auto loss = make_loss<double>(parse_yaml("binary_cross_entropy", nullptr));
  xt::xtensor<double, 2> x = {{0.5, -1.0, 2.0, 0.1, -0.3, 1.2}, {1.5, 0.3, -0.7, 0.9, -1.1, 0.4}},
                         y = {{1, 0, 1, 0, 0, 1}};
  for (double l2 : {0.0, 0.7}) {
    auto g = testing::check_gradients(net, *loss, x, y, l2, 5);
    BOOST_TEST(g.entries == 5u * 2 + 5 + 5 + 1);
    BOOST_TEST(g.max_relative_error < 1e-6, "l2 " << l2 << ": " << g.max_relative_error);
  }
  BOOST_TEST(net.parameters().size() == 4u);  // the dropout layer has no parameters
  BOOST_TEST(net.parameters()[2].name == "layer_3/W");
  BOOST_TEST(net.layer(1).attributes().get_number("rate") == 0.4);
}
