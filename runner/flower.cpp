// The planar "flower" data set of the course's planar classification notebook, numpy-exact.
#include <cmath>

#include "dataset.hpp"
#include "random.hpp"

namespace mindset {

namespace {

class Flower : public DataSource {
 public:
  explicit Flower(const ConfigNode& o)
      : examples_(o.get_integer("examples")), radius_(o.get_number("radius")), noise_(o.get_number("noise")),
        seed_(o.get_integer("seed")), mark_(o.mark()) {}

  static TypeInfo info() {
    return {"flower", "two-class planar petals of the course notebook (no files needed)",
            spec::map()
                .field("examples", spec::integer("number of points m (even; half of each class)")
                                       .def(ConfigNode::of(400)).min(2).max(1e8).multiple_of(2))
                .field("radius", spec::number("a: the petals' reach").def(ConfigNode::of(4.0)).must_be_finite())
                .field("noise", spec::number("standard deviation of the noise added to angle and radius")
                                    .def(ConfigNode::of(0.2)).min(0).must_be_finite())
                .field("seed", spec::integer("seeds this set's own stream").def(ConfigNode::of(1)).min(0).max(4294967295.0))};
  }

  Dataset load() override {
    if (examples_ % 2 != 0)
      throw UserError(mark_, "examples", "must be even (half the points in each class), found " + std::to_string(examples_));
    const std::size_t m = static_cast<std::size_t>(examples_), N = m / 2;
    NumpyRandom rng(static_cast<std::uint32_t>(seed_));
    Dataset d;
    d.x = xt::zeros<double>({std::size_t(2), m});
    d.y.assign(m, 0.0);
    std::vector<double> t(N), r(N);
    for (std::size_t j = 0; j < 2; ++j) {
      // t = np.linspace(j*3.12, (j+1)*3.12, N) + np.random.randn(N)*noise
      const double start = 3.12 * static_cast<double>(j), stop = 3.12 * static_cast<double>(j + 1);
      const double step = (stop - start) / static_cast<double>(N > 1 ? N - 1 : 1);
      for (std::size_t i = 0; i < N; ++i) {
        double lin = (N > 1 && i == N - 1) ? stop : static_cast<double>(i) * step + start;
        t[i] = lin + rng.standard_normal() * noise_;
      }
      // r = a*np.sin(4*t) + np.random.randn(N)*noise
      for (std::size_t i = 0; i < N; ++i) r[i] = radius_ * std::sin(4.0 * t[i]) + rng.standard_normal() * noise_;
      for (std::size_t i = 0; i < N; ++i) {
        std::size_t col = N * j + i;
        d.x(0, col) = r[i] * std::sin(t[i]);
        d.x(1, col) = r[i] * std::cos(t[i]);
        d.y[col] = static_cast<double>(j);
      }
    }
    d.classes = {"0", "1"};
    d.provenance = ConfigNode::map();
    d.provenance.set("type", ConfigNode::of("flower"));
    d.provenance.set("seed", ConfigNode::of(static_cast<long long>(seed_)));
    return d;
  }

 private:
  long long examples_;
  double radius_, noise_;
  long long seed_;
  Mark mark_;
};

}  // namespace

MINDSET_REGISTER(DataTag, Flower);

}  // namespace mindset
