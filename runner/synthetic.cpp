#include "synthetic.hpp"

namespace mindset::synthetic {

Spec options(double default_noise, const std::string& noise_doc) {
  return spec::map()
      .field("examples", spec::integer("number of points m").def(ConfigNode::of(400)).min(2).max(1e9))
      .field("noise", spec::number(noise_doc).def(ConfigNode::of(default_noise)).min(0).must_be_finite())
      .field("seed", spec::integer("seeds this set's own stream (np.random.seed)").def(ConfigNode::of(1)).min(0).max(4294967295.0));
}

std::vector<double> linspace(double start, double stop, std::size_t num, bool endpoint) {
  std::vector<double> y(num);
  const std::size_t div = endpoint ? (num > 0 ? num - 1 : 0) : num;
  const double delta = stop - start;
  if (div == 0) {
    if (num) y[0] = start;
    return y;
  }
  const double step = delta / static_cast<double>(div);
  for (std::size_t i = 0; i < num; ++i) {
    // numpy: arange(num) * step + start (or arange/div*delta when the step underflows to 0)
    y[i] = step == 0 ? static_cast<double>(i) / static_cast<double>(div) * delta + start
                     : static_cast<double>(i) * step + start;
  }
  if (endpoint && num > 1) y[num - 1] = stop;
  return y;
}

Dataset allocate(std::size_t n, std::size_t m, const Mark& mark) {
  const long double bytes = static_cast<long double>(n) * static_cast<long double>(m) * 8.0L * 2.0L;
  if (bytes > static_cast<long double>(available_memory()))
    throw UserError(mark, "examples", std::to_string(m) + " examples of " + std::to_string(n) +
                                          " features need more memory than is available");
  Dataset d;
  d.x = xt::zeros<double>({n, m});
  d.y.assign(m, 0.0);
  return d;
}

void add_noise(Dataset& d, double noise, NumpyRandom& rng) {
  double* p = d.x.data();
  for (std::size_t i = 0, total = d.n() * d.m(); i < total; ++i) p[i] = p[i] + noise * rng.standard_normal();
}

ConfigNode provenance(const std::string& type, const ConfigNode& o) {
  ConfigNode p = ConfigNode::map();
  p.set("type", ConfigNode::of(type));
  for (const auto& [k, v] : o.entries())
    if (k != "type") p.set(k, v);
  return p;
}

}  // namespace mindset::synthetic
