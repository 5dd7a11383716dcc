// The initialisers, each written as the numpy expression in its description.
#include <cmath>

#include "initializer.hpp"

namespace mindset {

namespace {

std::size_t fan_out(const xt::xtensor<double, 2>& w) { return w.shape()[0]; }
std::size_t fan_in(const xt::xtensor<double, 2>& w) { return w.shape()[1]; }

// Standard normals times a factor computed by `scale(W)`.
template <class Derived>
class NormalBase : public Initializer {
 public:
  void fill(xt::xtensor<double, 2>& w, NumpyRandom& rng) const override {
    const auto& self = static_cast<const Derived&>(*this);
    for (double& v : w) v = self.apply(rng.standard_normal(), w);
  }
};

class Zeros : public Initializer {
 public:
  explicit Zeros(const ConfigNode&) {}
  static TypeInfo info() { return {"zeros", "W = 0 (fine for one unit; hidden units would stay identical)", spec::map()}; }
  std::string name() const override { return "zeros"; }
  void fill(xt::xtensor<double, 2>& w, NumpyRandom&) const override { w.fill(0.0); }
};

class Normal : public NormalBase<Normal> {
 public:
  explicit Normal(const ConfigNode& o) : scale_(o.has("scale") ? o.get_number("scale") : 0.01) {}
  static TypeInfo info() {
    return {"normal", "W = np.random.randn(units, fan_in) * scale",
            spec::map().field("scale", spec::number("standard deviation of the weights")
                                           .def(ConfigNode::of(0.01)).min(0).must_be_finite())};
  }
  std::string name() const override { return "normal"; }
  double apply(double z, const xt::xtensor<double, 2>&) const { return z * scale_; }

 private:
  double scale_;
};

class LecunNormal : public NormalBase<LecunNormal> {
 public:
  explicit LecunNormal(const ConfigNode&) {}
  static TypeInfo info() { return {"lecun_normal", "W = np.random.randn(units, fan_in) / np.sqrt(fan_in)", spec::map()}; }
  std::string name() const override { return "lecun_normal"; }
  double apply(double z, const xt::xtensor<double, 2>& w) const {
    return z / std::sqrt(static_cast<double>(fan_in(w)));
  }
};

class HeNormal : public NormalBase<HeNormal> {
 public:
  explicit HeNormal(const ConfigNode&) {}
  static TypeInfo info() { return {"he_normal", "W = np.random.randn(units, fan_in) * np.sqrt(2 / fan_in)", spec::map()}; }
  std::string name() const override { return "he_normal"; }
  double apply(double z, const xt::xtensor<double, 2>& w) const {
    return z * std::sqrt(2.0 / static_cast<double>(fan_in(w)));
  }
};

class XavierNormal : public NormalBase<XavierNormal> {
 public:
  explicit XavierNormal(const ConfigNode&) {}
  static TypeInfo info() {
    return {"xavier_normal", "W = np.random.randn(units, fan_in) * np.sqrt(2 / (fan_in + units))", spec::map()};
  }
  std::string name() const override { return "xavier_normal"; }
  double apply(double z, const xt::xtensor<double, 2>& w) const {
    return z * std::sqrt(2.0 / static_cast<double>(fan_in(w) + fan_out(w)));
  }
};

class XavierUniform : public Initializer {
 public:
  explicit XavierUniform(const ConfigNode&) {}
  static TypeInfo info() {
    return {"xavier_uniform",
            "W = np.random.uniform(-L, L, (units, fan_in)), L = np.sqrt(6 / (fan_in + units))", spec::map()};
  }
  std::string name() const override { return "xavier_uniform"; }
  void fill(xt::xtensor<double, 2>& w, NumpyRandom& rng) const override {
    const double limit = std::sqrt(6.0 / static_cast<double>(fan_in(w) + fan_out(w)));
    const double low = -limit, width = limit - low;  // numpy: low + (high - low) * u
    for (double& v : w) v = low + width * rng.random_sample();
  }
};

}  // namespace

MINDSET_REGISTER(InitializerTag, Zeros);
MINDSET_REGISTER(InitializerTag, Normal);
MINDSET_REGISTER(InitializerTag, LecunNormal);
MINDSET_REGISTER(InitializerTag, HeNormal);
MINDSET_REGISTER(InitializerTag, XavierNormal);
MINDSET_REGISTER(InitializerTag, XavierUniform);

}  // namespace mindset
