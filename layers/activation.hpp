// Activation functions g, applied to a layer's pre-activation Z (units x m), with derivatives.
#pragma once

#include <memory>
#include <string>

#include "registry.hpp"
#include "tensor.hpp"

namespace mindset {

template <class T>
class Activation {
 public:
  virtual ~Activation() = default;
  virtual std::string name() const = 0;

  // Z += b (b broadcast along each row), then A = g(Z). The bias is added here so that one pass
  // over memory does both.
  virtual void forward(View<T> z, const T* bias, View<T> a) const = 0;

  // dZ = dA * g'(Z), given Z, A = g(Z) and dA. dz may be the same buffer as da.
  virtual void backward(CView<T> z, CView<T> a, CView<T> da, View<T> dz) const = 0;
};

struct ActivationTag {
  using Factory = ScalarFactory<Activation>;
  static const char* kind() { return "activation"; }
  static const char* plural() { return "activations"; }
};
using ActivationRegistry = Registry<ActivationTag>;

// Builds an activation from a validated name or {type: ..., options}.
template <class T>
std::unique_ptr<Activation<T>> make_activation(const ConfigNode& spec) {
  return make_scalar_object<ActivationTag, T>(spec);
}

// A plain elementwise activation: derive and supply value(z) and slope(z, a).
template <class T, class Derived>
class ElementwiseActivation : public Activation<T> {
 public:
  void forward(View<T> z, const T* bias, View<T> a) const override {
    const auto& self = static_cast<const Derived&>(*this);
    for (std::size_t i = 0; i < z.rows; ++i) {
      T* zr = z.row(i);
      T* ar = a.row(i);
      const T bi = bias ? bias[i] : T(0);
      for (std::size_t j = 0; j < z.cols; ++j) {
        zr[j] += bi;
        ar[j] = self.value(zr[j]);
      }
    }
  }
  void backward(CView<T> z, CView<T> a, CView<T> da, View<T> dz) const override {
    const auto& self = static_cast<const Derived&>(*this);
    const std::size_t n = z.size();
    for (std::size_t i = 0; i < n; ++i) dz.data[i] = self.grad(da.data[i], z.data[i], a.data[i]);
  }
};

}  // namespace mindset
