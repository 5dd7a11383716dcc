// Mean squared error for regression, one output unit (usually linear):
//   J = (1/m) * np.sum(np.square(A - Y))
// Fused with a linear output, dZ = dJ/dZ * m = 2 * (A - Y). The metric is the root mean squared
// error, sqrt(np.mean(np.square(A - Y))), in the targets' units.
#include <cmath>
#include <cstdio>

#include "loss.hpp"

namespace mindset {

namespace {

template <class T>
class MeanSquaredError : public Loss<T> {
 public:
  explicit MeanSquaredError(const ConfigNode&) {}
  static TypeInfo info() {
    return {"mse", "(1/m) sum (a - y)^2 for regression; one output unit (linear); metric: RMSE", spec::map()};
  }
  std::string name() const override { return "mse"; }
  std::string long_name() const override { return "mean squared error, mean over examples"; }
  std::string fused_activation() const override { return "linear"; }
  std::string metric() const override { return "rmse"; }

  std::string check_output(const std::string& activation, std::size_t units) const override {
    if (activation == "softmax")
      return "mse is for regression; a softmax output gives class probabilities: use loss "
             "categorical_cross_entropy, or one linear output unit for a regression target";
    if (units != 1)
      return "mse needs an output layer of 1 unit (one target per example); found " + std::to_string(units) +
             " units";
    return "";
  }

  std::string check_labels(const double* y, std::size_t m, std::size_t) const override {
    for (std::size_t j = 0; j < m; ++j)
      if (!std::isfinite(y[j]))
        return "regression targets must be finite numbers; example " + std::to_string(j) + " has " +
               (std::isnan(y[j]) ? "NaN" : "an infinite value");
    return "";
  }

  void encode(const double* y, View<T> Y) const override {
    for (std::size_t j = 0; j < Y.cols; ++j) Y.data[j] = static_cast<T>(y[j]);
  }

  T sum(CView<T>, CView<T> a, CView<T> y) const override {
    const T* pa = a.data;
    const T* py = y.data;
    return numpy_sum_of<T>([pa, py](std::size_t i) { T d = pa[i] - py[i]; return d * d; }, a.size());
  }

  void gradient_dz(CView<T> a, CView<T> y, View<T> dz) const override {
    for (std::size_t i = 0; i < a.size(); ++i) dz.data[i] = T(2) * (a.data[i] - y.data[i]);
  }
  void gradient_da(CView<T> a, CView<T> y, View<T> da) const override { gradient_dz(a, y, da); }

  double metric_sum(CView<T> a, CView<T> y) const override {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      double d = static_cast<double>(a.data[i]) - static_cast<double>(y.data[i]);
      s += d * d;
    }
    return s;
  }
  double metric_value(double sum, std::size_t m) const override {
    return m ? std::sqrt(sum / static_cast<double>(m)) : 0.0;
  }
  double predict(CView<T> a, std::size_t j) const override { return static_cast<double>(a.data[j]); }
};

}  // namespace

MINDSET_REGISTER_SCALAR(LossTag, MeanSquaredError);

}  // namespace mindset
