// The dense layer on constant weights, forward and backward, against values worked out by hand.
#define BOOST_TEST_MODULE dense
#include <cmath>

#include "layer.hpp"
#include "testing.hpp"

using namespace mindset;

namespace {

ConfigNode dense_options(long long units, const std::string& activation) {
  ConfigNode o = ConfigNode::map();
  o.set("type", ConfigNode::of("dense"));
  o.set("units", ConfigNode::of(units));
  o.set("activation", ConfigNode::scalar(activation));
  return o;
}

// The fixture of every test below:
//   W = [[ 1, 2, 3  ],      b = [[ 0.5],      A_prev = [[1,  2],
//        [-1, 0, 0.5]]           [-1  ]]                [0, -1],
//                                                       [2,  1]]      (3 features, m = 2)
//   Z = W A_prev + b:
//     Z[0,0] = 1*1 + 2*0    + 3*2  + 0.5 =  7.5     Z[0,1] = 1*2  + 2*(-1) + 3*1   + 0.5 =  3.5
//     Z[1,0] = -1*1 + 0*0 + 0.5*2  - 1   = -1       Z[1,1] = -1*2 + 0*(-1) + 0.5*1 - 1   = -2.5
template <class T>
struct Fixture {
  std::unique_ptr<Layer<T>> layer;
  xt::xtensor<T, 2> a_prev = {{1, 2}, {0, -1}, {2, 1}};

  explicit Fixture(const std::string& activation, std::size_t max_batch = 2) {
    layer = make_layer<T>(dense_options(2, activation));
    layer->build(3, max_batch);
    auto params = layer->parameters();
    BOOST_REQUIRE_EQUAL(params.size(), 2u);
    *params[0].value = xt::xtensor<T, 2>{{1, 2, 3}, {-1, 0, 0.5}};
    *params[1].value = xt::xtensor<T, 2>{{0.5}, {-1}};
  }
  CView<T> forward() { return layer->forward(view_of(a_prev), ForwardMode{}); }
  const xt::xtensor<T, 2>& dw() { return *layer->parameters()[0].grad; }
  const xt::xtensor<T, 2>& db() { return *layer->parameters()[1].grad; }
};

template <class T>
void check_matrix(CView<T> got, const std::vector<std::vector<double>>& want, double tol = 0) {
  BOOST_REQUIRE_EQUAL(got.rows, want.size());
  BOOST_REQUIRE_EQUAL(got.cols, want[0].size());
  for (std::size_t i = 0; i < got.rows; ++i)
    for (std::size_t j = 0; j < got.cols; ++j)
      BOOST_TEST(std::abs(static_cast<double>(got(i, j)) - want[i][j]) <= tol,
                 "(" << i << "," << j << "): got " << got(i, j) << ", want " << want[i][j]);
}

}  // namespace

BOOST_AUTO_TEST_CASE(parameters_are_named_and_shaped) {
  Fixture<double> f("linear");
  auto p = f.layer->parameters();
  BOOST_TEST(p[0].name == "W");
  BOOST_TEST(p[0].is_weight);
  BOOST_TEST(p[0].value->shape()[0] == 2u);
  BOOST_TEST(p[0].value->shape()[1] == 3u);
  BOOST_TEST(p[1].name == "b");
  BOOST_TEST(!p[1].is_weight);
  BOOST_TEST(p[1].value->shape()[0] == 2u);
  BOOST_TEST(p[1].value->shape()[1] == 1u);
  BOOST_TEST(f.layer->output_size() == 2u);
  BOOST_TEST(f.layer->type() == "dense");
  BOOST_TEST(f.layer->activation()->name() == "linear");
}

BOOST_AUTO_TEST_CASE(forward_linear_is_z) {
  Fixture<double> f("linear");
  check_matrix<double>(f.forward(), {{7.5, 3.5}, {-1, -2.5}});
  check_matrix<double>(f.layer->pre_activation(), {{7.5, 3.5}, {-1, -2.5}});
}

BOOST_AUTO_TEST_CASE(forward_relu) {
  // A = max(0, Z) = [[7.5, 3.5], [0, 0]]
  Fixture<double> f("relu");
  check_matrix<double>(f.forward(), {{7.5, 3.5}, {0, 0}});
  check_matrix<double>(f.layer->pre_activation(), {{7.5, 3.5}, {-1, -2.5}});
}

BOOST_AUTO_TEST_CASE(forward_sigmoid) {
  // A = 1 / (1 + e^-Z), elementwise on the Z above.
  Fixture<double> f("sigmoid");
  auto s = [](double z) { return 1 / (1 + std::exp(-z)); };
  check_matrix<double>(f.forward(), {{s(7.5), s(3.5)}, {s(-1), s(-2.5)}}, 1e-15);
}

BOOST_AUTO_TEST_CASE(forward_float32_same_numbers) {
  // Every value above is exact in binary, so float32 gives them exactly too.
  Fixture<float> f("linear");
  check_matrix<float>(f.forward(), {{7.5, 3.5}, {-1, -2.5}});
}

BOOST_AUTO_TEST_CASE(forward_on_a_smaller_batch_reuses_buffers) {
  // Built for batches of up to 4; a batch of 1 (the first column of A_prev) gives Z[:, 0].
  Fixture<double> f("linear", 4);
  xt::xtensor<double, 2> one = {{1}, {0}, {2}};
  check_matrix<double>(f.layer->forward(view_of(one), ForwardMode{}), {{7.5}, {-1}});
  check_matrix<double>(f.forward(), {{7.5, 3.5}, {-1, -2.5}});
}

