// The elementwise activations. Formulas are written as numpy code writes them, so the values
// agree with a numpy implementation of the same network.
#include <cmath>

#include "activation.hpp"

namespace mindset {

namespace {

template <class T>
class Sigmoid : public ElementwiseActivation<T, Sigmoid<T>> {
 public:
  explicit Sigmoid(const ConfigNode&) {}
  static TypeInfo info() { return {"sigmoid", "1 / (1 + e^-z); outputs in (0, 1), for binary outputs", spec::map()}; }
  std::string name() const override { return "sigmoid"; }
  // numpy's 1/(1+exp(-z)), except where exp(-z) would overflow: there e^z/(1+e^z) keeps the
  // tiny positive value instead of flushing it to 0.
  T value(T z) const {
    if (z < T(-700)) {
      T e = std::exp(z);
      return e / (T(1) + e);
    }
    return T(1) / (T(1) + std::exp(-z));
  }
  T grad(T da, T, T a) const { return da * a * (T(1) - a); }
};

template <class T>
class Tanh : public ElementwiseActivation<T, Tanh<T>> {
 public:
  explicit Tanh(const ConfigNode&) {}
  static TypeInfo info() { return {"tanh", "hyperbolic tangent; outputs in (-1, 1)", spec::map()}; }
  std::string name() const override { return "tanh"; }
  T value(T z) const { return std::tanh(z); }
  T grad(T da, T, T a) const { return da * (T(1) - a * a); }
};

template <class T>
class Relu : public ElementwiseActivation<T, Relu<T>> {
 public:
  explicit Relu(const ConfigNode&) {}
  static TypeInfo info() { return {"relu", "max(0, z)", spec::map()}; }
  std::string name() const override { return "relu"; }
  T value(T z) const { return z > T(0) ? z : T(0); }
  T grad(T da, T z, T) const { return z > T(0) ? da : T(0); }
};

template <class T>
class LeakyRelu : public ElementwiseActivation<T, LeakyRelu<T>> {
 public:
  explicit LeakyRelu(const ConfigNode& o)
      : slope_(static_cast<T>(o.has("slope") ? o.get_number("slope") : 0.01)) {}
  static TypeInfo info() {
    return {"leaky_relu", "z for z > 0, slope * z otherwise",
            spec::map().field("slope", spec::number("gradient for z <= 0")
                                           .def(ConfigNode::of(0.01)).min(0).must_be_finite())};
  }
  std::string name() const override { return "leaky_relu"; }
  T value(T z) const { return z > T(0) ? z : slope_ * z; }
  T grad(T da, T z, T) const { return z > T(0) ? da : da * slope_; }

 private:
  T slope_;
};

template <class T>
class Linear : public ElementwiseActivation<T, Linear<T>> {
 public:
  explicit Linear(const ConfigNode&) {}
  static TypeInfo info() { return {"linear", "identity, g(z) = z (regression outputs)", spec::map()}; }
  std::string name() const override { return "linear"; }
  T value(T z) const { return z; }
  T grad(T da, T, T) const { return da; }
};

}  // namespace

MINDSET_REGISTER_SCALAR(ActivationTag, Sigmoid);
MINDSET_REGISTER_SCALAR(ActivationTag, Tanh);
MINDSET_REGISTER_SCALAR(ActivationTag, Relu);
MINDSET_REGISTER_SCALAR(ActivationTag, LeakyRelu);
MINDSET_REGISTER_SCALAR(ActivationTag, Linear);

}  // namespace mindset
