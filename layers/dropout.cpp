// Inverted dropout, as the course writes it. In a training pass, for an input A of shape
// (units, m):
//   D = np.random.rand(units, m) < keep_prob      (keep_prob = 1 - rate; drawn in C order)
//   A = A * D;  A = A / keep_prob
// and backward: dA = dA * D;  dA = dA / keep_prob. Evaluation passes are the identity and draw
// nothing; so is rate 0 (so a sweep's rate 0 equals a network without the layer).
#include "layer.hpp"

namespace mindset {

namespace {

template <class T>
class Dropout : public Layer<T> {
 public:
  explicit Dropout(const ConfigNode& o) : rate_(o.has("rate") ? o.get_number("rate") : 0.5), keep_(1.0 - rate_) {}

  static TypeInfo info() {
    return {"dropout", "inverted dropout: zero each input with probability rate, scale the rest by 1/(1-rate)",
            spec::map().field("rate", spec::number("probability of dropping a unit (keep_prob = 1 - rate)")
                                          .require().min(0).max(1, true).must_be_finite())};
  }
  std::string type() const override { return "dropout"; }

  void build(std::size_t fan_in, std::size_t max_batch) override {
    units_ = fan_in;
    mask_.resize(units_, max_batch);
    out_.resize(units_, max_batch);
  }
  std::size_t output_size() const override { return units_; }

  CView<T> forward(CView<T> input, const ForwardMode& mode) override {
    active_ = mode.training && rate_ > 0.0;
    if (!active_) return last_ = input;
    const std::size_t m = input.cols;
    mask_.reshape(units_, m);
    out_.reshape(units_, m);
    const T keep = static_cast<T>(keep_);
    T* d = mask_.data();
    T* a = out_.data();
    for (std::size_t i = 0; i < units_ * m; ++i) {
      d[i] = mode.rng->random_sample() < keep_ ? T(1) : T(0);
      a[i] = (input.data[i] * d[i]) / keep;
    }
    return last_ = out_.view();
  }

  void backward(CView<T>, View<T> grad, bool, View<T>* input_grad) override {
    if (!input_grad) return;
    if (!active_) {
      std::copy(grad.data, grad.data + grad.size(), input_grad->data);
      return;
    }
    const T keep = static_cast<T>(keep_);
    const T* d = mask_.data();
    for (std::size_t i = 0; i < grad.size(); ++i) input_grad->data[i] = (grad.data[i] * d[i]) / keep;
  }

  CView<T> pre_activation() const override { return last_; }
  ConfigNode attributes() const override {
    ConfigNode a = ConfigNode::map();
    a.set("type", ConfigNode::of("dropout"));
    a.set("units", ConfigNode::of(static_cast<long long>(units_)));
    a.set("rate", ConfigNode::of(rate_));
    return a;
  }

 private:
  double rate_, keep_;
  std::size_t units_ = 0;
  bool active_ = false;
  Matrix<T> mask_, out_;
  CView<T> last_;
};

}  // namespace

MINDSET_REGISTER_SCALAR(LayerTag, Dropout);

}  // namespace mindset
