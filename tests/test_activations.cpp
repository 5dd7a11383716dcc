// Every registered activation: values at chosen points, derivatives against central finite
// differences, sigmoid at extreme z, leaky_relu's slope option.
#define BOOST_TEST_MODULE activations
#include <cmath>
#include <limits>

#include "activation.hpp"
#include "testing.hpp"
#include "validate.hpp"

using namespace mindset;

namespace {

// The elementwise activations (softmax, column-wise, has its own tests in test_softmax.cpp).
const std::vector<std::string> kActivations = {"leaky_relu", "linear", "relu", "sigmoid", "tanh"};

template <class T>
std::unique_ptr<Activation<T>> make(const std::string& name, double slope = -1) {
  if (slope < 0) return make_activation<T>(ConfigNode::scalar(name));
  ConfigNode o = ConfigNode::map();
  o.set("type", ConfigNode::scalar(name));
  o.set("slope", ConfigNode::of(slope));
  return make_activation<T>(o);
}

// g(z) for each z (bias 0), through the layer-facing forward().
template <class T>
std::vector<T> values(const Activation<T>& g, std::vector<T> z) {
  std::vector<T> a(z.size());
  g.forward(View<T>{z.data(), 1, z.size()}, nullptr, View<T>{a.data(), 1, a.size()});
  return a;
}

// g'(z) for each z: backward() with dA = 1.
template <class T>
std::vector<T> slopes(const Activation<T>& g, const std::vector<T>& z) {
  std::vector<T> zz = z, a = values(g, z), da(z.size(), T(1)), dz(z.size());
  g.backward(CView<T>{zz.data(), 1, zz.size()}, CView<T>{a.data(), 1, a.size()},
             CView<T>{da.data(), 1, da.size()}, View<T>{dz.data(), 1, dz.size()});
  return dz;
}

double g_at(const Activation<double>& g, double z) { return values(g, {z})[0]; }

}  // namespace

