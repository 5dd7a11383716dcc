#include <cmath>

#include "loss.hpp"
#include "simd.hpp"

namespace mindset {

template <class T>
void Loss<T>::gradient_dz(CView<T> a, CView<T> y, View<T> dz) const {
  for (std::size_t i = 0; i < a.size(); ++i) dz.data[i] = a.data[i] - y.data[i];
}
template class Loss<float>;
template class Loss<double>;

namespace {

// J = -(1/m) * sum[y log a + (1 - y) log(1 - a)], a = sigmoid(z).
template <class T>
class BinaryCrossEntropy : public Loss<T> {
 public:
  explicit BinaryCrossEntropy(const ConfigNode&) {}
  static TypeInfo info() {
    return {"binary_cross_entropy",
            "-(1/m) sum[y log a + (1-y) log(1-a)], labels 0/1, one sigmoid output unit", spec::map()};
  }
  std::string name() const override { return "binary_cross_entropy"; }
  std::string long_name() const override { return "binary cross-entropy, mean over examples"; }
  std::string fused_activation() const override { return "sigmoid"; }

  std::string check_output(const std::string& activation, std::size_t units) const override {
    if (activation == "softmax")
      return "a softmax output goes with loss: categorical_cross_entropy (labels 0..K-1, one unit per "
             "class); binary_cross_entropy needs an output layer of 1 sigmoid unit (the probability of class 1)";
    if (units != 1 || activation != "sigmoid")
      return "binary_cross_entropy needs an output layer of 1 sigmoid unit (the probability of "
             "class 1); found " + std::to_string(units) + " " + activation + " unit" +
             (units == 1 ? "" : "s") +
             " (for several classes use softmax with categorical_cross_entropy)";
    return "";
  }

  std::string check_labels(const double* y, std::size_t m, std::size_t) const override {
    for (std::size_t j = 0; j < m; ++j)
      if (y[j] != 0.0 && y[j] != 1.0)
        return "labels must be 0 or 1 for binary_cross_entropy; example " + std::to_string(j) +
               " has " + format(y[j]);
    return "";
  }

  void encode(const double* y, View<T> Y) const override {
    for (std::size_t j = 0; j < Y.cols; ++j) Y.data[j] = static_cast<T>(y[j]);
  }

  T sum(CView<T> z, CView<T> a, CView<T> y) const override {
    // Per example: the plain formula where it is finite (so the cost equals numpy's), and the
    // same quantity from Z where a has saturated to 0 or 1 and a log would be infinite.
    const std::size_t m = a.cols;
    T total = 0;
    T terms[1024];
    for (std::size_t start = 0; start < m; start += 8192) {
      std::size_t len = std::min<std::size_t>(8192, m - start);
      // numpy sums each 8192 block pairwise; do the same in sub-blocks that keep the stack small.
      T block = pairwise_block(z.data + start, a.data + start, y.data + start, len, terms);
      total += block;
    }
    return -total;
  }

  void gradient_da(CView<T> a, CView<T> y, View<T> da) const override {
    for (std::size_t i = 0; i < a.size(); ++i)
      da.data[i] = -(y.data[i] / a.data[i] - (T(1) - y.data[i]) / (T(1) - a.data[i]));
  }

  double metric_sum(CView<T> a, CView<T> y) const override {
    std::size_t correct = 0;
    for (std::size_t j = 0; j < a.cols; ++j) correct += ((a.data[j] > T(0.5)) == (y.data[j] > T(0.5)));
    return static_cast<double>(correct);
  }
  double predict(CView<T> a, std::size_t j) const override { return a.data[j] > T(0.5) ? 1.0 : 0.0; }

 private:
  static std::string format(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
  }
  // numpy's pairwise sum of the terms of n <= 8192 examples, computing terms on the fly:
  // y log a + (1 - y) log(1 - a) (vectorised log, < 1 ulp), or from z where a is exactly 0 or 1.
  static T pairwise_block(const T* z, const T* a, const T* y, std::size_t n, T* scratch) {
    if (n <= 1024) {
      simd::bce_terms(z, a, y, scratch, n);
      return pairwise_sum(scratch, n);
    }
    std::size_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise_block(z, a, y, n2, scratch) + pairwise_block(z + n2, a + n2, y + n2, n - n2, scratch);
  }
};

}  // namespace

MINDSET_REGISTER_SCALAR(LossTag, BinaryCrossEntropy);

}  // namespace mindset
