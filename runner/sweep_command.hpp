// `mindset sweep`: plan, resume, shard, run (here or over MPI), summarise.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sweep.hpp"
#include "sweep_exec.hpp"
#include "sweep_store.hpp"

namespace mindset {

struct SweepArgs {
  std::string sweep;                   // the sweep file
  std::string output;                  // DIR; "" = results/<sweep name>
  std::vector<std::string> overrides;  // key.path=value for every run
  std::size_t jobs = 0;                // 0 = one per CPU (one per rank with --mpi)
  std::string shard;                   // "K/N"
  bool fail_fast = false;
  bool fuse = true;                    // train compatible runs together (--no-fuse: each alone)
  std::string merge;                   // DIR: rebuild its summary from the run files
  bool mpi = false;
  bool update = false;                 // adopt a changed sweep in an existing DIR
  bool list = false;                   // print the runs and their state; run nothing
  bool quiet = false;
};
int cmd_sweep(const SweepArgs& a);

// Shared by the local and the MPI drivers.
struct SweepSetup {
  SweepPlan plan;
  SweepDir dir;
  Manifest manifest;
  std::vector<std::size_t> slice;  // this shard's runs
  std::vector<std::size_t> todo;   // of those, the ones to run
  std::size_t skipped = 0;         // finished before this invocation
};
// Plans the sweep, checks (and writes) the manifest, and finds what is left to do. Throws UserError.
SweepSetup setup_sweep(const SweepArgs& a, bool write);
// Writes the summary and prints the outcome; returns the exit code.
int finish_sweep(const SweepSetup& s, const ExecReport& rep, bool quiet);
#ifdef MINDSET_HAVE_MPI
int cmd_sweep_mpi(const SweepArgs& a);
#endif

}  // namespace mindset
