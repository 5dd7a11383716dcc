// Random search, numpy-exact. With rs = numpy.random.RandomState(seed), for each trial and each
// param in the order written:
//   {values: [...]}                 values[rs.randint(0, len(values))]    (what rs.choice draws)
//   uniform      min a, max b       rs.uniform(a, b)                      = a + (b - a) * rs.random_sample()
//   log_uniform  min a, max b       math.exp(rs.uniform(math.log(a), math.log(b)))
//   int_uniform  min a, max b       rs.randint(a, b + 1)                  (b included)
// tests/reference/make_sweep_random.py draws the same numbers in Python.
#include <cmath>

#include "random.hpp"
#include "sweep_axes.hpp"
#include "validate.hpp"

namespace mindset {

namespace {

const Spec& param_spec() {
  static const Spec s = [] {
    Spec p = spec::map("how a random param is drawn");
    p.field("distribution", spec::string("uniform, log_uniform or int_uniform (min and max included for int_uniform)")
                                .one_of({"uniform", "log_uniform", "int_uniform"}))
        .field("min", spec::number("lower bound").must_be_finite())
        .field("max", spec::number("upper bound").must_be_finite())
        .field("values", spec::list(spec::any(), "values to choose from, each equally likely").at_least(1));
    return p;
  }();
  return s;
}

struct Param {
  enum class Kind { Values, Uniform, LogUniform, IntUniform } kind = Kind::Values;
  std::vector<ConfigNode> values;
  double lo = 0, hi = 0;
  long long ilo = 0, ihi = 0;
  Mark mark;
};

// Reads one param (a map as param_spec says, or a plain list as shorthand for `values`).
bool read_param(const ConfigNode& raw, const std::string& path, Param& p, Diagnostics& diags) {
  p.mark = raw.mark();
  if (raw.is_sequence()) {
    if (raw.items().empty()) {
      diags.add(raw.mark(), path, "needs at least one value");
      return false;
    }
    p.values = raw.items();
    return true;
  }
  if (!raw.is_map()) {
    diags.add(raw.mark(), path, "expected {distribution: uniform|log_uniform|int_uniform, min, max} or "
                                "{values: [...]}, found " + raw.describe());
    return false;
  }
  const std::size_t before = diags.size();
  ConfigNode v = validate(raw, param_spec(), path, diags);
  if (diags.size() != before) return false;
  const ConfigNode* dist = v.find("distribution");
  const ConfigNode* values = v.find("values");
  if (values) {
    if (dist || v.has("min") || v.has("max")) {
      diags.add(raw.mark(), path, "give either values or distribution/min/max, not both");
      return false;
    }
    p.values = values->items();
    return true;
  }
  if (!dist) {
    diags.add(raw.mark(), path, "missing key 'distribution' (uniform, log_uniform or int_uniform) or 'values'");
    return false;
  }
  for (const char* k : {"min", "max"})
    if (!v.has(k)) {
      diags.add(raw.mark(), path, "missing key '" + std::string(k) + "' (" + dist->text() + " needs min and max)");
      return false;
    }
  const ConfigNode &mn = v.at("min"), &mx = v.at("max");
  if (dist->text() == "int_uniform") {
    p.kind = Param::Kind::IntUniform;
    for (const ConfigNode* n : {&mn, &mx})
      if (!n->is_integer()) {
        diags.add(n->mark(), path, "int_uniform needs integer bounds, found " + n->text());
        return false;
      }
    p.ilo = mn.as_integer(), p.ihi = mx.as_integer();
    if (p.ilo > p.ihi) diags.add(mx.mark(), join_path(path, "max"), "must be >= min (" + mn.text() + "), found " + mx.text());
    // Both ends included; the width must fit numpy's randint.
    else if (static_cast<double>(p.ihi) - static_cast<double>(p.ilo) >= 9.2e18)
      diags.add(mx.mark(), join_path(path, "max"), "the range min..max is too wide");
    return diags.size() == before;
  }
  p.kind = dist->text() == "uniform" ? Param::Kind::Uniform : Param::Kind::LogUniform;
  p.lo = mn.as_number(), p.hi = mx.as_number();
  if (p.kind == Param::Kind::LogUniform && !(p.lo > 0))
    diags.add(mn.mark(), join_path(path, "min"), "log_uniform needs min > 0, found " + mn.text());
  if (!(p.lo <= p.hi)) diags.add(mx.mark(), join_path(path, "max"), "must be >= min (" + mn.text() + "), found " + mx.text());
  else if (!std::isfinite(p.hi - p.lo)) diags.add(mx.mark(), join_path(path, "max"), "the range max - min overflows");
  return diags.size() == before;
}

Choice draw(const Param& p, NumpyRandom& rs) {
  switch (p.kind) {
    case Param::Kind::Values: {
      std::size_t i = static_cast<std::size_t>(rs.random_interval(p.values.size() - 1));
      return {p.values[i], choice_token(p.values[i], i)};
    }
    case Param::Kind::Uniform:
    case Param::Kind::LogUniform: {
      const double lo = p.kind == Param::Kind::Uniform ? p.lo : std::log(p.lo);
      const double hi = p.kind == Param::Kind::Uniform ? p.hi : std::log(p.hi);
      double v = lo + (hi - lo) * rs.random_sample();
      if (p.kind == Param::Kind::LogUniform) v = std::exp(v);
      ConfigNode n = ConfigNode::of(v);
      n.set_mark(p.mark);
      return {n, choice_token(n, 0)};
    }
    case Param::Kind::IntUniform: {
      const auto width = static_cast<std::uint64_t>(p.ihi) - static_cast<std::uint64_t>(p.ilo);
      const auto v = static_cast<long long>(static_cast<std::uint64_t>(p.ilo) + rs.random_interval(width));
      ConfigNode n = ConfigNode::of(v);
      n.set_mark(p.mark);
      return {n, choice_token(n, 0)};
    }
  }
  return {};
}

}  // namespace

std::vector<std::vector<Choice>> sample_random(const ConfigNode& random, std::vector<Axis>& axes, Diagnostics& diags) {
  const ConfigNode& params = random.at("params");
  if (!params.is_map() || params.entries().empty()) {
    diags.add(params.mark(), "random.params", "expected a map of key.path: {distribution, min, max} or {values: [...]}, found " +
                                                  params.describe());
    return {};
  }
  std::vector<Param> ps;
  for (const auto& [key, raw] : params.entries()) {
    Param p;
    if (read_param(raw, "random.params." + key, p, diags)) ps.push_back(std::move(p));
    axes.push_back({key, params.key_mark(key), {}});
  }
  if (ps.size() != params.entries().size()) return {};
  NumpyRandom rs(static_cast<std::uint32_t>(random.get_integer("seed")));
  const auto trials = static_cast<std::size_t>(random.get_integer("trials"));
  std::vector<std::vector<Choice>> samples(trials);
  for (auto& trial : samples)
    for (const Param& p : ps) trial.push_back(draw(p, rs));
  return samples;
}

}  // namespace mindset
