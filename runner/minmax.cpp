// Rescales each feature to [0, 1] over the training split, as numpy code writes it for X (n x m):
//   lo = X.min(axis=1, keepdims=True); span = X.max(axis=1, keepdims=True) - lo
//   span[span == 0] = 1            # a constant feature becomes 0
//   X = (X - lo) / span            # test values outside the training range fall outside [0, 1]
#include <algorithm>

#include "h5.hpp"
#include "preprocess.hpp"

namespace mindset {

namespace {

class MinMax : public Preprocessor {
 public:
  explicit MinMax(const ConfigNode&) {}
  static TypeInfo info() {
    return {"minmax", "rescale each feature to [0, 1] with the training split's minimum and maximum", spec::map()};
  }
  std::string type() const override { return "minmax"; }
  void fit(const xt::xtensor<double, 2>& x) override {
    const std::size_t n = x.shape()[0], m = x.shape()[1];
    min_.assign(n, 0);
    span_.assign(n, 1);
    for (std::size_t i = 0; i < n && m > 0; ++i) {
      auto [lo, hi] = std::minmax_element(x.data() + i * m, x.data() + (i + 1) * m);
      min_[i] = *lo;
      span_[i] = *hi - *lo;
      if (span_[i] == 0) span_[i] = 1;
    }
  }
  void apply(xt::xtensor<double, 2>& x) const override {
    const std::size_t n = x.shape()[0], m = x.shape()[1];
    if (n != min_.size())
      throw UserError("minmax: fitted on " + std::to_string(min_.size()) + " features, given " + std::to_string(n));
    for (std::size_t i = 0; i < n; ++i) {
      double* row = x.data() + i * m;
      for (std::size_t j = 0; j < m; ++j) row[j] = (row[j] - min_[i]) / span_[i];
    }
  }
  void write(hid_t g) const override {
    h5::write_vector(g, "min", min_);
    h5::write_vector(g, "span", span_);
  }
  void read(hid_t g) override {
    min_ = read_vector(g, "min");
    span_ = read_vector(g, "span");
  }

 private:
  std::vector<double> min_, span_;
};

}  // namespace

MINDSET_REGISTER(PreprocessTag, MinMax);

}  // namespace mindset
