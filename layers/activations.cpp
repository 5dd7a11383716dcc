// The elementwise activations. Formulas are written as numpy code writes them, so the values
// agree with a numpy implementation of the same network. They run as the vectorised kernels of
// simd.hpp: the bias added and g applied in one pass, exp and tanh within a few ulp of libm's.
//   sigmoid     1/(1+exp(-z)), and e^z/(1+e^z) below z = -700 where exp(-z) would overflow
//               (the tiny positive value is kept instead of flushing to 0); g' = a (1 - a)
//   tanh        np.tanh(z); g' = 1 - a^2
//   relu        z > 0 ? z : 0; g' = z > 0 ? 1 : 0
//   leaky_relu  z > 0 ? z : slope z; g' = z > 0 ? 1 : slope
//   linear      z; g' = 1
#include "activation.hpp"
#include "simd.hpp"

namespace mindset {

namespace {

template <class T, simd::Act kAct>
class Builtin : public Activation<T> {
 public:
  void forward(View<T> z, const T* bias, View<T> a) const override {
    simd::bias_activation<T>(kAct, slope_, z.data, bias, a.data, z.rows, z.cols);
  }
  void backward(CView<T> z, CView<T> a, CView<T> da, View<T> dz) const override {
    simd::activation_backward<T>(kAct, slope_, z.data, a.data, da.data, dz.data, z.size());
  }

 protected:
  T slope_ = T(0);
};

template <class T>
class Sigmoid : public Builtin<T, simd::Act::sigmoid> {
 public:
  explicit Sigmoid(const ConfigNode&) {}
  static TypeInfo info() { return {"sigmoid", "1 / (1 + e^-z); outputs in (0, 1), for binary outputs", spec::map()}; }
  std::string name() const override { return "sigmoid"; }
};

template <class T>
class Tanh : public Builtin<T, simd::Act::tanh> {
 public:
  explicit Tanh(const ConfigNode&) {}
  static TypeInfo info() { return {"tanh", "hyperbolic tangent; outputs in (-1, 1)", spec::map()}; }
  std::string name() const override { return "tanh"; }
};

template <class T>
class Relu : public Builtin<T, simd::Act::relu> {
 public:
  explicit Relu(const ConfigNode&) {}
  static TypeInfo info() { return {"relu", "max(0, z)", spec::map()}; }
  std::string name() const override { return "relu"; }
};

template <class T>
class LeakyRelu : public Builtin<T, simd::Act::leaky_relu> {
 public:
  explicit LeakyRelu(const ConfigNode& o) {
    this->slope_ = static_cast<T>(o.has("slope") ? o.get_number("slope") : 0.01);
  }
  static TypeInfo info() {
    return {"leaky_relu", "z for z > 0, slope * z otherwise",
            spec::map().field("slope", spec::number("gradient for z <= 0")
                                           .def(ConfigNode::of(0.01)).min(0).must_be_finite())};
  }
  std::string name() const override { return "leaky_relu"; }
};

template <class T>
class Linear : public Builtin<T, simd::Act::linear> {
 public:
  explicit Linear(const ConfigNode&) {}
  static TypeInfo info() { return {"linear", "identity, g(z) = z (regression outputs)", spec::map()}; }
  std::string name() const override { return "linear"; }
};

}  // namespace

MINDSET_REGISTER_SCALAR(ActivationTag, Sigmoid);
MINDSET_REGISTER_SCALAR(ActivationTag, Tanh);
MINDSET_REGISTER_SCALAR(ActivationTag, Relu);
MINDSET_REGISTER_SCALAR(ActivationTag, LeakyRelu);
MINDSET_REGISTER_SCALAR(ActivationTag, Linear);

}  // namespace mindset
