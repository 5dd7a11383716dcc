// The Trainer behind train_experiment (internal to the runner). Its loop state is plain data
// (counters, the shuffle permutation, running sums, early stopping's best, the history) so that
// a checkpoint holds all of it and a resumed run continues bit for bit.
#pragma once

#include <chrono>
#include <limits>
#include <map>
#include <memory>
#include <optional>

#include "loss.hpp"
#include "network.hpp"
#include "optimizer.hpp"
#include "progress.hpp"
#include "schedule.hpp"
#include "trainer.hpp"

namespace mindset {

struct Checkpoint;

// Examples and targets of one split, in the network's scalar type. For float64 x views the
// data set's own matrix (no copy of X); for float32 it views x_store, the converted copy.
template <class T>
struct Split {
  CView<T> x;
  std::shared_ptr<const xt::xtensor<T, 2>> x_store;
  xt::xtensor<T, 2> y;
  std::size_t m() const { return x.cols; }
};

// training.early_stopping, resolved.
struct EarlyStoppingSpec {
  bool enabled = false;
  bool on_cost = true;  // validation_cost (minimised) or the metric (accuracy maximised, rmse minimised)
  bool minimize = true;
  std::string monitor;
  long long patience = 5;
  double min_delta = 0;
  bool restore_best = true;
};

// Training data converted to float32 once for several trainers (a fused sweep's runs).
template <class T>
using ConvertedData = std::map<const Dataset*, std::shared_ptr<const xt::xtensor<T, 2>>>;

template <class T>
class Trainer {
 public:
  Trainer(const Experiment& e, const DataBundle& data, const TrainOptions& opts, ConvertedData<T>* shared = nullptr);
  TrainOutcome run();

  // run() in pieces, for a driver training several runs in lockstep (fused_trainer.cpp):
  //   begin(); while (next()) { prepare(); [first layer's W X]; if (!forward_backward()) break;
  //   [dW]; if (!update() || !after()) break; } end();
  void begin();
  bool next();              // the top of an iteration (checkpoint, evaluation); false when done
  void prepare();           // the batch and the learning rate
  bool forward_backward();  // false: the run ends (its cost is not finite)
  bool update();            // false: the run ends (diverged, or early stopping)
  bool after();             // callbacks and stop signals; false: interrupted
  TrainOutcome end();
  Network<T>& network() { return net_; }
  bool full_batch() const { return !shuffle_; }
  CView<T> batch_x() const { return x_; }

 private:
  static constexpr std::size_t kEvalBlock = 8192;  // numpy's summation block, so costs agree
  struct Eval {
    double cost, metric;
  };

  void select_batch(CView<T>& x, CView<T>& y, std::size_t& len);
  double learning_rate() const;
  bool end_epoch(TrainOutcome& out);  // false when early stopping ends the run
  Eval measure(const Split<T>& s);
  void evaluate(long long it);
  void copy_parameters(std::vector<xt::xtensor<T, 2>>& to) const;
  void load_parameters(const std::vector<xt::xtensor<T, 2>>& from);
  void reserve_history();
  void finish(TrainOutcome& out);

  // trainer_state.cpp: the checkpoint.
  Checkpoint snapshot();
  void save_checkpoint();
  void restore(const Checkpoint& c);

  const Experiment& e_;
  const ConfigNode& cfg_;
  TrainOptions opts_;
  std::unique_ptr<Loss<T>> loss_;
  Network<T> net_;
  std::unique_ptr<Optimizer<T>> optimizer_;
  std::unique_ptr<Schedule> schedule_;
  NumpyRandom rng_;
  Split<T> train_;
  std::optional<Split<T>> test_, validation_;
  Matrix<T> x_block_, y_block_;  // evaluation blocks
  Matrix<T> x_batch_, y_batch_;  // the current mini-batch, gathered from the permutation
  xt::xtensor<T, 2> x_examples_;  // mini-batches only: the training examples as rows (m x n)
  std::unique_ptr<ProgressReporter> progress_;

  // Settings.
  long long total_ = 0;            // updates in the run
  long long iterations_per_epoch_ = 1;
  std::size_t batch_ = 0;          // examples per update
  bool shuffle_ = false;           // mini-batches: a permutation each epoch
  long long record_every_ = 1, evaluate_every_ = 0, print_every_ = 0, checkpoint_every_ = 0;
  double lr0_ = 0, l2_ = 0;
  EarlyStoppingSpec early_;

  // Loop state: everything below is in a checkpoint.
  long long it_ = 0;               // updates done
  long long epoch_ = 0;            // epochs completed
  std::size_t batch_pos_ = 0;      // examples of the current permutation already used
  std::vector<std::size_t> perm_;
  double epoch_cost_sum_ = 0, epoch_metric_sum_ = 0;  // over the current epoch's batches
  long long epoch_examples_ = 0;
  double best_ = std::numeric_limits<double>::quiet_NaN();
  long long best_epoch_ = 0, best_iteration_ = 0, wait_ = 0;
  std::vector<xt::xtensor<T, 2>> best_params_;
  History history_;
  std::string started_at_;
  double prior_seconds_ = 0;
  long long resumed_from_ = -1;
  std::chrono::steady_clock::time_point session_start_;
  double loop_seconds_ = 0;        // this session's time in the loop (benchmarks)
  long long loop_iterations_ = 0, first_it_ = 0;
  std::chrono::steady_clock::time_point loop_start_;
  // The iteration under way.
  TrainOutcome out_;
  CView<T> x_, y_;
  std::size_t len_ = 0;
  double lr_ = 0, cost_ = 0;
  bool record_ = false;
  bool checkpoint_warned_ = false;
};

}  // namespace mindset
