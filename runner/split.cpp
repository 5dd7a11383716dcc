#include "split.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "random.hpp"

namespace mindset {

bool class_labels(const std::vector<double>& y) {
  return std::all_of(y.begin(), y.end(), [](double v) { return std::isfinite(v) && v == std::floor(v); });
}

SplitPlan plan_split(const std::vector<double>& y, double test_fraction, double validation_fraction,
                     std::uint32_t seed, bool stratify) {
  NumpyRandom rng(seed);
  std::vector<std::vector<std::size_t>> groups;
  if (stratify) {
    std::map<double, std::vector<std::size_t>> by_class;  // increasing label order
    for (std::size_t j = 0; j < y.size(); ++j) by_class[y[j]].push_back(j);
    for (auto& [label, idx] : by_class) groups.push_back(std::move(idx));
  } else {
    groups.emplace_back(y.size());
    for (std::size_t j = 0; j < y.size(); ++j) groups[0][j] = j;
  }
  SplitPlan plan;
  std::vector<std::size_t> perm;
  for (const auto& g : groups) {
    rng.permutation(g.size(), perm);
    const double len = static_cast<double>(g.size());
    // np.round rounds half to even, as nearbyint does in the default rounding mode.
    const auto k_test = static_cast<std::size_t>(std::nearbyint(test_fraction * len));
    const auto k_val = std::min(g.size() - std::min(g.size(), k_test),
                                static_cast<std::size_t>(std::nearbyint(validation_fraction * len)));
    for (std::size_t i = 0; i < g.size(); ++i) {
      const std::size_t j = g[perm[i]];
      if (i < k_test) plan.test.push_back(j);
      else if (i < k_test + k_val) plan.validation.push_back(j);
      else plan.train.push_back(j);
    }
  }
  for (auto* v : {&plan.train, &plan.test, &plan.validation}) std::sort(v->begin(), v->end());
  return plan;
}

Dataset take_examples(const Dataset& d, const std::vector<std::size_t>& idx) {
  Dataset out;
  const std::size_t n = d.n(), m = d.m(), k = idx.size();
  out.x = xt::xtensor<double, 2>::from_shape({n, k});
  for (std::size_t i = 0; i < n; ++i) {
    const double* src = d.x.data() + i * m;
    double* dst = out.x.data() + i * k;
    for (std::size_t j = 0; j < k; ++j) dst[j] = src[idx[j]];
  }
  out.y.resize(k);
  for (std::size_t j = 0; j < k; ++j) out.y[j] = d.y[idx[j]];
  out.classes = d.classes;
  out.provenance = d.provenance;
  out.feature_names = d.feature_names;
  out.raw = d.raw;
  return out;
}

}  // namespace mindset
