// Plain gradient descent: W := W - alpha dW.
#include "optimizer.hpp"
#include "simd.hpp"

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
  // out = w - lr * g (simd::update_gd, 8 at a time).
  bool update(const std::vector<Param<T>>& params, T lr, bool into_grad) override {
    bool ok = true;
    simd::UpdateScalars<T> c{};
    c.lr = lr;
    for (std::size_t k = 0; k < params.size(); ++k)
      ok = simd::update_gd(params[k].value->data(), params[k].grad->data(), this->compensation(k),
                           this->target(params[k], into_grad), params[k].value->size(), c) && ok;
    ++this->steps_;
    return ok;
  }
};

}  // namespace

MINDSET_REGISTER_SCALAR(OptimizerTag, GradientDescent);

}  // namespace mindset
