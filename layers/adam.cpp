// Adam (Kingma & Ba 2015), as the course's update_parameters_with_adam writes it, t counting
// from 1:
//   v = beta1 * v + (1 - beta1) * dW          v_corrected = v / (1 - beta1**t)
//   s = beta2 * s + (1 - beta2) * dW**2       s_corrected = s / (1 - beta2**t)
//   W = W - learning_rate * v_corrected / (np.sqrt(s_corrected) + epsilon)
// With bias_correction: false, v and s are used as they are. dW**2 is the exact square dW * dW
// (the course's np.power(dW, 2) is that too, except where numpy computes pow with AVX-512 SVML,
// which is off by one ulp for some values).
#include <cmath>

#include "optimizer.hpp"
#include "simd.hpp"

namespace mindset {

namespace {

template <class T>
class Adam : public SlotOptimizer<T> {
 public:
  explicit Adam(const ConfigNode& o)
      : SlotOptimizer<T>({"v", "s"}),
        beta1_(option_or(o, "beta1", 0.9)),
        beta2_(option_or(o, "beta2", 0.999)),
        epsilon_(option_or(o, "epsilon", 1e-8)),
        bias_correction_(flag_or(o, "bias_correction", true)) {}
  static TypeInfo info() {
    auto beta = [](const char* doc, double d) {
      return spec::number(doc).def(ConfigNode::of(d)).min(0).max(1, true).must_be_finite();
    };
    return {"adam", "momentum and RMSprop with bias correction (Kingma & Ba)",
            spec::map()
                .field("beta1", beta("decay of the gradient average (first moment)", 0.9))
                .field("beta2", beta("decay of the squared-gradient average (second moment)", 0.999))
                .field("epsilon", spec::number("added to sqrt(s) to avoid division by zero")
                                      .def(ConfigNode::of(1e-8)).min(0, true).must_be_finite())
                .field("bias_correction", spec::boolean("divide the moments by 1 - beta**t")
                                              .def(ConfigNode::of(true)))};
  }
  std::string name() const override { return "adam"; }
  ConfigNode attributes() const override {
    ConfigNode a = Optimizer<T>::attributes();
    a.set("beta1", ConfigNode::of(beta1_));
    a.set("beta2", ConfigNode::of(beta2_));
    a.set("epsilon", ConfigNode::of(epsilon_));
    a.set("bias_correction", ConfigNode::of(bias_correction_));
    return a;
  }

  // The formulas above, 8 elements at a time (simd::update_adam).
  bool update(const std::vector<Param<T>>& params, T lr, bool into_grad) override {
    bool ok = true;
    const double t = static_cast<double>(this->steps_ + 1);
    simd::UpdateScalars<T> c{};
    c.lr = lr;
    c.beta1 = static_cast<T>(beta1_);
    c.one_minus1 = static_cast<T>(1.0 - beta1_);
    c.beta2 = static_cast<T>(beta2_);
    c.one_minus2 = static_cast<T>(1.0 - beta2_);
    c.eps = static_cast<T>(epsilon_);
    c.corr1 = static_cast<T>(1.0 - std::pow(beta1_, t));
    c.corr2 = static_cast<T>(1.0 - std::pow(beta2_, t));
    c.flag = bias_correction_;
    for (std::size_t k = 0; k < params.size(); ++k)
      ok = simd::update_adam(params[k].value->data(), params[k].grad->data(), this->slot(0, k), this->slot(1, k),
                             this->compensation(k), this->target(params[k], into_grad), params[k].value->size(), c) && ok;
    ++this->steps_;
    return ok;
  }

 private:
  double beta1_, beta2_, epsilon_;
  bool bias_correction_;
};

}  // namespace

MINDSET_REGISTER_SCALAR(OptimizerTag, Adam);

}  // namespace mindset
