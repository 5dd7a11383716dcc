// Weight initialisers. Each fills a layer's W (units x fan_in) in row-major order from the one
// numpy-exact stream of the run, so `seed: 1` with {type: normal, scale: 1} gives the W that
// np.random.seed(1); np.random.randn(units, fan_in) gives. Biases always start at zero.
#pragma once

#include <memory>

#include <xtensor/xtensor.hpp>

#include "random.hpp"
#include "registry.hpp"

namespace mindset {

class Initializer {
 public:
  virtual ~Initializer() = default;
  virtual std::string name() const = 0;
  // W has shape (fan_out, fan_in); values are computed in double, as numpy code does.
  virtual void fill(xt::xtensor<double, 2>& w, NumpyRandom& rng) const = 0;
};

struct InitializerTag {
  using Factory = std::function<std::unique_ptr<Initializer>(const ConfigNode&)>;
  static const char* kind() { return "initializer"; }
  static const char* plural() { return "initializers"; }
};
using InitializerRegistry = Registry<InitializerTag>;

// From a validated name or {type: ..., options}.
inline std::unique_ptr<Initializer> make_initializer(const ConfigNode& spec) {
  return make_object<InitializerTag>(spec);
}

}  // namespace mindset
