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

struct Dataset {
  xt::xtensor<double, 2> x;          // n x m: examples are columns
  std::vector<double> y;             // m labels: 0/1, class indices, or targets
  std::vector<std::string> classes;  // class names, when the source has them
  ConfigNode provenance;             // what /data/<split> records (type, path, m, n, ...)

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
};

// Loads `data` of a resolved config. `output_units` and the loss check the labels.
DataBundle load_data(const ConfigNode& data, const ConfigNode& loss, std::size_t output_units);

// Bytes of memory available for new allocations (MemAvailable), for checks before big reads.
std::uint64_t available_memory();

}  // namespace mindset
