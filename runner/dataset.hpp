// Data sets and the registry of their sources (`data.train: {type: hdf5, ...}`).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <xtensor/xtensor.hpp>

#include "errors.hpp"
#include "registry.hpp"

namespace mindset {

struct RawTable;  // encoding.hpp
class Encoding;
class Preprocessor;  // preprocess.hpp

struct Dataset {
  xt::xtensor<double, 2> x;          // n x m: examples are columns
  std::vector<double> y;             // m labels: 0/1, class indices, or targets
  std::vector<std::string> classes;  // class names, when the source has them
  ConfigNode provenance;             // what /data/<split> records (type, path, m, n, ...)
  std::vector<std::string> feature_names;  // the n features' names, when known ("Age", "Sex=male")
  // Set by tabular sources (csv): x then holds raw columns (numbers, category codes, NaN for
  // missing) that load_data encodes with statistics of the training split only.
  std::shared_ptr<const RawTable> raw;
  std::vector<std::string> warnings;  // for the user (rows dropped, ...); load_data prints them

  std::size_t n() const { return x.shape()[0]; }
  std::size_t m() const { return x.shape()[1]; }
};

class DataSource {
 public:
  virtual ~DataSource() = default;
  // Reads the examples. Errors are UserErrors whose key paths are relative to the source's
  // options ("features"); the caller prefixes where the source sits ("data.train").
  virtual Dataset load() = 0;
};

struct DataTag {
  using Factory = std::function<std::unique_ptr<DataSource>(const ConfigNode&)>;
  static const char* kind() { return "data"; }
  static const char* plural() { return "data sources"; }
};
using DataRegistry = Registry<DataTag>;

// The splits of an experiment, scaled and checked against each other and the loss.
struct DataBundle {
  Dataset train;
  std::optional<Dataset> test;
  std::optional<Dataset> validation;  // held out from train for early stopping
  std::shared_ptr<const Encoding> encoding;  // tabular data: how raw columns became features
  std::vector<std::shared_ptr<Preprocessor>> preprocess;  // fitted on train, applied in order
  std::vector<ConfigNode> preprocess_config;  // each step's config (data.scale becomes a scale step)
  std::vector<std::string> warnings;  // already printed on stderr; kept in /data
};

// Loads `data` of a resolved config: sources, split, encoding, preprocessing, provenance.
// `output_units` and the loss check the labels. Warnings go to stderr and DataBundle::warnings.
// `seed` (the experiment's) seeds the split unless data.split_seed is given.
//
// `fitted` (predict): a trained run's encoding and fitted preprocessing, applied to every split
// instead of being fitted on the training split; its train.n() is the number of features the
// run's network takes (its train.x may hold no examples).
DataBundle load_data(const ConfigNode& data, const ConfigNode& loss, std::size_t output_units, std::uint32_t seed = 1,
                     const DataBundle* fitted = nullptr);

// Examples for a trained network from one data source (a validated data-source map; `where`
// names it in messages): read, encoded with fitted.encoding, preprocessed with fitted's steps.
// A csv source with the internal option labels_optional may give no labels (y empty). Labels,
// when present, are not checked here.
Dataset load_for_prediction(const ConfigNode& source, const DataBundle& fitted, const std::string& where);

// Cross-key checks of a resolved `data` (test and test_fraction together, fractions >= 1).
void check_data_config(const ConfigNode& data, Diagnostics& diags);

// Bytes of memory available for new allocations (MemAvailable), for checks before big reads.
std::uint64_t available_memory();

}  // namespace mindset
