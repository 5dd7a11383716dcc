#include "run.hpp"

#include <signal.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>

#include "checkpoint.hpp"
#include "dataset.hpp"
#include "h5.hpp"
#include "isolate.hpp"
#include "results.hpp"
#include "signals.hpp"
#include "trainer.hpp"

namespace fs = std::filesystem;

namespace mindset {

std::string default_output(const Experiment& e) { return "results/" + safe_file_name(e.name) + ".h5"; }

int exit_code(const RunSummary& s) {
  if (s.status == "diverged") return 3;
  if (s.status == "interrupted") return 128 + (s.signal ? s.signal : SIGINT);
  return 0;
}

namespace {

// A finished results file (completed or diverged) of this very config at `output`, if any.
std::optional<RunSummary> finished_run(const Experiment& e, const std::string& output) {
  std::error_code ec;
  if (!fs::exists(output, ec)) return std::nullopt;
  try {
    h5::Handle f = h5::open_file(output);
    const std::string status = h5::get_attr_string(f.id(), "status");
    if ((status != "completed" && status != "diverged") || h5::get_attr_string(f.id(), "config") != e.yaml())
      return std::nullopt;
    RunSummary s;
    s.status = status;
    s.output = output;
    s.already_complete = true;
    s.stop_reason = h5::has_attr(f.id(), "stop_reason") ? h5::get_attr_string(f.id(), "stop_reason") : status;
    s.metric = h5::exists(f.id(), "metrics/train_rmse") ? "rmse" : "accuracy";
    h5::Handle m = h5::open_group(f.id(), "metrics");
    s.final_cost = h5::read_scalar(m.id(), "final_cost");
    s.train_metric = h5::read_scalar(m.id(), "train_" + s.metric);
    if (h5::exists(m.id(), "test_" + s.metric)) s.test_metric = h5::read_scalar(m.id(), "test_" + s.metric);
    return s;
  } catch (const std::exception&) {
    return std::nullopt;  // unreadable: run it again
  }
}

}  // namespace

PreparedRun prepare_run(const Experiment& e, const std::string& output, const RunOptions& opts) {
  try {
    prepare_output(output);
  } catch (const std::runtime_error& ex) {
    throw UserError(ex.what());
  }
  PreparedRun p;
  p.experiment = &e;
  p.output = output;
  p.opts = opts;
  const std::string ckpt = checkpoint_path(output);
  remove_stale_temp_files(output);
  remove_stale_temp_files(ckpt);
  std::error_code ec;
  const bool have_ckpt = fs::exists(ckpt, ec);
  std::FILE* log = opts.log ? opts.log : stderr;
  if (opts.resume) {
    // What a killed run left is read here: first in a child, in case a damaged file crashes libhdf5.
    if (fs::exists(output, ec)) screen_file(output, [&] { finished_run(e, output); });
    if (have_ckpt) screen_file(ckpt, [&] { checkpoint_mismatch(ckpt, e), read_checkpoint(ckpt); });
    if (auto done = finished_run(e, output)) {
      if (have_ckpt) fs::remove(ckpt, ec);  // left by a run killed after writing its results
      p.done = *done;
      return p;
    }
    if (have_ckpt) {
      std::string why = checkpoint_mismatch(ckpt, e);
      if (!why.empty()) throw UserError(why + "; remove it, or run without --resume to start from scratch");
    }
  } else if (have_ckpt && !opts.quiet) {
    std::fprintf(log, "note: starting from scratch; the checkpoint %s of an earlier run will be replaced "
                 "(use --resume to continue it)\n", ckpt.c_str());
  }
  TrainOptions& topts = p.train;
  topts.quiet = opts.quiet;
  // JSON lines go to stderr for other tools: no human progress in between.
  topts.progress = opts.log_json ? TrainOptions::Progress::none
                   : opts.progress_bar ? TrainOptions::Progress::bar : TrainOptions::Progress::lines;
  topts.log_json = opts.log_json;
  topts.log = opts.log;
  topts.checkpoint = ckpt;
  topts.resume = opts.resume && have_ckpt;
  return p;
}

DataBundle load_run_data(const Experiment& e) {
  const auto units = static_cast<std::size_t>(e.resolved.at("model").at("layers").items().back().get_integer("units"));
  return load_data(e.resolved.at("data"), e.resolved.at("loss"), units,
                   static_cast<std::uint32_t>(e.resolved.get_integer("seed")));
}

void start_run(PreparedRun& p) {
  p.info.started_at = utc_now();
  p.t0 = std::chrono::steady_clock::now();
  p.train.started_at = p.info.started_at;
}

RunSummary complete_run(PreparedRun& p, const DataBundle& data, const TrainOutcome& outcome) {
  const Experiment& e = *p.experiment;
  RunInfo& info = p.info;
  if (!outcome.started_at.empty()) info.started_at = outcome.started_at;
  info.finished_at = utc_now();
  info.wall_seconds = outcome.prior_seconds + std::chrono::duration<double>(std::chrono::steady_clock::now() - p.t0).count();
  write_results(p.output, e, data, outcome, info);
  std::error_code ec;
  const std::string& ckpt = p.train.checkpoint;
  if (outcome.status != "interrupted") fs::remove(ckpt, ec);  // the run is over: its checkpoint too

  RunSummary s;
  s.status = outcome.status;
  s.stop_reason = outcome.stop_reason;
  s.output = p.output;
  if (outcome.status == "interrupted" && fs::exists(ckpt, ec)) s.checkpoint = ckpt;
  s.metric = outcome.metric;
  s.final_cost = outcome.final_cost;
  s.train_metric = outcome.train_metric;
  s.test_metric = outcome.test_metric;
  s.wall_seconds = info.wall_seconds;
  s.iterations_done = outcome.iterations_done;
  s.diverged_at = outcome.diverged_at;
  s.signal = outcome.signal;
  s.resumed_from = outcome.resumed_from;
  return s;
}

RunSummary run_experiment(const Experiment& e, const std::string& output, const RunOptions& opts) {
  PreparedRun p = prepare_run(e, output, opts);
  if (p.done) return *p.done;
  DataBundle data = load_run_data(e);
  start_run(p);
  std::optional<StopSignals> signals;
  if (opts.handle_signals) {
    signals.emplace(opts.quiet);
    p.train.stop = StopSignals::flag();
  }
  TrainOutcome outcome = train_experiment(e, data, p.train);
  return complete_run(p, data, outcome);
}

}  // namespace mindset
