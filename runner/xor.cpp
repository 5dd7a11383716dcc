// Points in the square [-1, 1)^2 labelled by quadrant: 1 where exactly one coordinate is
// positive. numpy-exact:
//   X = np.random.rand(2, m) * 2 - 1
//   y = ((X[0] > 0) != (X[1] > 0)).astype(float)
//   X = X + noise * np.random.randn(2, m)          # noise after labelling blurs the boundary
#include "synthetic.hpp"

namespace mindset {

namespace {

class Xor : public DataSource {
 public:
  explicit Xor(const ConfigNode& o) : o_(o) {}

  static TypeInfo info() {
    return {"xor", "the XOR problem: quadrants of the square [-1, 1)^2 (no files needed)",
            synthetic::options(0.1, "standard deviation of Gaussian noise added after labelling")};
  }

  Dataset load() override {
    const auto m = static_cast<std::size_t>(o_.get_integer("examples"));
    NumpyRandom rng(static_cast<std::uint32_t>(o_.get_integer("seed")));
    Dataset d = synthetic::allocate(2, m, o_.mark());
    double* p = d.x.data();
    for (std::size_t i = 0; i < 2 * m; ++i) p[i] = rng.random_sample() * 2 - 1;
    for (std::size_t j = 0; j < m; ++j) d.y[j] = ((d.x(0, j) > 0) != (d.x(1, j) > 0)) ? 1.0 : 0.0;
    synthetic::add_noise(d, o_.get_number("noise"), rng);
    d.classes = {"0", "1"};
    d.provenance = synthetic::provenance("xor", o_);
    return d;
  }

 private:
  ConfigNode o_;
};

}  // namespace

MINDSET_REGISTER(DataTag, Xor);

}  // namespace mindset
