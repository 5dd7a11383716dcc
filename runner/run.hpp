// One run of an experiment, end to end: load data, train, write the results file. `mindset train`
// and sweeps both call this.
#pragma once

#include <optional>
#include <string>

#include "config.hpp"

namespace mindset {

struct RunOptions {
  bool quiet = false;
};

struct RunSummary {
  std::string status;  // completed
  std::string output;  // the results file
  std::string metric;  // accuracy | rmse
  double final_cost = 0, train_metric = 0, wall_seconds = 0;
  std::optional<double> test_metric;
};

// Throws UserError for bad input (before anything is written) and std::runtime_error when the
// results cannot be written (the previous file at `output` is left as it was).
RunSummary run_experiment(const Experiment& e, const std::string& output, const RunOptions& opts);

// results/<name>.h5 with the name made safe as a file name.
std::string default_output(const Experiment& e);

}  // namespace mindset
