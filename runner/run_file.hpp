// Reading a results file back (docs/results-format.md): its summary for `inspect`, and its
// network and data transforms for `predict`. A path that is not a readable mindset results file
// is a UserError (exit 2) naming the file and what is wrong with it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "dataset.hpp"
#include "network.hpp"
#include "options.hpp"

namespace mindset {

struct RunFile {
  std::string path;
  std::string name, status, stop_reason, started_at, finished_at, mindset_version;
  long long format_version = 0;
  double wall_seconds = 0;
  long long iterations_done = -1, epochs_done = -1;  // -1: not recorded
  std::vector<std::string> overrides;
  ConfigNode config;  // the stored resolved config
  std::size_t input_size = 0, parameter_count = 0;
  std::vector<ConfigNode> layers;  // /model/layer_<l> attributes (type, units, activation, ...)
  std::vector<std::pair<std::string, double>> metrics;  // /metrics, final_cost first
  std::vector<std::string> classes;  // /data/train/classes when the source had class names
  // Per split present under /data: its name and "flower, 300 examples" (+ the file's name).
  std::vector<std::pair<std::string, std::string>> splits;

  std::string dtype() const;
  // "2→4→1": the input size and each layer's output size (dropout layers as "dropout 0.2").
  std::string architecture() const;
  // "tanh, sigmoid": the activations of the layers that have one.
  std::string activations() const;
  const double* metric(const std::string& name) const;
};

// Reads the root attributes, /model's layout and /metrics. Throws UserError when `path` is not a
// results file this mindset reads.
RunFile read_run_file(const std::string& path);

// The run's network (model.layers of the stored config) with its trained parameters, built for
// batches of up to max_batch examples. Throws UserError when the file's model is inconsistent.
template <class T>
Network<T> load_network(const RunFile& run, std::size_t max_batch);

// The stored config's loss (validated).
ConfigNode run_loss_config(const RunFile& run);

// What the run learned about its data: encoding (tables) and fitted preprocessing, ready for
// load_data(..., &fitted) and load_for_prediction; train.x is n x 0 with n the network's inputs.
DataBundle read_fitted_data(const RunFile& run);

// True when `path` is an HDF5 file whose root has a format_version attribute.
bool looks_like_run_file(const std::string& path);

}  // namespace mindset
