// Stopping a run cleanly on SIGINT/SIGTERM. The first signal only sets a flag: the training
// loop finishes its iteration, writes a checkpoint and an `interrupted` results file, and the
// process exits 128 + signal (130, 143). A second signal exits at once, removing the temporary
// file being written, if any (a file at a final path is always whole either way).
#pragma once

#include <csignal>
#include <string>

namespace mindset {

class StopSignals {
 public:
  // Installs the handlers (even where the shell set SIGINT to be ignored, as it does for
  // background jobs: a scheduler's SIGINT must still stop the run cleanly).
  explicit StopSignals(bool quiet);
  ~StopSignals();  // restores the previous handlers
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // The signal number received, or 0.
  static const volatile std::sig_atomic_t* flag();
};

// While alive, a hard exit on a second signal unlinks `path` (a temporary file being written).
class TempFileGuard {
 public:
  explicit TempFileGuard(const std::string& path);
  ~TempFileGuard();
  TempFileGuard(const TempFileGuard&) = delete;
  TempFileGuard& operator=(const TempFileGuard&) = delete;
};

}  // namespace mindset
