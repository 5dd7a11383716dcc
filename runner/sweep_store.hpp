// What a sweep keeps in its output folder DIR, and how it is read back:
//   DIR/manifest.yaml        the runs of the sweep (id, config hash, swept values) and its text
//   DIR/runs/<id>.h5         one results file per run (written atomically by run_experiment)
//   DIR/runs/<id>.failed     why a run failed (YAML), when it did
//   DIR/logs/<id>.log        the run's progress lines and errors
//   DIR/summary.csv, DIR/summary.h5
// Every file is written under a temporary name and renamed into place.
#pragma once

#include <limits>
#include <map>
#include <string>
#include <vector>

#include "options.hpp"
#include "sweep.hpp"

namespace mindset {

struct SweepDir {
  std::string root;
  std::string runs() const { return root + "/runs"; }
  std::string run_file(const std::string& id) const { return runs() + "/" + id + ".h5"; }
  std::string failure_file(const std::string& id) const { return runs() + "/" + id + ".failed"; }
  std::string log_file(const std::string& id) const { return root + "/logs/" + id + ".log"; }
  std::string manifest() const { return root + "/manifest.yaml"; }
};

struct ManifestRun {
  std::string id, hash;
  std::vector<ConfigNode> values;
};

struct Manifest {
  std::string name, sweep_file, sweep_text;
  std::vector<std::string> overrides, keys;
  std::vector<ManifestRun> runs;
};

Manifest manifest_of(const SweepPlan& plan);
void write_manifest(const SweepDir& dir, const Manifest& m);
Manifest read_manifest(const SweepDir& dir);  // throws UserError when missing or unreadable
// "" when both list the same runs in the same order; otherwise what changed, for the user.
std::string manifest_difference(const Manifest& before, const Manifest& now);

// What DIR holds for one run.
struct RunRecord {
  enum class State { Pending, Done, Failed, Foreign } state = State::Pending;
  std::string status = "pending";  // completed, diverged, failed, pending, ...
  std::string error;
  std::map<std::string, double> metrics;  // final_cost, train_accuracy, ... from /metrics
  double wall_seconds = std::numeric_limits<double>::quiet_NaN();
  std::string file;  // relative to DIR, when there is a results file
};

// Done: a results file with a finished status whose config has the run's hash. Foreign: a
// finished results file of another config (never overwritten). Failed: a failure record.
RunRecord inspect_run(const SweepDir& dir, const ManifestRun& run);
// True for statuses that count as success in the summary and the exit code.
bool is_success(const std::string& status);

void record_failure(const SweepDir& dir, const ManifestRun& run, const std::string& status, const std::string& error,
                    double wall_seconds);
void clear_failure(const SweepDir& dir, const std::string& id);
// Removes temporary files a killed run left for `id` (only the run's owner calls this).
void remove_stale_temps(const SweepDir& dir, const std::string& id);

// Writes `text` to `path` atomically (temp + fsync + rename). Throws std::runtime_error.
void write_file_atomic(const std::string& path, const std::string& text);

struct SummaryCounts {
  std::size_t completed = 0, failed = 0, pending = 0;
  std::vector<std::pair<std::string, std::string>> failures;  // id, "status: error"
};
// Rebuilds DIR/summary.csv and DIR/summary.h5 from the run files, one row per manifest run.
SummaryCounts write_summary(const SweepDir& dir, const Manifest& m);

}  // namespace mindset
