// Helpers shared by the synthetic data sets (moons, circles, blobs, xor, gaussian_quantiles).
// Each generator draws from its own numpy-exact stream (np.random.seed(seed)), so its points
// equal those of the numpy code in docs/data.md: draws bit for bit, values through sin/cos to
// the last ulp or so (numpy's own sin/cos differ by a few ulp between CPUs).
#pragma once

#include <string>
#include <vector>

#include "dataset.hpp"
#include "random.hpp"

namespace mindset::synthetic {

// The options every generator has: examples, noise (its default given), seed.
Spec options(double default_noise, const std::string& noise_doc);

// np.linspace(start, stop, num, endpoint=endpoint).
std::vector<double> linspace(double start, double stop, std::size_t num, bool endpoint = true);

// A Dataset of n features x m examples, zeros, after checking the size against free memory.
Dataset allocate(std::size_t n, std::size_t m, const Mark& mark);

// X = X + noise * np.random.randn(n, m): row by row, as numpy draws in C order.
void add_noise(Dataset& d, double noise, NumpyRandom& rng);

// /data/<split> attributes: type, examples, noise, seed and any extra options.
ConfigNode provenance(const std::string& type, const ConfigNode& options);

}  // namespace mindset::synthetic
