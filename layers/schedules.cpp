// The learning-rate schedules. Each is one formula, written as numpy code writes it; t is the
// number of updates done (or epochs completed, with unit: epoch) before the update it serves.
#include <cmath>
#include <cstdio>

#include "optimizer.hpp"
#include "schedule.hpp"

namespace mindset {

std::unique_ptr<Schedule> make_schedule(const ConfigNode& spec) { return make_object<ScheduleTag>(spec); }

namespace {

Spec with_unit(Spec s) {
  return s.field("unit", spec::string("what t counts: updates (iteration) or completed epochs (epoch)")
                             .one_of({"iteration", "epoch"}).def(ConfigNode::scalar("iteration")));
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

class Counted : public Schedule {
 protected:
  explicit Counted(const ConfigNode& o) {
    const ConfigNode* u = o.find("unit");
    per_epoch_ = u && u->text() == "epoch";
  }
  std::string unit() const { return per_epoch_ ? "epochs" : "iterations"; }
};

class Constant : public Schedule {
 public:
  explicit Constant(const ConfigNode&) {}
  static TypeInfo info() { return {"constant", "the learning rate never changes", spec::map()}; }
  std::string name() const override { return "constant"; }
  double rate(double lr0, long long, double) const override { return lr0; }
  std::string describe() const override { return "constant: lr0"; }
};

// lr0 * factor ** (t // every)
class Step : public Counted {
 public:
  explicit Step(const ConfigNode& o)
      : Counted(o), every_(o.has("every") ? o.get_integer("every") : 1), factor_(option_or(o, "factor", 0.5)) {}
  static TypeInfo info() {
    return {"step", "lr0 * factor ** floor(t / every): multiplied by factor every `every` steps",
            with_unit(spec::map()
                          .field("every", spec::integer("steps between drops").require().min(1))
                          .field("factor", spec::number("multiplies the rate at each drop")
                                               .def(ConfigNode::of(0.5)).min(0, true).must_be_finite()))};
  }
  std::string name() const override { return "step"; }
  double rate(double lr0, long long t, double) const override {
    return lr0 * std::pow(factor_, static_cast<double>(t / every_));
  }
  std::string describe() const override {
    return "step: lr0 * " + num(factor_) + "**floor(t / " + std::to_string(every_) + "), t in " + unit();
  }

 private:
  long long every_;
  double factor_;
};

// lr0 * rate ** (t / every)   (staircase: t // every)
class Exponential : public Counted {
 public:
  explicit Exponential(const ConfigNode& o)
      : Counted(o), rate_(option_or(o, "rate", 0.96)), every_(o.has("every") ? o.get_integer("every") : 1),
        staircase_(flag_or(o, "staircase", false)) {}
  static TypeInfo info() {
    return {"exponential", "lr0 * rate ** (t / every) (staircase: floor(t / every))",
            with_unit(spec::map()
                          .field("rate", spec::number("decay factor per `every` steps").require()
                                             .min(0, true).max(1).must_be_finite())
                          .field("every", spec::integer("steps per factor of rate").def(ConfigNode::of(1)).min(1))
                          .field("staircase", spec::boolean("decay in whole steps").def(ConfigNode::of(false))))};
  }
  std::string name() const override { return "exponential"; }
  double rate(double lr0, long long t, double) const override {
    double p = staircase_ ? static_cast<double>(t / every_) : static_cast<double>(t) / static_cast<double>(every_);
    return lr0 * std::pow(rate_, p);
  }
  std::string describe() const override {
    return "exponential: lr0 * " + num(rate_) + "**(" + (staircase_ ? "floor(t / " : "t / ") +
           std::to_string(every_) + (staircase_ ? "))" : ")") + ", t in " + unit();
  }

 private:
  double rate_;
  long long every_;
  bool staircase_;
};

// lr0 / (1 + decay * t / every), the course's decay (staircase: floor(t / every)).
class InverseTime : public Counted {
 public:
  explicit InverseTime(const ConfigNode& o)
      : Counted(o), decay_(option_or(o, "decay", 1.0)), every_(o.has("every") ? o.get_integer("every") : 1),
        staircase_(flag_or(o, "staircase", false)) {}
  static TypeInfo info() {
    return {"inverse_time", "lr0 / (1 + decay * t / every) (staircase: floor(t / every)), the course's decay",
            with_unit(spec::map()
                          .field("decay", spec::number("decay rate").require().min(0).must_be_finite())
                          .field("every", spec::integer("time interval: steps per unit of t").def(ConfigNode::of(1)).min(1))
                          .field("staircase", spec::boolean("decay in whole intervals (the course's "
                                                            "schedule_lr_decay)").def(ConfigNode::of(false))))};
  }
  std::string name() const override { return "inverse_time"; }
  double rate(double lr0, long long t, double) const override {
    if (staircase_) return lr0 / (1.0 + decay_ * std::floor(static_cast<double>(t) / static_cast<double>(every_)));
    if (every_ == 1) return lr0 / (1.0 + decay_ * static_cast<double>(t));
    return lr0 / (1.0 + decay_ * static_cast<double>(t) / static_cast<double>(every_));
  }
  std::string describe() const override {
    std::string tt = every_ == 1 && !staircase_ ? "t" : staircase_ ? "floor(t / " + std::to_string(every_) + ")"
                                                                 : "t / " + std::to_string(every_);
    return "inverse_time: lr0 / (1 + " + num(decay_) + " * " + tt + "), t in " + unit();
  }

 private:
  double decay_;
  long long every_;
  bool staircase_;
};

// lr0 * (alpha + (1 - alpha) * 0.5 * (1 + cos(pi * min(t, over) / over)))
class Cosine : public Counted {
 public:
  explicit Cosine(const ConfigNode& o)
      : Counted(o), over_(o.has("over") ? o.get_integer("over") : 0), alpha_(option_or(o, "alpha", 0.0)) {}
  static TypeInfo info() {
    return {"cosine", "lr0 * (alpha + (1-alpha) * (1 + cos(pi * t / over)) / 2), then lr0 * alpha",
            with_unit(spec::map()
                          .field("over", spec::integer("steps of the decay").min(1).def_doc("the whole run"))
                          .field("alpha", spec::number("final rate as a fraction of lr0")
                                              .def(ConfigNode::of(0.0)).min(0).max(1).must_be_finite()))};
  }
  std::string name() const override { return "cosine"; }
  double rate(double lr0, long long t, double total) const override {
    const double over = over_ > 0 ? static_cast<double>(over_) : total;
    const double s = over > 0 ? std::min(static_cast<double>(t), over) / over : 1.0;
    const double cosine = 0.5 * (1.0 + std::cos(M_PI * s));
    return lr0 * ((1.0 - alpha_) * cosine + alpha_);
  }
  std::string describe() const override {
    return "cosine: lr0 * ((1 - " + num(alpha_) + ") * 0.5 * (1 + cos(pi * min(t, T) / T)) + " + num(alpha_) +
           "), T = " + (over_ > 0 ? std::to_string(over_) : std::string("the run's length")) + ", t in " + unit();
  }

 private:
  long long over_;
  double alpha_;
};

}  // namespace

MINDSET_REGISTER(ScheduleTag, Constant);
MINDSET_REGISTER(ScheduleTag, Step);
MINDSET_REGISTER(ScheduleTag, Exponential);
MINDSET_REGISTER(ScheduleTag, InverseTime);
MINDSET_REGISTER(ScheduleTag, Cosine);

}  // namespace mindset
