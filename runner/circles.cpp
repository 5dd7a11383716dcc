// A circle inside a circle (as scikit-learn's make_circles, unshuffled), numpy-exact:
//   n_out = m // 2; n_in = m - n_out
//   t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False); t_in = likewise with n_in
//   X = np.vstack([np.append(np.cos(t_out), np.cos(t_in) * factor),
//                  np.append(np.sin(t_out), np.sin(t_in) * factor)])
//   y = np.append(np.zeros(n_out), np.ones(n_in)); X = X + noise * np.random.randn(2, m)
#include <cmath>

#include "synthetic.hpp"

namespace mindset {

namespace {

class Circles : public DataSource {
 public:
  explicit Circles(const ConfigNode& o) : o_(o) {}

  static TypeInfo info() {
    return {"circles", "a small circle (class 1) inside a large one (class 0) (no files needed)",
            synthetic::options(0.1, "standard deviation of Gaussian noise added to the points")
                .field("factor", spec::number("radius of the inner circle (the outer one has radius 1)")
                                     .def(ConfigNode::of(0.5)).min(0, true).max(1, true))};
  }

  Dataset load() override {
    const auto m = static_cast<std::size_t>(o_.get_integer("examples"));
    const std::size_t n_out = m / 2, n_in = m - n_out;
    const double factor = o_.get_number("factor");
    NumpyRandom rng(static_cast<std::uint32_t>(o_.get_integer("seed")));
    Dataset d = synthetic::allocate(2, m, o_.mark());
    const double two_pi = 2 * M_PI;
    const std::vector<double> t_out = synthetic::linspace(0, two_pi, n_out, false),
                              t_in = synthetic::linspace(0, two_pi, n_in, false);
    for (std::size_t j = 0; j < n_out; ++j) {
      d.x(0, j) = std::cos(t_out[j]);
      d.x(1, j) = std::sin(t_out[j]);
    }
    for (std::size_t j = 0; j < n_in; ++j) {
      d.x(0, n_out + j) = std::cos(t_in[j]) * factor;
      d.x(1, n_out + j) = std::sin(t_in[j]) * factor;
      d.y[n_out + j] = 1;
    }
    synthetic::add_noise(d, o_.get_number("noise"), rng);
    d.classes = {"0", "1"};
    d.provenance = synthetic::provenance("circles", o_);
    return d;
  }

 private:
  ConfigNode o_;
};

}  // namespace

MINDSET_REGISTER(DataTag, Circles);

}  // namespace mindset
