// Finite-difference gradient checks of a network's backward pass (with its loss, L2 and any
// dropout masks held fixed by replaying the same random state).
#pragma once

#include <algorithm>
#include <cmath>

#include "network.hpp"
#include "regularization.hpp"

namespace testing {

struct GradientCheck {
  double max_relative_error = 0;  // over every parameter entry
  std::size_t entries = 0;
};

// J = (1/m) loss.sum + (lambda/2m) sum ||W||^2, its gradient by backprop (+ (lambda/m) W), and
// the central differences (J(w + h) - J(w - h)) / 2h of every parameter entry.
inline GradientCheck check_gradients(mindset::Network<double>& net, const mindset::Loss<double>& loss,
                                     const xt::xtensor<double, 2>& x, const xt::xtensor<double, 2>& y,
                                     double l2 = 0.0, std::uint32_t seed = 1, double h = 1e-6) {
  using namespace mindset;
  const std::size_t m = x.shape()[1];
  NumpyRandom rng(seed);
  const NumpyRandom::State start = rng.state();
  auto cost = [&] {
    rng.set_state(start);
    CView<double> a = net.forward(view_of(x), {true, &rng});
    return loss.sum(net.layer(net.size() - 1).pre_activation(), a, view_of(y)) / static_cast<double>(m) +
           l2_penalty(net.parameters(), l2, m);
  };
  cost();
  net.backward(view_of(x), loss, view_of(y));
  add_l2_gradient(net.parameters(), l2, m);
  std::vector<xt::xtensor<double, 2>> analytic;
  for (const auto& p : net.parameters()) analytic.push_back(*p.grad);
  GradientCheck out;
  for (std::size_t k = 0; k < net.parameters().size(); ++k) {
    auto& w = *net.parameters()[k].value;
    for (std::size_t i = 0; i < w.size(); ++i) {
      const double keep = w.data()[i];
      w.data()[i] = keep + h;
      const double plus = cost();
      w.data()[i] = keep - h;
      const double minus = cost();
      w.data()[i] = keep;
      const double numeric = (plus - minus) / (2 * h), exact = analytic[k].data()[i];
      const double err = std::abs(numeric - exact) / std::max(1e-7, std::abs(numeric) + std::abs(exact));
      out.max_relative_error = std::max(out.max_relative_error, err);
      ++out.entries;
    }
  }
  return out;
}

}  // namespace testing
