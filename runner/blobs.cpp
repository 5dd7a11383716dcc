// Two Gaussian blobs around given centres (as scikit-learn's make_blobs with two centres,
// unshuffled), numpy-exact:
//   c = np.array(centers, dtype=float); n = c.shape[1]; k0 = m - m // 2; k1 = m // 2
//   X = np.hstack([c[0][:, None] + noise * np.random.randn(n, k0),
//                  c[1][:, None] + noise * np.random.randn(n, k1)])
//   y = np.append(np.zeros(k0), np.ones(k1))
#include "synthetic.hpp"

namespace mindset {

namespace {

class Blobs : public DataSource {
 public:
  explicit Blobs(const ConfigNode& o) : o_(o) {}

  static TypeInfo info() {
    ConfigNode centers = ConfigNode::sequence();
    for (double c : {-2.0, 2.0}) {
      ConfigNode p = ConfigNode::sequence();
      p.items() = {ConfigNode::of(c), ConfigNode::of(c)};
      centers.items().push_back(p);
    }
    return {"blobs", "two Gaussian blobs, one per class (no files needed)",
            synthetic::options(1.0, "standard deviation of each blob")
                .field("centers", spec::list(spec::list(spec::number().must_be_finite()).at_least(1),
                                             "the two centres, each a list of n coordinates")
                                      .def(centers))};
  }

  Dataset load() override {
    const auto m = static_cast<std::size_t>(o_.get_integer("examples"));
    const ConfigNode& c = o_.at("centers");
    if (c.items().size() != 2 || c.items()[0].items().size() != c.items()[1].items().size())
      throw UserError(c.mark(), "centers", "needs two centres with the same number of coordinates, e.g. [[-2, -2], [2, 2]]");
    const std::size_t n = c.items()[0].items().size();
    const double noise = o_.get_number("noise");
    NumpyRandom rng(static_cast<std::uint32_t>(o_.get_integer("seed")));
    Dataset d = synthetic::allocate(n, m, o_.mark());
    const std::size_t k[2] = {m - m / 2, m / 2};
    for (std::size_t cls = 0, start = 0; cls < 2; start += k[cls], ++cls)
      for (std::size_t i = 0; i < n; ++i) {
        const double centre = c.items()[cls].items()[i].as_number();
        for (std::size_t j = 0; j < k[cls]; ++j) {
          d.x(i, start + j) = centre + noise * rng.standard_normal();
          d.y[start + j] = static_cast<double>(cls);
        }
      }
    d.classes = {"0", "1"};
    d.provenance = synthetic::provenance("blobs", o_);
    return d;
  }

 private:
  ConfigNode o_;
};

}  // namespace

MINDSET_REGISTER(DataTag, Blobs);

}  // namespace mindset
