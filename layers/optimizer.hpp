// Optimisers own the update rule and any per-parameter state (velocities, moments).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "layer.hpp"

namespace mindset {

template <class T>
class Optimizer {
 public:
  virtual ~Optimizer() = default;
  virtual std::string name() const = 0;
  // Allocate state for these parameters (called once, after the network is built).
  virtual void setup(const std::vector<Param<T>>& /*params*/) {}
  // One update of every parameter from its gradient.
  virtual void step(const std::vector<Param<T>>& params, T learning_rate) = 0;
  // State for checkpoints: named arrays, and the number of steps taken.
  virtual std::vector<std::pair<std::string, xt::xtensor<T, 2>*>> state() { return {}; }
  long long steps() const { return steps_; }
  void set_steps(long long s) { steps_ = s; }

 protected:
  long long steps_ = 0;
};

struct OptimizerTag {
  using Factory = ScalarFactory<Optimizer>;
  static const char* kind() { return "optimizer"; }
  static const char* plural() { return "optimizers"; }
};
using OptimizerRegistry = Registry<OptimizerTag>;

template <class T>
std::unique_ptr<Optimizer<T>> make_optimizer(const ConfigNode& spec) {
  return make_scalar_object<OptimizerTag, T>(spec);
}

}  // namespace mindset
