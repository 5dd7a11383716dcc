// Running a sweep's runs: each unit of work in its own forked process (a crash takes only its
// own runs down), OpenBLAS pinned to one thread there, N processes at a time.
//
// A unit is a list of runs one process trains: one run, or (sweep fusion, runner/fused.hpp) runs
// that train on the same examples, trained together so that X is read once per iteration for
// all of them. Each run still writes its own results file and log.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "sweep.hpp"
#include "sweep_store.hpp"

namespace mindset {

using WorkUnit = std::vector<std::size_t>;  // indices into SweepPlan::runs
// One unit per run, or with `fuse` one per group of runs with the same fusion_key (in the
// order of their first run; groups of more than kMaxFused runs split into equal parts, and
// groups halved, costliest first, while there are fewer units than `slots`: the processes that
// run at once).
std::vector<WorkUnit> make_units(const SweepPlan& plan, const std::vector<std::size_t>& todo, bool fuse,
                                 std::size_t slots);
constexpr std::size_t kMaxFused = 32;

struct RunResult {
  std::size_t run = 0;
  std::string status;  // completed, diverged, failed, cancelled; retry: its fused unit crashed, run it alone
  std::string error;
  double wall_seconds = 0;
};

// A forked process training one unit; it reports each run on a pipe.
struct Child {
  pid_t pid = -1;
  int fd = -1;
  WorkUnit unit;
  std::string out;
  std::chrono::steady_clock::time_point start;
};

// `threads`: the kernels' and OpenBLAS's threads in the child (fewer units than jobs leave
// cores for each).
Child launch_unit(const SweepPlan& plan, const SweepDir& dir, const WorkUnit& unit, int threads = 1);
// Reads what the child has written; true once it has closed its end (it is done).
bool pump(Child& c);
// Reaps the child and records its runs: a failure record for each failed run, none for a run
// that finished. With `cancelled`, runs it did not finish are left pending instead.
std::vector<RunResult> finish_unit(Child& c, const SweepPlan& plan, const SweepDir& dir, bool cancelled);
// Stops a running child (SIGTERM, then SIGKILL) and removes its temporary files.
std::vector<RunResult> cancel_unit(Child& c, const SweepPlan& plan, const SweepDir& dir);

// The progress line on a TTY (runs done/total, failures, elapsed, ETA) and one line per run.
class Progress {
 public:
  Progress(std::size_t total, std::size_t skipped, bool quiet);
  void running(std::size_t n) { running_ = n; }
  void finished(const SweepPlan& plan, const SweepDir& dir, const RunResult& r, const std::string& where = "");
  void redraw();
  void clear();
  std::size_t failed() const { return failed_; }
  std::size_t ran() const { return finished_; }

 private:
  std::size_t total_, skipped_, finished_ = 0, failed_ = 0, running_ = 0;
  bool quiet_, tty_;
  std::chrono::steady_clock::time_point start_;
};

struct ExecOptions {
  std::size_t jobs = 1;
  bool fuse = true;  // train compatible runs together (sweep fusion); --no-fuse turns it off
  bool fail_fast = false;
  bool quiet = false;
};

struct ExecReport {
  std::size_t ran = 0, failed = 0;
  bool fail_fast_stop = false;
  int signal = 0;  // SIGINT or SIGTERM when interrupted
};

// Runs `todo` (indices into plan.runs) on this machine.
ExecReport execute_local(const SweepPlan& plan, const SweepDir& dir, const std::vector<std::size_t>& todo,
                         std::size_t skipped, const ExecOptions& opts);

// Signals that stop a sweep (SIGINT, SIGTERM): installed by the sweep command, read by executors.
void install_stop_handlers();
int stop_signal();

// The number of CPUs this process may use.
std::size_t available_cpus();

}  // namespace mindset