BOOST_AUTO_TEST_CASE(backward_linear) {
  // dA = [[1, -2], [0.5, 4]]; linear: dZ = dA. m = 2.
  //   dW = (1/2) dZ A_prev^T,  A_prev^T = [[1, 0, 2], [2, -1, 1]]
  //     row 0: [1*1 + (-2)*2, 1*0 + (-2)*(-1), 1*2 + (-2)*1] / 2 = [-3, 2, 0] / 2 = [-1.5, 1, 0]
  //     row 1: [0.5*1 + 4*2, 0.5*0 + 4*(-1), 0.5*2 + 4*1] / 2  = [8.5, -4, 5] / 2 = [4.25, -2, 2.5]
  //   db = (1/2) [1 + (-2), 0.5 + 4] = [-0.5, 2.25]
  //   dA_prev = W^T dZ,  W^T = [[1, -1], [2, 0], [3, 0.5]]
  //     [1*1 + (-1)*0.5, 1*(-2) + (-1)*4] = [0.5, -6]
  //     [2*1 + 0*0.5,    2*(-2) + 0*4]    = [2, -4]
  //     [3*1 + 0.5*0.5,  3*(-2) + 0.5*4]  = [3.25, -4]
  Fixture<double> f("linear");
  f.forward();
  xt::xtensor<double, 2> grad = {{1, -2}, {0.5, 4}};
  xt::xtensor<double, 2> input_grad = xt::zeros<double>({3, 2});
  View<double> ig = view_of(input_grad);
  f.layer->backward(view_of(f.a_prev), view_of(grad), false, &ig);
  check_matrix<double>(view_of(f.dw()), {{-1.5, 1, 0}, {4.25, -2, 2.5}});
  check_matrix<double>(view_of(f.db()), {{-0.5}, {2.25}});
  check_matrix<double>(view_of(input_grad), {{0.5, -6}, {2, -4}, {3.25, -4}});
}

BOOST_AUTO_TEST_CASE(backward_relu_masks_negative_z) {
  // Same dA; relu: dZ = dA where Z > 0, else 0. Z = [[7.5, 3.5], [-1, -2.5]] so dZ = [[1, -2], [0, 0]].
  //   dW row 0 as above [-1.5, 1, 0]; row 1 zero.  db = [-0.5, 0].
  //   dA_prev = W^T dZ = [[1*1, 1*(-2)], [2*1, 2*(-2)], [3*1, 3*(-2)]] = [[1, -2], [2, -4], [3, -6]]
  Fixture<double> f("relu");
  f.forward();
  xt::xtensor<double, 2> grad = {{1, -2}, {0.5, 4}};
  xt::xtensor<double, 2> input_grad = xt::zeros<double>({3, 2});
  View<double> ig = view_of(input_grad);
  f.layer->backward(view_of(f.a_prev), view_of(grad), false, &ig);
  check_matrix<double>(view_of(f.dw()), {{-1.5, 1, 0}, {0, 0, 0}});
  check_matrix<double>(view_of(f.db()), {{-0.5}, {0}});
  check_matrix<double>(view_of(input_grad), {{1, -2}, {2, -4}, {3, -6}});
}

BOOST_AUTO_TEST_CASE(backward_takes_dz_as_is_when_fused) {
  // grad_is_dz: the sigmoid's derivative must not be applied again, so the numbers are those of
  // the linear case whatever the activation.
  Fixture<double> f("sigmoid");
  f.forward();
  xt::xtensor<double, 2> grad = {{1, -2}, {0.5, 4}};
  xt::xtensor<double, 2> input_grad = xt::zeros<double>({3, 2});
  View<double> ig = view_of(input_grad);
  f.layer->backward(view_of(f.a_prev), view_of(grad), true, &ig);
  check_matrix<double>(view_of(f.dw()), {{-1.5, 1, 0}, {4.25, -2, 2.5}});
  check_matrix<double>(view_of(f.db()), {{-0.5}, {2.25}});
  check_matrix<double>(view_of(input_grad), {{0.5, -6}, {2, -4}, {3.25, -4}});
}

BOOST_AUTO_TEST_CASE(backward_sigmoid_applies_its_derivative) {
  // Not fused: dZ = dA * a (1 - a) with a = sigmoid(Z).
  Fixture<double> f("sigmoid");
  f.forward();
  auto s = [](double z) { return 1 / (1 + std::exp(-z)); };
  auto d = [&](double z) { return s(z) * (1 - s(z)); };
  const double dz00 = 1 * d(7.5), dz01 = -2 * d(3.5), dz10 = 0.5 * d(-1), dz11 = 4 * d(-2.5);
  xt::xtensor<double, 2> grad = {{1, -2}, {0.5, 4}};
  f.layer->backward(view_of(f.a_prev), view_of(grad), false, nullptr);  // first layer: no dA_prev
  check_matrix<double>(view_of(f.dw()),
                       {{(dz00 * 1 + dz01 * 2) / 2, (dz00 * 0 + dz01 * -1) / 2, (dz00 * 2 + dz01 * 1) / 2},
                        {(dz10 * 1 + dz11 * 2) / 2, (dz10 * 0 + dz11 * -1) / 2, (dz10 * 2 + dz11 * 1) / 2}},
                       1e-15);
  check_matrix<double>(view_of(f.db()), {{(dz00 + dz01) / 2}, {(dz10 + dz11) / 2}}, 1e-15);
}

BOOST_AUTO_TEST_CASE(attributes_record_type_units_activation) {
  Fixture<double> f("relu");
  ConfigNode a = f.layer->attributes();
  BOOST_TEST(a.get_string("type") == "dense");
  BOOST_TEST(a.get_integer("units") == 2);
  BOOST_TEST(a.get_string("activation") == "relu");
  BOOST_TEST(!a.has("init"));
}
