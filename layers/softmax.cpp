// Softmax over each column (example), numerically stable as numpy code writes it:
//   e = np.exp(Z - np.max(Z, axis=0, keepdims=True));  A = e / np.sum(e, axis=0, keepdims=True)
// (numpy sums along axis 0 of a C-ordered array row after row, so the column sums here do too).
#include <cmath>

#include "activation.hpp"

namespace mindset {

namespace {

template <class T>
class Softmax : public Activation<T> {
 public:
  explicit Softmax(const ConfigNode&) {}
  static TypeInfo info() {
    return {"softmax", "e^z / sum(e^z) over each example's units; class probabilities (with categorical_cross_entropy)",
            spec::map()};
  }
  std::string name() const override { return "softmax"; }

  void forward(View<T> z, const T* bias, View<T> a) const override {
    const std::size_t k = z.rows, m = z.cols;
    if (bias)
      for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = 0; j < m; ++j) z(i, j) += bias[i];
    for (std::size_t j = 0; j < m; ++j) {
      T mx = z(0, j);
      for (std::size_t i = 1; i < k; ++i) mx = std::max(mx, z(i, j));
      T sum = 0;
      for (std::size_t i = 0; i < k; ++i) sum += a(i, j) = std::exp(z(i, j) - mx);
      for (std::size_t i = 0; i < k; ++i) a(i, j) = a(i, j) / sum;
    }
  }

  // dZ_i = A_i * (dA_i - sum_k A_k dA_k) per column: the softmax Jacobian applied to dA.
  void backward(CView<T>, CView<T> a, CView<T> da, View<T> dz) const override {
    const std::size_t k = a.rows, m = a.cols;
    for (std::size_t j = 0; j < m; ++j) {
      T dot = 0;
      for (std::size_t i = 0; i < k; ++i) dot += a(i, j) * da(i, j);
      for (std::size_t i = 0; i < k; ++i) dz(i, j) = a(i, j) * (da(i, j) - dot);
    }
  }
};

}  // namespace

MINDSET_REGISTER_SCALAR(ActivationTag, Softmax);

}  // namespace mindset
