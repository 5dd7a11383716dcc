// The dense layer: Z = W A_prev + b, A = g(Z), for all m examples (columns) at once.
#include "layer.hpp"

namespace mindset {

template <class T>
std::unique_ptr<Layer<T>> make_layer(const ConfigNode& spec) {
  return LayerRegistry::instance().factory(spec.get_string("type")).template make<T>(spec);
}
template std::unique_ptr<Layer<float>> make_layer<float>(const ConfigNode&);
template std::unique_ptr<Layer<double>> make_layer<double>(const ConfigNode&);

namespace {

template <class T>
class Dense : public Layer<T> {
 public:
  explicit Dense(const ConfigNode& o)
      : units_(static_cast<std::size_t>(o.get_integer("units"))),
        activation_(make_activation<T>(o.at("activation"))) {
    if (const ConfigNode* init = o.find("init")) init_ = make_initializer(*init);
  }

  static TypeInfo info() {
    return {"dense", "fully connected: Z = W A_prev + b, A = g(Z)",
            spec::map()
                .field("units", spec::integer("number of units (rows of W)").require().min(1))
                .field("activation", spec::object("activation", "g, applied to Z").require())
                .field("init", spec::object("initializer", "overrides model.init for this layer"))};
  }
  std::string type() const override { return "dense"; }

  void build(std::size_t fan_in, std::size_t max_batch) override {
    fan_in_ = fan_in;
    w_ = xt::zeros<T>({units_, fan_in});
    dw_ = xt::zeros<T>({units_, fan_in});
    b_ = xt::zeros<T>({units_, std::size_t(1)});
    db_ = xt::zeros<T>({units_, std::size_t(1)});
    z_.resize(units_, max_batch);
    a_.resize(units_, max_batch);
  }
  std::size_t output_size() const override { return units_; }

  void initialize(const Initializer& default_init, NumpyRandom& rng) override {
    xt::xtensor<double, 2> w = xt::zeros<double>({units_, fan_in_});
    (init_ ? *init_ : default_init).fill(w, rng);
    std::copy(w.begin(), w.end(), w_.begin());
    b_.fill(T(0));
  }

  CView<T> forward(CView<T> input, const ForwardMode&) override {
    const std::size_t m = input.cols;
    z_.reshape(units_, m);
    a_.reshape(units_, m);
    if (deferred_forward_) deferred_forward_ = false;  // a fused sweep's driver wrote W X into z_
    else gemm<T>(false, false, T(1), view_of(w_), input, T(0), z_.view());
    activation_->forward(z_.view(), b_.data(), a_.view());
    return a_.view();
  }

  void backward(CView<T> input, View<T> grad, bool grad_is_dz, View<T>* input_grad) override {
    const std::size_t m = input.cols;
    if (!grad_is_dz) activation_->backward(z_.view(), a_.view(), grad, grad);
    const T inv_m = T(1) / static_cast<T>(m);
    for (std::size_t i = 0; i < units_; ++i) db_(i, 0) = inv_m * numpy_sum(grad.row(i), m);  // db
    if (deferred_) {  // the driver computes dW for several networks at once
      deferred_->dz = grad.data;
      deferred_ = nullptr;
    } else {
      gemm<T>(false, true, inv_m, grad, input, T(0), view_of(dw_));  // dW = (1/m) dZ A_prev^T
    }
    if (input_grad) gemm<T>(true, false, T(1), view_of(w_), grad, T(0), *input_grad);  // W^T dZ
  }

  bool defer_products(std::size_t m, FusedProducts<T>* p) override {
    z_.reshape(units_, m);
    *p = FusedProducts<T>{w_.data(), z_.data(), nullptr, dw_.data(), units_, fan_in_};
    deferred_forward_ = true;
    deferred_ = p;
    return true;
  }
  void cancel_deferred() override {
    deferred_forward_ = false;
    deferred_ = nullptr;
  }

  std::vector<Param<T>> parameters() override {
    return {{"W", &w_, &dw_, true}, {"b", &b_, &db_, false}};
  }
  const Activation<T>* activation() const override { return activation_.get(); }
  CView<T> pre_activation() const override { return z_.view(); }

  ConfigNode attributes() const override {
    ConfigNode a = ConfigNode::map();
    a.set("type", ConfigNode::of("dense"));
    a.set("units", ConfigNode::of(static_cast<long long>(units_)));
    a.set("activation", ConfigNode::of(activation_->name()));
    if (init_) a.set("init", ConfigNode::of(init_->name()));
    return a;
  }

 private:
  std::size_t units_, fan_in_ = 0;
  std::unique_ptr<Activation<T>> activation_;
  std::unique_ptr<Initializer> init_;
  xt::xtensor<T, 2> w_, dw_, b_, db_;
  Matrix<T> z_, a_;
  bool deferred_forward_ = false;
  FusedProducts<T>* deferred_ = nullptr;  // armed by defer_products() for the next backward()
};

}  // namespace

MINDSET_REGISTER_SCALAR(LayerTag, Dense);

}  // namespace mindset
