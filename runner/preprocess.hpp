// Preprocessing steps (`data.preprocess: [standardize, {type: scale, by: 255}]`), a registry kind
// like layers. Each step learns its statistics from the training split only (fit), transforms
// every split the same way (apply), and stores its parameters under /data/preprocess so that
// `predict` can transform new examples identically (read).
#pragma once

#include <hdf5.h>

#include <memory>
#include <string>
#include <vector>

#include <xtensor/xtensor.hpp>

#include "dataset.hpp"

namespace mindset {

class Preprocessor {
 public:
  virtual ~Preprocessor() = default;
  virtual std::string type() const = 0;
  // Learns from the training features (n x m, examples are columns). Steps without statistics
  // (scale) do nothing.
  virtual void fit(const xt::xtensor<double, 2>& x) { (void)x; }
  // Transforms features (n x m) in place; n must be what fit saw.
  virtual void apply(xt::xtensor<double, 2>& x) const = 0;
  // Parameters as attributes and datasets of `group`; read() restores them.
  virtual void write(hid_t group) const = 0;
  virtual void read(hid_t group) = 0;
};

struct PreprocessTag {
  using Factory = std::function<std::unique_ptr<Preprocessor>(const ConfigNode&)>;
  static const char* kind() { return "preprocess"; }
  static const char* plural() { return "preprocessing steps"; }
};
using PreprocessRegistry = Registry<PreprocessTag>;

// A step from its resolved config (a bare name or {type: ..., options}).
std::unique_ptr<Preprocessor> make_preprocessor(const ConfigNode& step);

// /data/preprocess: attribute `steps` (types in order) and a group step_<i> (1-based) per step
// with attributes `type` and `config` (YAML) plus the step's parameters.
void write_preprocessing(hid_t data_group, const std::vector<std::shared_ptr<Preprocessor>>& steps,
                         const std::vector<ConfigNode>& configs);
// The steps stored in a results file's /data group, ready to apply to new examples.
std::vector<std::shared_ptr<Preprocessor>> read_preprocessing(hid_t data_group);

// Per-row statistics as numpy computes them for X (n x m, C order): X.mean(axis=1),
// X.std(axis=1) (pairwise sums), X.min(axis=1), X.max(axis=1).
std::vector<double> row_means(const xt::xtensor<double, 2>& x);
std::vector<double> row_stds(const xt::xtensor<double, 2>& x, const std::vector<double>& means);

// Reads a float64 vector dataset that a step wrote.
std::vector<double> read_vector(hid_t group, const std::string& name);

}  // namespace mindset
