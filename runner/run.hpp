// One run of an experiment, end to end: load data, train, write the results file. `mindset train`
// and sweeps both call this.
#pragma once

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "config.hpp"
#include "dataset.hpp"
#include "results.hpp"
#include "trainer.hpp"

namespace mindset {

struct RunOptions {
  bool quiet = false;
  bool log_json = false;  // JSON progress objects on stderr
  bool progress_bar = false;  // redraw a bar in place (stderr is a terminal); else plain lines
  bool resume = false;    // continue from <output>.ckpt.h5; nothing to do when already complete
  bool handle_signals = true;  // SIGINT/SIGTERM stop the run after the current iteration
  std::FILE* log = nullptr;    // where notes and progress go (stderr when null)
};

struct RunSummary {
  std::string status;  // completed | diverged | interrupted
  std::string stop_reason;
  std::string output;  // the results file
  std::string checkpoint;  // left for --resume when interrupted; "" otherwise
  std::string metric;  // accuracy | rmse
  double final_cost = 0, train_metric = 0, wall_seconds = 0;
  std::optional<double> test_metric;
  long long iterations_done = 0;
  std::optional<long long> diverged_at;
  int signal = 0;            // interrupted by this signal
  bool already_complete = false;  // --resume found a finished results file of the same config
  long long resumed_from = -1;
};

// Throws UserError for bad input (before anything is written) and std::runtime_error when the
// results cannot be written (the previous file at `output` is left as it was).
RunSummary run_experiment(const Experiment& e, const std::string& output, const RunOptions& opts);

// run_experiment in its steps, for runs trained together (fused_run.cpp): prepare (the output,
// resume), load the data, start (the clock), train, complete (write the results file).
struct PreparedRun {
  const Experiment* experiment = nullptr;
  std::string output;
  RunOptions opts;
  std::optional<RunSummary> done;  // --resume found it complete: nothing to do
  TrainOptions train;              // progress, checkpoint, resume for the trainer
  RunInfo info;
  std::chrono::steady_clock::time_point t0;
};
PreparedRun prepare_run(const Experiment& e, const std::string& output, const RunOptions& opts);
DataBundle load_run_data(const Experiment& e);
void start_run(PreparedRun& p);
RunSummary complete_run(PreparedRun& p, const DataBundle& data, const TrainOutcome& outcome);

// results/<name>.h5 with the name made safe as a file name.
std::string default_output(const Experiment& e);

// Exit code of a run: 0 completed, 3 diverged, 128 + signal when interrupted.
int exit_code(const RunSummary& s);

}  // namespace mindset