BOOST_AUTO_TEST_CASE(registry_has_every_activation) {
  std::vector<std::string> all = kActivations;
  all.insert(all.begin() + 4, "softmax");
  BOOST_TEST(ActivationRegistry::instance().names() == all, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(values_at_chosen_points) {
  auto sigmoid = make<double>("sigmoid");
  // 1/(1+e^0) = 1/2;  z = ln 3: 1/(1 + 1/3) = 3/4;  z = -ln 3: 1/(1 + 3) = 1/4.
  BOOST_TEST(g_at(*sigmoid, 0.0) == 0.5);
  BOOST_TEST(std::abs(g_at(*sigmoid, std::log(3.0)) - 0.75) < 1e-15);
  BOOST_TEST(std::abs(g_at(*sigmoid, -std::log(3.0)) - 0.25) < 1e-15);

  auto tanh = make<double>("tanh");
  // tanh(ln 2) = (2 - 1/2) / (2 + 1/2) = 0.6; odd function.
  BOOST_TEST(g_at(*tanh, 0.0) == 0.0);
  BOOST_TEST(std::abs(g_at(*tanh, std::log(2.0)) - 0.6) < 1e-15);
  BOOST_TEST(std::abs(g_at(*tanh, -std::log(2.0)) + 0.6) < 1e-15);

  auto relu = make<double>("relu");
  BOOST_TEST(g_at(*relu, -1.5) == 0.0);
  BOOST_TEST(g_at(*relu, 0.0) == 0.0);
  BOOST_TEST(g_at(*relu, 2.25) == 2.25);

  auto leaky = make<double>("leaky_relu");  // default slope 0.01
  BOOST_TEST(g_at(*leaky, 3.0) == 3.0);
  BOOST_TEST(g_at(*leaky, -2.0) == 0.01 * -2.0);
  BOOST_TEST(g_at(*leaky, 0.0) == 0.0);

  auto linear = make<double>("linear");
  for (double z : {-7.25, 0.0, 1e300}) BOOST_TEST(g_at(*linear, z) == z);
}

BOOST_AUTO_TEST_CASE(forward_adds_the_bias_per_row) {
  // Z (2 x 2) += b, b broadcast along each row: [[0, 1], [2, 3]] + [10, -20] = [[10, 11], [-18, -17]].
  auto linear = make<double>("linear");
  std::vector<double> z = {0, 1, 2, 3}, a(4), b = {10, -20};
  linear->forward(View<double>{z.data(), 2, 2}, b.data(), View<double>{a.data(), 2, 2});
  BOOST_TEST(z == (std::vector<double>{10, 11, -18, -17}), boost::test_tools::per_element());
  BOOST_TEST(a == z, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(derivatives_match_central_differences) {
  // Points away from relu's kink at 0; h small enough that the O(h^2) error is far below the tolerance.
  const std::vector<double> zs = {-3.1, -1.2, -0.4, 0.3, 0.9, 2.7};
  const double h = 1e-5;
  for (const auto& name : kActivations) {
    auto g = make<double>(name);
    std::vector<double> d = slopes(*g, zs);
    for (std::size_t i = 0; i < zs.size(); ++i) {
      const double num = (g_at(*g, zs[i] + h) - g_at(*g, zs[i] - h)) / (2 * h);
      BOOST_TEST(std::abs(d[i] - num) <= 1e-9 * std::max(1.0, std::abs(num)),
                 name << "'(" << zs[i] << "): backward " << d[i] << ", finite difference " << num);
    }
  }
}

BOOST_AUTO_TEST_CASE(backward_multiplies_by_da) {
  // dZ = dA * g'(Z): tanh'(ln 2) = 1 - 0.6^2 = 0.64, times dA = -2.5 gives -1.6.
  auto tanh = make<double>("tanh");
  std::vector<double> z = {std::log(2.0)}, a = values(*tanh, z), da = {-2.5}, dz(1);
  tanh->backward(CView<double>{z.data(), 1, 1}, CView<double>{a.data(), 1, 1}, CView<double>{da.data(), 1, 1},
                 View<double>{dz.data(), 1, 1});
  BOOST_TEST(std::abs(dz[0] + 1.6) < 1e-15);
  // dz may be the buffer da itself (the dense layer does this).
  tanh->backward(CView<double>{z.data(), 1, 1}, CView<double>{a.data(), 1, 1}, CView<double>{da.data(), 1, 1},
                 View<double>{da.data(), 1, 1});
  BOOST_TEST(std::abs(da[0] + 1.6) < 1e-15);
}

BOOST_AUTO_TEST_CASE(sigmoid_never_overflows) {
  for (double z : {-1000.0, -745.0, -710.0, -700.5, 700.5, 710.0, 1000.0}) {
    for (auto a : values(*make<double>("sigmoid"), {z})) {
      BOOST_TEST(std::isfinite(a), "sigmoid(" << z << ") = " << a);
      BOOST_TEST((a >= 0.0 && a <= 1.0), "sigmoid(" << z << ") = " << a);
    }
    for (auto a : values(*make<float>("sigmoid"), {static_cast<float>(z)})) {
      BOOST_TEST(std::isfinite(a), "float sigmoid(" << z << ") = " << a);
      BOOST_TEST((a >= 0.0f && a <= 1.0f), "float sigmoid(" << z << ") = " << a);
    }
  }
  auto s = make<double>("sigmoid");
  BOOST_TEST(g_at(*s, 1000.0) == 1.0);
  BOOST_TEST(g_at(*s, -1000.0) == 0.0);
  // Past exp's overflow point the tiny value is kept, not flushed: sigmoid(-710) = e^-710 (1 - e^-710).
  BOOST_TEST(g_at(*s, -710.0) > 0.0);
  BOOST_TEST(std::abs(g_at(*s, -710.0) / std::exp(-710.0) - 1) < 1e-12);
  // Derivatives stay finite there too.
  for (double d : slopes(*s, {-1000.0, 1000.0})) BOOST_TEST(std::isfinite(d));
}

BOOST_AUTO_TEST_CASE(leaky_relu_slope_option) {
  auto g = make<double>("leaky_relu", 0.2);
  BOOST_TEST(g_at(*g, -2.0) == 0.2 * -2.0);
  BOOST_TEST(g_at(*g, 2.0) == 2.0);
  std::vector<double> d = slopes(*g, {-3.0, 3.0});
  BOOST_TEST(d[0] == 0.2);
  BOOST_TEST(d[1] == 1.0);
  auto zero = make<double>("leaky_relu", 0.0);  // slope 0 is relu
  BOOST_TEST(g_at(*zero, -2.0) == 0.0);
}

BOOST_AUTO_TEST_CASE(leaky_relu_slope_is_validated_and_defaults_to_0_01) {
  const Spec& s = spec::object("activation");
  Diagnostics diags;
  ConfigNode bare = ConfigNode::scalar("leaky_relu");
  ConfigNode resolved = validate(bare, s, "act", diags);
  BOOST_REQUIRE(diags.empty());
  BOOST_TEST(resolved.get_number("slope") == 0.01);
  BOOST_TEST(g_at(*make_activation<double>(resolved), -1.0) == -0.01);

  ConfigNode negative = ConfigNode::map();
  negative.set("type", ConfigNode::scalar("leaky_relu"));
  negative.set("slope", ConfigNode::of(-0.5));
  validate(negative, s, "act", diags);
  BOOST_REQUIRE_EQUAL(diags.size(), 1u);
  BOOST_TEST(diags.list()[0].path == "act.slope");
  BOOST_TEST(diags.list()[0].message.find(">= 0") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(float32_matches_float64_closely) {
  const std::vector<double> zs = {-4.0, -0.5, 0.25, 3.0};
  for (const auto& name : kActivations) {
    auto g64 = make<double>(name);
    auto g32 = make<float>(name);
    for (double z : zs) {
      const float a32 = values(*g32, {static_cast<float>(z)})[0];
      BOOST_TEST(std::abs(static_cast<double>(a32) - g_at(*g64, z)) < 1e-6, name << "(" << z << ")");
    }
  }
}
