// Sweep fusion: runs that train on the same examples, full batch, with a dense first layer, train
// together in one process. Their first layers' products Z = W X and dW = (1/m) dZ X^T are made
// as one product over all the runs' rows (simd::gemm_rows), so X is read once per iteration for
// all of them instead of once per run; everything else (the rest of each network, its optimiser,
// schedule, L2, dropout, evaluation, checkpoints, early stopping) is each run's own, as if it
// trained alone. Each element of those products is computed exactly as a lone run computes it,
// so a fused run's results are the bits of the same run trained alone.
//
// What may differ between fused runs: anything but the training examples and the dtype
// (learning rate, seed, initialisation, widths, depth, optimiser, iterations...). Runs with
// mini-batches (their batches come from each run's own stream) or a first layer that is not
// dense train alone.
#pragma once

#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "run.hpp"

namespace mindset {

// Which runs may train together: equal keys fuse; "" for a run that trains alone. The key is the
// dtype and everything the training examples depend on (data, loss, output units, and the seed
// when the data is split with it).
std::string fusion_key(const Experiment& e);

struct FusedOutcome {
  TrainOutcome outcome;
  std::exception_ptr error;  // the run could not start (its trainer threw)
};
// Trains the runs in lockstep where they share their examples (the same DataBundle), each with
// its own options; others one after the other. Outcomes in order.
std::vector<FusedOutcome> train_fused(const std::vector<const Experiment*>& runs, const std::vector<const DataBundle*>& data,
                                      const std::vector<TrainOptions>& opts);

struct FusedRunResult {
  std::optional<RunSummary> summary;
  std::string error;  // why the run failed, when it did
};
// run_experiment for several runs at once: each prepared and written on its own (its output,
// its log), their data loaded once where it is the same, then trained by train_fused.
std::vector<FusedRunResult> run_fused(const std::vector<const Experiment*>& runs, const std::vector<std::string>& outputs,
                                      const std::vector<RunOptions>& opts);

}  // namespace mindset
