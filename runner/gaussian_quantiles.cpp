// A standard normal cloud split by distance from the origin: the inner half is class 0, the
// outer half class 1 (as scikit-learn's make_gaussian_quantiles with two classes). numpy-exact:
//   X = np.random.randn(n, m)
//   order = np.argsort((X ** 2).sum(axis=0), kind="stable"); X = X[:, order]
//   y = np.append(np.zeros(m // 2), np.ones(m - m // 2))
//   X = X + noise * np.random.randn(n, m)          # noise after labelling blurs the boundary
#include <algorithm>
#include <numeric>

#include "synthetic.hpp"

namespace mindset {

namespace {

class GaussianQuantiles : public DataSource {
 public:
  explicit GaussianQuantiles(const ConfigNode& o) : o_(o) {}

  static TypeInfo info() {
    return {"gaussian_quantiles", "a normal cloud, inner half class 0, outer half class 1 (no files needed)",
            synthetic::options(0.0, "standard deviation of Gaussian noise added after labelling")
                .field("features", spec::integer("number of dimensions n").def(ConfigNode::of(2)).min(1).max(1e6))};
  }

  Dataset load() override {
    const auto m = static_cast<std::size_t>(o_.get_integer("examples"));
    const auto n = static_cast<std::size_t>(o_.get_integer("features"));
    NumpyRandom rng(static_cast<std::uint32_t>(o_.get_integer("seed")));
    Dataset raw = synthetic::allocate(n, m, o_.mark());
    double* p = raw.x.data();
    for (std::size_t i = 0; i < n * m; ++i) p[i] = rng.standard_normal();
    std::vector<double> dist(m, 0.0);
    for (std::size_t i = 0; i < n; ++i)  // numpy reduces axis 0 row after row
      for (std::size_t j = 0; j < m; ++j) dist[j] = i == 0 ? p[j] * p[j] : dist[j] + p[i * m + j] * p[i * m + j];
    std::vector<std::size_t> order(m);
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return dist[a] < dist[b]; });
    Dataset d = synthetic::allocate(n, m, o_.mark());
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < m; ++j) d.x(i, j) = p[i * m + order[j]];
    for (std::size_t j = m / 2; j < m; ++j) d.y[j] = 1;
    synthetic::add_noise(d, o_.get_number("noise"), rng);
    d.classes = {"0", "1"};
    d.provenance = synthetic::provenance("gaussian_quantiles", o_);
    return d;
  }

 private:
  ConfigNode o_;
};

}  // namespace

MINDSET_REGISTER(DataTag, GaussianQuantiles);

}  // namespace mindset
