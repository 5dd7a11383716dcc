// The training loop: builds the network from the resolved config, trains it, and returns what
// the results file records. Mini-batches, schedules, L2, early stopping, divergence,
// checkpoints and stop signals are all handled here (runner/trainer*.cpp).
#pragma once

#include <csignal>
#include <cstdio>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <xtensor/xtensor.hpp>

#include "config.hpp"
#include "dataset.hpp"

namespace mindset {

struct History {
  std::vector<std::int64_t> iteration;     // iterations whose cost was recorded (every record_every)
  std::vector<double> cost;                // from that iteration's forward pass, before its update
  std::vector<double> learning_rate;       // the rate that iteration's update used
  std::vector<std::int64_t> epoch;         // epochs completed (1, 2, ...), one entry per epoch
  std::vector<std::int64_t> epoch_iteration;  // updates done at the end of that epoch
  std::vector<double> epoch_cost, epoch_metric;  // mean over the epoch's mini-batches, as trained
  std::vector<double> validation_cost, validation_metric;  // at each epoch end, with a validation split
  std::vector<std::int64_t> evaluated_at;  // number of updates done when evaluated
  std::vector<double> train_metric, test_metric;

  // Every field by a stable name, for checkpoints.
  template <class F>
  void for_each(F&& f) {
    f("iteration", iteration), f("cost", cost), f("learning_rate", learning_rate), f("epoch", epoch);
    f("epoch_iteration", epoch_iteration), f("epoch_cost", epoch_cost), f("epoch_metric", epoch_metric);
    f("validation_cost", validation_cost), f("validation_metric", validation_metric);
    f("evaluated_at", evaluated_at), f("train_metric", train_metric), f("test_metric", test_metric);
  }
};

struct TrainOutcome {
  std::string status = "completed";  // completed | diverged | interrupted
  std::string stop_reason;           // one line: why the loop ended
  History history;
  std::vector<std::pair<std::string, xt::xtensor<double, 2>>> parameters;  // "layer_1/W", ...
  std::vector<ConfigNode> layers;   // attributes of each layer (type, units, activation)
  std::size_t input_size = 0;
  std::size_t parameter_count = 0;
  std::string metric = "accuracy";  // or "rmse"
  std::string cost_description;     // "binary cross-entropy, mean over examples" (+ the L2 term)
  std::string learning_rate_description;  // the schedule's formula
  double final_cost = 0;            // of the final parameters on the training set
  double train_metric = 0;
  std::optional<double> test_metric, validation_metric;
  long long iterations_done = 0, epochs_done = 0;
  std::optional<long long> diverged_at;     // the iteration whose cost or update was not finite
  std::optional<long long> best_epoch, best_iteration;  // early stopping's best, when configured
  bool stopped_early = false;
  int signal = 0;                   // SIGINT/SIGTERM that interrupted the run
  long long resumed_from = -1;      // the checkpoint's iteration when resumed
  std::string started_at;           // of the first session, kept across resumes ("" = now)
  double prior_seconds = 0;         // training time of earlier sessions
  double loop_seconds = 0;          // this session's time in the training loop (no setup or final evaluation)
  long long loop_iterations = 0;    // iterations that loop did (for time per iteration)
};

struct TrainOptions {
  enum class Progress { none, lines, bar };
  bool quiet = false;               // no progress at all (overrides `progress`)
  Progress progress = Progress::lines;
  bool log_json = false;            // one JSON object per recorded iteration on stderr
  std::string checkpoint;           // "<output>.ckpt.h5"; "" = never write checkpoints
  bool resume = false;              // continue from `checkpoint` (which must exist)
  std::string started_at;           // recorded in checkpoints
  // Nonzero (a signal number) once the run should stop: after the current iteration the loop
  // writes a checkpoint and returns with status "interrupted".
  const volatile std::sig_atomic_t* stop = nullptr;
  // Where progress goes (stderr when null): a fused sweep gives each run its own log.
  std::FILE* log = nullptr;
  // Called after each update with the number of updates done (embedding code and tests).
  std::function<void(long long)> after_iteration;
};

TrainOutcome train_experiment(const Experiment& e, const DataBundle& data, const TrainOptions& opts);

// Where the checkpoint of a run writing `output` lives: "<output>.ckpt.h5".
std::string checkpoint_path(const std::string& output);

}  // namespace mindset
