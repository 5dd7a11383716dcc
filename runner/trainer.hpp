// The training loop: builds the network from the resolved config, trains it, and returns what
// the results file records.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <xtensor/xtensor.hpp>

#include "config.hpp"
#include "dataset.hpp"

namespace mindset {

struct History {
  std::vector<std::int64_t> iteration;  // iterations whose cost was recorded
  std::vector<double> cost;             // from that iteration's forward pass, before its update
  std::vector<std::int64_t> evaluated_at;  // number of updates done when evaluated
  std::vector<double> train_metric, test_metric;
};

struct TrainOutcome {
  std::string status = "completed";
  History history;
  std::vector<std::pair<std::string, xt::xtensor<double, 2>>> parameters;  // "layer_1/W", ...
  std::vector<ConfigNode> layers;   // attributes of each layer (type, units, activation)
  std::size_t input_size = 0;
  std::size_t parameter_count = 0;
  std::string metric = "accuracy";  // or "rmse"
  std::string cost_description;     // "binary cross-entropy, mean over examples"
  double final_cost = 0;            // of the final parameters on the training set
  double train_metric = 0;
  std::optional<double> test_metric;
};

struct TrainOptions {
  bool quiet = false;
};

TrainOutcome train_experiment(const Experiment& e, const DataBundle& data, const TrainOptions& opts);

}  // namespace mindset
