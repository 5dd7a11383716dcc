// Optimisers own the update rule and any per-parameter state (velocities, moments).
//
// Formulas are written as the course's numpy code writes them, operation for operation, so that
// an update equals numpy's to the last bit: scalars such as (1 - beta) are computed in double
// (Python floats) and then applied in the network's type.
#pragma once

#include <cmath>
#include <limits>
#include <memory>
#include <type_traits>
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
  // Allocates state for these parameters (called once, after the network is built): the rule's
  // own (setup_slots) and, for float32, a compensation array per parameter: its updates are
  // added with Kahan's compensated summation, so that steps far below a weight's ulp still add
  // up as they would in float64 (plain float32 updates drift from the float64 trajectory).
  void setup(const std::vector<Param<T>>& params) {
    names_.clear();
    comp_.clear();
    for (const auto& p : params) names_.push_back(p.name);
    if (std::is_same<T, float>::value)
      for (const auto& p : params) comp_.push_back(xt::zeros<T>(p.value->shape()));
    setup_slots(params);
  }
  // One update of every parameter from its gradient, in place. Never allocates.
  void step(const std::vector<Param<T>>& params, T learning_rate) { update(params, learning_rate, false); }
  // The same update written into each parameter's grad buffer instead (the gradient is
  // consumed; values are left as they were). Returns whether every new value is finite: the
  // trainer then swaps values and grads, or keeps the last finite parameters without ever
  // copying them. Optimiser state (velocities, moments) advances either way.
  bool step_into_grad(const std::vector<Param<T>>& params, T learning_rate) {
    return update(params, learning_rate, true);
  }
  // State for checkpoints: named arrays ("layer_1/W/v", "layer_1/W/compensation"), written
  // through to restore.
  std::vector<std::pair<std::string, xt::xtensor<T, 2>*>> state() {
    auto out = slot_state();
    for (std::size_t k = 0; k < comp_.size(); ++k) out.emplace_back(names_[k] + "/compensation", &comp_[k]);
    return out;
  }
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
  virtual void setup_slots(const std::vector<Param<T>>& /*params*/) {}
  virtual std::vector<std::pair<std::string, xt::xtensor<T, 2>*>> slot_state() { return {}; }
  // Parameter k's compensation array (float32), or null.
  T* compensation(std::size_t k) { return comp_.empty() ? nullptr : comp_[k].data(); }
  long long steps_ = 0;
  std::vector<std::string> names_;  // the parameters' names, for state()

 private:
  std::vector<xt::xtensor<T, 2>> comp_;
};

// An optimiser with named state slots per parameter ("v", "s"), each an array of zeros shaped
// like the parameter until the first step.
template <class T>
class SlotOptimizer : public Optimizer<T> {
 public:
  explicit SlotOptimizer(std::vector<std::string> slots) : slot_names_(std::move(slots)) {}

 protected:
  void setup_slots(const std::vector<Param<T>>& params) override {
    slots_.assign(slot_names_.size(), {});
    for (auto& s : slots_)
      for (const auto& p : params) s.push_back(xt::zeros<T>(p.value->shape()));
  }
  std::vector<std::pair<std::string, xt::xtensor<T, 2>*>> slot_state() override {
    std::vector<std::pair<std::string, xt::xtensor<T, 2>*>> out;
    for (std::size_t s = 0; s < slots_.size(); ++s)
      for (std::size_t i = 0; i < slots_[s].size(); ++i)
        out.emplace_back(this->names_[i] + "/" + slot_names_[s], &slots_[s][i]);
    return out;
  }

  // slot(s, i): state array s of parameter i.
  T* slot(std::size_t s, std::size_t i) { return slots_[s][i].data(); }

 private:
  std::vector<std::string> slot_names_;
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
