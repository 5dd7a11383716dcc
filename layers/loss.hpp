// Losses: the cost J of a batch, its gradient at the output, and the metric reported with it.
#pragma once

#include <memory>
#include <string>

#include "registry.hpp"
#include "tensor.hpp"

namespace mindset {

template <class T>
class Loss {
 public:
  virtual ~Loss() = default;
  virtual std::string name() const = 0;
  // For the results file's attributes: "binary cross-entropy, mean over examples".
  virtual std::string long_name() const = 0;

  // The output activation with which the gradient simplifies to dZ = A - Y ("sigmoid").
  virtual std::string fused_activation() const = 0;
  // "" when an output layer of `units` units with `activation` suits this loss, else why not.
  virtual std::string check_output(const std::string& activation, std::size_t units) const = 0;
  // "" when labels (class indices or targets) suit this loss and an output of `units` units.
  virtual std::string check_labels(const double* y, std::size_t m, std::size_t units) const = 0;
  // Targets Y (units x m) from the labels.
  virtual void encode(const double* y, View<T> Y) const = 0;

  // The sum over the batch's examples of their losses, summed as numpy sums. The cost of m
  // examples is (1/m) * sum; sums of column blocks of up to 8192 add up to numpy's own sum.
  virtual T sum(CView<T> z, CView<T> a, CView<T> y) const = 0;

  // dZ = A - Y, for an output layer whose activation is fused_activation().
  virtual void gradient_dz(CView<T> a, CView<T> y, View<T> dz) const;
  // dJ/dA * m, for any other output activation.
  virtual void gradient_da(CView<T> a, CView<T> y, View<T> da) const = 0;

  // The metric: accuracy (fraction correct) for classifiers, root mean squared error otherwise.
  virtual std::string metric() const { return "accuracy"; }
  // Sum over the batch of the metric's per-example terms (correct count, or squared errors).
  virtual double metric_sum(CView<T> a, CView<T> y) const = 0;
  virtual double metric_value(double sum, std::size_t m) const { return m ? sum / static_cast<double>(m) : 0.0; }
  // Predicted class (or value) of example j.
  virtual double predict(CView<T> a, std::size_t j) const = 0;
};

struct LossTag {
  using Factory = ScalarFactory<Loss>;
  static const char* kind() { return "loss"; }
  static const char* plural() { return "losses"; }
};
using LossRegistry = Registry<LossTag>;

template <class T>
std::unique_ptr<Loss<T>> make_loss(const ConfigNode& spec) {
  return make_scalar_object<LossTag, T>(spec);
}

}  // namespace mindset
