// z-scores with the training split's statistics, as numpy code writes them for X (n x m):
//   mu = X.mean(axis=1, keepdims=True); sigma = X.std(axis=1, keepdims=True)
//   sigma[sigma == 0] = 1          # a constant feature is centred, not divided by zero
//   X = (X - mu) / sigma           # the same mu and sigma for test and validation examples
#include "h5.hpp"
#include "preprocess.hpp"

namespace mindset {

namespace {

class Standardize : public Preprocessor {
 public:
  explicit Standardize(const ConfigNode&) {}
  static TypeInfo info() {
    return {"standardize", "z-score each feature with the training split's mean and standard deviation", spec::map()};
  }
  std::string type() const override { return "standardize"; }
  void fit(const xt::xtensor<double, 2>& x) override {
    mean_ = row_means(x);
    std_ = row_stds(x, mean_);
    for (double& s : std_)
      if (s == 0) s = 1;
  }
  void apply(xt::xtensor<double, 2>& x) const override {
    const std::size_t n = x.shape()[0], m = x.shape()[1];
    if (n != mean_.size())
      throw UserError("standardize: fitted on " + std::to_string(mean_.size()) + " features, given " + std::to_string(n));
    for (std::size_t i = 0; i < n; ++i) {
      double* row = x.data() + i * m;
      for (std::size_t j = 0; j < m; ++j) row[j] = (row[j] - mean_[i]) / std_[i];
    }
  }
  void write(hid_t g) const override {
    h5::write_vector(g, "mean", mean_);
    h5::write_vector(g, "std", std_);
  }
  void read(hid_t g) override {
    mean_ = read_vector(g, "mean");
    std_ = read_vector(g, "std");
  }

 private:
  std::vector<double> mean_, std_;
};

}  // namespace

MINDSET_REGISTER(PreprocessTag, Standardize);

}  // namespace mindset
