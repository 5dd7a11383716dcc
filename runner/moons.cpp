// Two interleaving half circles (as scikit-learn's make_moons, unshuffled), numpy-exact:
//   n_out = m // 2; n_in = m - n_out
//   t_out = np.linspace(0, np.pi, n_out); t_in = np.linspace(0, np.pi, n_in)
//   X = np.vstack([np.append(np.cos(t_out), 1 - np.cos(t_in)),
//                  np.append(np.sin(t_out), 1 - np.sin(t_in) - .5)])
//   y = np.append(np.zeros(n_out), np.ones(n_in)); X = X + noise * np.random.randn(2, m)
#include <cmath>

#include "synthetic.hpp"

namespace mindset {

namespace {

class Moons : public DataSource {
 public:
  explicit Moons(const ConfigNode& o) : o_(o) {}

  static TypeInfo info() {
    return {"moons", "two interleaving half circles (no files needed)",
            synthetic::options(0.2, "standard deviation of Gaussian noise added to the points")};
  }

  Dataset load() override {
    const auto m = static_cast<std::size_t>(o_.get_integer("examples"));
    const std::size_t n_out = m / 2, n_in = m - n_out;
    NumpyRandom rng(static_cast<std::uint32_t>(o_.get_integer("seed")));
    Dataset d = synthetic::allocate(2, m, o_.mark());
    const std::vector<double> t_out = synthetic::linspace(0, M_PI, n_out), t_in = synthetic::linspace(0, M_PI, n_in);
    for (std::size_t j = 0; j < n_out; ++j) {
      d.x(0, j) = std::cos(t_out[j]);
      d.x(1, j) = std::sin(t_out[j]);
    }
    for (std::size_t j = 0; j < n_in; ++j) {
      d.x(0, n_out + j) = 1 - std::cos(t_in[j]);
      d.x(1, n_out + j) = 1 - std::sin(t_in[j]) - .5;
      d.y[n_out + j] = 1;
    }
    synthetic::add_noise(d, o_.get_number("noise"), rng);
    d.classes = {"0", "1"};
    d.provenance = synthetic::provenance("moons", o_);
    return d;
  }

 private:
  ConfigNode o_;
};

}  // namespace

MINDSET_REGISTER(DataTag, Moons);

}  // namespace mindset
