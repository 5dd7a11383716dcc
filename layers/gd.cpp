// Plain gradient descent: W := W - alpha dW.
#include "optimizer.hpp"

namespace mindset {

template <class T>
ConfigNode Optimizer<T>::attributes() const {
  ConfigNode a = ConfigNode::map();
  a.set("type", ConfigNode::of(name()));
  return a;
}
template class Optimizer<float>;
template class Optimizer<double>;

namespace {

template <class T>
class GradientDescent : public Optimizer<T> {
 public:
  explicit GradientDescent(const ConfigNode&) {}
  static TypeInfo info() { return {"gd", "gradient descent: W := W - learning_rate * dW", spec::map()}; }
  std::string name() const override { return "gd"; }
  bool update(const std::vector<Param<T>>& params, T lr, bool into_grad) override {
    bool ok = true;
    for (const auto& p : params) {
      const T* w = p.value->data();
      T* out = this->target(p, into_grad);
      const T* g = p.grad->data();
      const std::size_t n = p.value->size();
      for (std::size_t i = 0; i < n; ++i) out[i] = w[i] - lr * g[i];
      if (into_grad) ok = this->finite(out, n) && ok;
    }
    ++this->steps_;
    return ok;
  }
};

}  // namespace

MINDSET_REGISTER_SCALAR(OptimizerTag, GradientDescent);

}  // namespace mindset
