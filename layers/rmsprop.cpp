// RMSprop (Hinton's lecture 6e), written as numpy code writes it:
//   s = beta * s + (1 - beta) * np.square(dW)
//   W = W - learning_rate * dW / (np.sqrt(s) + epsilon)
#include <cmath>

#include "optimizer.hpp"
#include "simd.hpp"

namespace mindset {

namespace {

template <class T>
class RmsProp : public SlotOptimizer<T> {
 public:
  explicit RmsProp(const ConfigNode& o)
      : SlotOptimizer<T>({"s"}), beta_(option_or(o, "beta", 0.9)), epsilon_(option_or(o, "epsilon", 1e-8)) {}
  static TypeInfo info() {
    return {"rmsprop", "s = beta s + (1-beta) dW^2; W -= learning_rate dW / (sqrt(s) + epsilon)",
            spec::map()
                .field("beta", spec::number("decay of the squared-gradient average")
                                   .def(ConfigNode::of(0.9)).min(0).max(1, true).must_be_finite())
                .field("epsilon", spec::number("added to sqrt(s) to avoid division by zero")
                                      .def(ConfigNode::of(1e-8)).min(0, true).must_be_finite())};
  }
  std::string name() const override { return "rmsprop"; }
  ConfigNode attributes() const override {
    ConfigNode a = Optimizer<T>::attributes();
    a.set("beta", ConfigNode::of(beta_));
    a.set("epsilon", ConfigNode::of(epsilon_));
    return a;
  }

  // s = beta s + (1 - beta) g^2; out = w - lr g / (sqrt(s) + eps) (simd::update_rmsprop).
  bool update(const std::vector<Param<T>>& params, T lr, bool into_grad) override {
    bool ok = true;
    simd::UpdateScalars<T> c{};
    c.lr = lr;
    c.beta1 = static_cast<T>(beta_);
    c.one_minus1 = static_cast<T>(1.0 - beta_);
    c.eps = static_cast<T>(epsilon_);
    for (std::size_t k = 0; k < params.size(); ++k)
      ok = simd::update_rmsprop(params[k].value->data(), params[k].grad->data(), this->slot(0, k), this->compensation(k),
                                this->target(params[k], into_grad), params[k].value->size(), c) && ok;
    ++this->steps_;
    return ok;
  }

 private:
  double beta_, epsilon_;
};

}  // namespace

MINDSET_REGISTER_SCALAR(OptimizerTag, RmsProp);

}  // namespace mindset
