// Optimisers own the update rule and any per-parameter state (velocities, moments).
//
// Formulas are written as the course's numpy code writes them, operation for operation, so that
// an update equals numpy's to the last bit: scalars such as (1 - beta) are computed in double
// (Python floats) and then applied in the network's type.
#pragma once

#include <cmath>
#include <limits>
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
  // One update of every parameter from its gradient, in place. Never allocates.
  void step(const std::vector<Param<T>>& params, T learning_rate) { update(params, learning_rate, false); }
  // The same update written into each parameter's grad buffer instead (the gradient is
  // consumed; values are left as they were). Returns whether every new value is finite: the
  // trainer then swaps values and grads, or keeps the last finite parameters without ever
  // copying them. Optimiser state (velocities, moments) advances either way.
  bool step_into_grad(const std::vector<Param<T>>& params, T learning_rate) {
    return update(params, learning_rate, true);
  }
  // State for checkpoints: named arrays ("layer_1/W/v"), written through to restore.
  virtual std::vector<std::pair<std::string, xt::xtensor<T, 2>*>> state() { return {}; }
  // The options that define the rule (type, beta, ...), for checkpoints and results attributes.
  virtual ConfigNode attributes() const;
  long long steps() const { return steps_; }
  // Where parameter p's new values go.
  static T* target(const Param<T>& p, bool into_grad) { return into_grad ? p.grad->data() : p.value->data(); }

  void set_steps(long long s) { steps_ = s; }

 protected:
  // The update rule: new values of each parameter to target(p, into_grad). Elementwise, each
  // element's reads before its write, so the target may alias the value or the gradient.
  // Returns whether every new value is finite.
  virtual bool update(const std::vector<Param<T>>& params, T learning_rate, bool into_grad) = 0;
  long long steps_ = 0;
};

// An optimiser with named state slots per parameter ("v", "s"), each an array of zeros shaped
// like the parameter until the first step.
template <class T>
class SlotOptimizer : public Optimizer<T> {
 public:
  explicit SlotOptimizer(std::vector<std::string> slots) : slot_names_(std::move(slots)) {}
  void setup(const std::vector<Param<T>>& params) override {
    slots_.assign(slot_names_.size(), {});
    names_.clear();
    for (auto& s : slots_)
      for (const auto& p : params) s.push_back(xt::zeros<T>(p.value->shape()));
    for (const auto& p : params) names_.push_back(p.name);
  }
  std::vector<std::pair<std::string, xt::xtensor<T, 2>*>> state() override {
    std::vector<std::pair<std::string, xt::xtensor<T, 2>*>> out;
    for (std::size_t s = 0; s < slots_.size(); ++s)
      for (std::size_t i = 0; i < slots_[s].size(); ++i) out.emplace_back(names_[i] + "/" + slot_names_[s], &slots_[s][i]);
    return out;
  }

 protected:
  // slot(s, i): state array s of parameter i.
  T* slot(std::size_t s, std::size_t i) { return slots_[s][i].data(); }

 private:
  std::vector<std::string> slot_names_, names_;
  std::vector<std::vector<xt::xtensor<T, 2>>> slots_;
};

// A validated option, or its default when the options come from code rather than a config.
inline double option_or(const ConfigNode& o, const std::string& key, double def) {
  const ConfigNode* v = o.find(key);
  return v && v->is_number() ? v->as_number() : def;
}
inline bool flag_or(const ConfigNode& o, const std::string& key, bool def) {
  const ConfigNode* v = o.find(key);
  return v && v->is_bool() ? v->as_bool() : def;
}

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
