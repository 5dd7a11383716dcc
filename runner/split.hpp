// Seeded, optionally stratified, splits of one data set into train / test / validation
// (data.test_fraction, data.validation_fraction). The algorithm, in numpy (docs/data.md):
//   rng = np.random.RandomState(seed)
//   groups = [np.flatnonzero(y == c) for c in np.unique(y)] if stratify else [np.arange(m)]
//   for g in groups:                       # classes in increasing order
//       g = g[rng.permutation(len(g))]
//       k_test = int(np.round(test_fraction * len(g))); k_val = int(np.round(validation_fraction * len(g)))
//       test += g[:k_test]; validation += g[k_test:k_test + k_val]; train += g[k_test + k_val:]
//   train, test, validation = np.sort(train), np.sort(test), np.sort(validation)   # file order kept
#pragma once

#include <cstdint>
#include <vector>

#include "dataset.hpp"

namespace mindset {

struct SplitPlan {
  std::vector<std::size_t> train, test, validation;  // example indices, increasing
};

SplitPlan plan_split(const std::vector<double>& y, double test_fraction, double validation_fraction,
                     std::uint32_t seed, bool stratify);

// The examples `idx` (columns of x, labels) of `d`, with its classes, raw table and provenance.
Dataset take_examples(const Dataset& d, const std::vector<std::size_t>& idx);

// Whether labels look like class labels (all integers): then a split may be stratified.
bool class_labels(const std::vector<double>& y);

}  // namespace mindset
