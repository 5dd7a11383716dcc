// RMSprop (Hinton's lecture 6e), written as numpy code writes it:
//   s = beta * s + (1 - beta) * np.square(dW)
//   W = W - learning_rate * dW / (np.sqrt(s) + epsilon)
#include <cmath>

#include "optimizer.hpp"

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

  bool update(const std::vector<Param<T>>& params, T lr, bool into_grad) override {
    bool ok = true;
    const T beta = static_cast<T>(beta_), one_minus = static_cast<T>(1.0 - beta_), eps = static_cast<T>(epsilon_);
    for (std::size_t k = 0; k < params.size(); ++k) {
      const T* w = params[k].value->data();
      T* out = this->target(params[k], into_grad);
      const T* g = params[k].grad->data();
      T* s = this->slot(0, k);
      const std::size_t n = params[k].value->size();
      for (std::size_t i = 0; i < n; ++i) {
        s[i] = beta * s[i] + one_minus * (g[i] * g[i]);
        out[i] = w[i] - lr * g[i] / (std::sqrt(s[i]) + eps);
      }
      if (into_grad) ok = this->finite(out, n) && ok;
    }
    ++this->steps_;
    return ok;
  }

 private:
  double beta_, epsilon_;
};

}  // namespace

MINDSET_REGISTER_SCALAR(OptimizerTag, RmsProp);

}  // namespace mindset
