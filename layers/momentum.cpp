// Gradient descent with momentum, as the course writes it (an exponentially weighted average of
// the gradients):
//   v = beta * v + (1 - beta) * dW
//   W = W - learning_rate * v                                   (nesterov: false)
//   W = W - learning_rate * (beta * v + (1 - beta) * dW)        (nesterov: true)
// The Nesterov form is the usual look-ahead reformulation (Sutskever et al. 2013) with the same
// averaged velocity: the step uses the velocity the next update would have with this gradient.
#include "optimizer.hpp"
#include "simd.hpp"

namespace mindset {

namespace {

template <class T>
class Momentum : public SlotOptimizer<T> {
 public:
  explicit Momentum(const ConfigNode& o)
      : SlotOptimizer<T>({"v"}), beta_(option_or(o, "beta", 0.9)), nesterov_(flag_or(o, "nesterov", false)) {}
  static TypeInfo info() {
    return {"momentum", "v = beta v + (1-beta) dW; W -= learning_rate v (or the Nesterov look-ahead)",
            spec::map()
                .field("beta", spec::number("momentum: weight of the previous velocity")
                                   .def(ConfigNode::of(0.9)).min(0).max(1, true).must_be_finite())
                .field("nesterov", spec::boolean("step with the look-ahead velocity beta v + (1-beta) dW")
                                       .def(ConfigNode::of(false)))};
  }
  std::string name() const override { return "momentum"; }
  ConfigNode attributes() const override {
    ConfigNode a = Optimizer<T>::attributes();
    a.set("beta", ConfigNode::of(beta_));
    a.set("nesterov", ConfigNode::of(nesterov_));
    return a;
  }

  // v = beta v + (1 - beta) g; out = w - lr v, or w - lr (beta v + (1 - beta) g) with Nesterov
  // (simd::update_momentum, 8 at a time).
  bool update(const std::vector<Param<T>>& params, T lr, bool into_grad) override {
    bool ok = true;
    simd::UpdateScalars<T> c{};
    c.lr = lr;
    c.beta1 = static_cast<T>(beta_);
    c.one_minus1 = static_cast<T>(1.0 - beta_);
    c.flag = nesterov_;
    for (std::size_t k = 0; k < params.size(); ++k)
      ok = simd::update_momentum(params[k].value->data(), params[k].grad->data(), this->slot(0, k), this->compensation(k),
                                 this->target(params[k], into_grad), params[k].value->size(), c) && ok;
    ++this->steps_;
    return ok;
  }

 private:
  double beta_;
  bool nesterov_;
};

}  // namespace

MINDSET_REGISTER_SCALAR(OptimizerTag, Momentum);

}  // namespace mindset
