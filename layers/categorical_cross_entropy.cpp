// Categorical cross-entropy over K classes, with a softmax output of K units:
//   J = -(1/m) * np.sum(np.sum(Y * np.log(A), axis=0)),   Y one-hot (K x m) from class indices
// Fused with softmax, dZ = A - Y. Labels are class indices 0..K-1; accuracy compares argmaxes.
#include <cmath>
#include <cstdio>

#include "loss.hpp"

namespace mindset {

namespace {

template <class T>
class CategoricalCrossEntropy : public Loss<T> {
 public:
  explicit CategoricalCrossEntropy(const ConfigNode&) {}
  static TypeInfo info() {
    return {"categorical_cross_entropy",
            "-(1/m) sum y log a over classes; labels 0..K-1, a softmax output of K units", spec::map()};
  }
  std::string name() const override { return "categorical_cross_entropy"; }
  std::string long_name() const override { return "categorical cross-entropy, mean over examples"; }
  std::string fused_activation() const override { return "softmax"; }

  std::string check_output(const std::string& activation, std::size_t units) const override {
    if (activation != "softmax" || units < 2)
      return "categorical_cross_entropy needs a softmax output layer with one unit per class (at least 2); "
             "found " + std::to_string(units) + " " + activation + " unit" + (units == 1 ? "" : "s") +
             (units == 1 && activation == "sigmoid"
                  ? " (for two classes with one sigmoid unit use binary_cross_entropy)"
                  : " (use activation: softmax and units: the number of classes)");
    return "";
  }

  std::string check_labels(const double* y, std::size_t m, std::size_t units) const override {
    for (std::size_t j = 0; j < m; ++j)
      if (!(y[j] >= 0) || y[j] != std::floor(y[j]) || y[j] >= static_cast<double>(units)) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%g", y[j]);
        return "labels must be class indices 0.." + std::to_string(units - 1) + " for a softmax output of " +
               std::to_string(units) + " units; example " + std::to_string(j) + " has " + buf +
               (y[j] >= static_cast<double>(units) && y[j] == std::floor(y[j])
                    ? " (give the output layer one unit per class)" : "");
      }
    return "";
  }

  void encode(const double* y, View<T> Y) const override {
    std::fill(Y.data, Y.data + Y.size(), T(0));
    for (std::size_t j = 0; j < Y.cols; ++j) Y(static_cast<std::size_t>(y[j]), j) = T(1);
  }

  T sum(CView<T> z, CView<T> a, CView<T> y) const override {
    const std::size_t m = a.cols;
    T total = 0;
    T terms[1024];
    for (std::size_t start = 0; start < m; start += 8192) {
      std::size_t len = std::min<std::size_t>(8192, m - start);
      total += block(z, a, y, start, len, terms);
    }
    return -total;
  }

  void gradient_da(CView<T> a, CView<T> y, View<T> da) const override {
    for (std::size_t i = 0; i < a.size(); ++i) da.data[i] = -(y.data[i] / a.data[i]);
  }

  double metric_sum(CView<T> a, CView<T> y) const override {
    std::size_t correct = 0;
    for (std::size_t j = 0; j < a.cols; ++j) correct += argmax(a, j) == argmax(y, j);
    return static_cast<double>(correct);
  }
  double predict(CView<T> a, std::size_t j) const override { return static_cast<double>(argmax(a, j)); }

 private:
  // np.argmax: the first of equal maxima.
  static std::size_t argmax(CView<T> a, std::size_t j) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < a.rows; ++i)
      if (a(i, j) > a(best, j)) best = i;
    return best;
  }
  // sum_i y_ij log a_ij for example j: the plain formula where a is positive (so the cost is
  // numpy's), log-softmax from Z where a has underflowed to 0 and the log would be -inf.
  static T term(CView<T> z, CView<T> a, CView<T> y, std::size_t j) {
    T s = 0;
    for (std::size_t i = 0; i < a.rows; ++i) {
      if (y(i, j) == T(0)) continue;
      if (a(i, j) > T(0)) {
        s += y(i, j) * std::log(a(i, j));
      } else {
        T mx = z(0, j), e = 0;
        for (std::size_t k = 1; k < z.rows; ++k) mx = std::max(mx, z(k, j));
        for (std::size_t k = 0; k < z.rows; ++k) e += std::exp(z(k, j) - mx);
        s += y(i, j) * (z(i, j) - mx - std::log(e));
      }
    }
    return s;
  }
  // numpy's pairwise sum of the terms of examples [start, start + n), n <= 8192.
  static T block(CView<T> z, CView<T> a, CView<T> y, std::size_t start, std::size_t n, T* scratch) {
    if (n <= 1024) {
      for (std::size_t j = 0; j < n; ++j) scratch[j] = term(z, a, y, start + j);
      return pairwise_sum(scratch, n);
    }
    std::size_t n2 = n / 2;
    n2 -= n2 % 8;
    return block(z, a, y, start, n2, scratch) + block(z, a, y, start + n2, n - n2, scratch);
  }
};

}  // namespace

MINDSET_REGISTER_SCALAR(LossTag, CategoricalCrossEntropy);

}  // namespace mindset
