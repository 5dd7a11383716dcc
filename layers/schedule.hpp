// Learning-rate schedules: the learning rate of each update, from the configured one (lr0).
//
// A schedule counts in updates (`unit: iteration`, the default) or in completed epochs
// (`unit: epoch`, as the course's decay does). Values are computed in double, as numpy code
// computes them from Python floats, and the optimiser receives them in the network's type.
#pragma once

#include <memory>
#include <string>

#include "registry.hpp"

namespace mindset {

class Schedule {
 public:
  virtual ~Schedule() = default;
  virtual std::string name() const = 0;
  // The learning rate after t steps (updates or epochs done) of a run of `total` steps.
  virtual double rate(double lr0, long long t, double total) const = 0;
  bool per_epoch() const { return per_epoch_; }
  // "step: lr0 * 0.5**floor(t / 1000), t in iterations", for the results file.
  virtual std::string describe() const = 0;

 protected:
  bool per_epoch_ = false;
};

struct ScheduleTag {
  using Factory = std::function<std::unique_ptr<Schedule>(const ConfigNode&)>;
  static const char* kind() { return "schedule"; }
  static const char* plural() { return "schedules"; }
};
using ScheduleRegistry = Registry<ScheduleTag>;

// From a validated name or {type: ..., options}.
std::unique_ptr<Schedule> make_schedule(const ConfigNode& spec);

}  // namespace mindset
