// L2 regularisation ("weight decay"), as the course writes it for a batch of m examples:
//   cost += (1/m)*(lambd/2)*(np.sum(np.square(W1)) + np.sum(np.square(W2)) + ...)
//   dW   += (lambda/m) * W
// Biases are not penalised. The trainer applies both; layers and optimisers never see lambda.
#pragma once

#include <vector>

#include "layer.hpp"

namespace mindset {

// Sum over the weights of np.sum(np.square(W)), the matrices' sums added left to right.
template <class T>
T l2_sum(const std::vector<Param<T>>& params) {
  T total = 0;
  for (const auto& p : params) {
    if (!p.is_weight) continue;
    const T* w = p.value->data();
    total += numpy_sum_of<T>([w](std::size_t i) { return w[i] * w[i]; }, p.value->size());
  }
  return total;
}

// The penalty added to the cost of a batch of m examples.
template <class T>
T l2_penalty(const std::vector<Param<T>>& params, double lambda, std::size_t m) {
  if (lambda == 0.0) return T(0);
  const double c = (1.0 / static_cast<double>(m)) * (lambda / 2.0);  // Python: (1/m)*(lambd/2)
  return static_cast<T>(c) * l2_sum(params);
}

// dW += (lambda/m) W for every weight, after backward.
template <class T>
void add_l2_gradient(const std::vector<Param<T>>& params, double lambda, std::size_t m) {
  if (lambda == 0.0) return;
  const T c = static_cast<T>(lambda / static_cast<double>(m));
  for (const auto& p : params) {
    if (!p.is_weight) continue;
    T* g = p.grad->data();
    const T* w = p.value->data();
    for (std::size_t i = 0; i < p.value->size(); ++i) g[i] = g[i] + c * w[i];
  }
}

}  // namespace mindset
