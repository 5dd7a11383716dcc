// The training loop of a Trainer, in the pieces a fused sweep drives in lockstep
// (fused_trainer.cpp): begin, then per iteration next (checkpoint, evaluation), prepare (the
// batch, the learning rate), forward_backward (forward, cost, backward), update (L2, the
// optimiser's step, epoch bookkeeping) and after (callbacks, stop signals), then end.
#include <cmath>

#include "regularization.hpp"
#include "trainer_impl.hpp"

namespace mindset {

namespace {
std::string nonfinite(double v) { return std::isnan(v) ? "NaN" : "infinite"; }
}  // namespace

template <class T>
TrainOutcome Trainer<T>::run() {
  begin();
  while (next()) {
    prepare();
    if (!forward_backward() || !update() || !after()) break;
  }
  return end();
}

template <class T>
void Trainer<T>::begin() {
  out_ = TrainOutcome();
  out_.metric = loss_->metric();
  out_.cost_description = loss_->long_name();
  if (l2_ > 0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", l2_);
    out_.cost_description += ", plus the L2 penalty (lambda/2m) * sum of squared weights (lambda = " + std::string(buf) + ")";
  }
  out_.learning_rate_description = schedule_->describe();
  session_start_ = std::chrono::steady_clock::now();
  progress_->start(it_);
  first_it_ = it_;
  loop_start_ = std::chrono::steady_clock::now();
}

template <class T>
bool Trainer<T>::next() {
  if (it_ >= total_) return false;
  // The top of an iteration: the state a checkpoint holds.
  if (checkpoint_every_ > 0 && it_ % checkpoint_every_ == 0 && it_ > 0 && it_ != resumed_from_ && !opts_.checkpoint.empty())
    save_checkpoint();
  if (evaluate_every_ > 0 && it_ % evaluate_every_ == 0) evaluate(it_);
  return true;
}

template <class T>
bool Trainer<T>::after() {
  if (opts_.after_iteration) opts_.after_iteration(it_);
  if (opts_.stop && *opts_.stop && it_ < total_) {
    out_.status = "interrupted";
    out_.signal = *opts_.stop;
    out_.stop_reason = std::string("interrupted by ") +
                       (out_.signal == SIGTERM ? "SIGTERM" : out_.signal == SIGINT ? "SIGINT" : "a signal") + " after " +
                       std::to_string(it_) + " of " + std::to_string(total_) + " iterations";
    if (!opts_.checkpoint.empty()) save_checkpoint();
    return false;
  }
  return true;
}

template <class T>
TrainOutcome Trainer<T>::end() {
  loop_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - loop_start_).count();
  loop_iterations_ = it_ - first_it_;
  finish(out_);
  return std::move(out_);
}

// One iteration: forward in training mode, the cost (+ L2), backward, the update.
template <class T>
void Trainer<T>::prepare() {
  select_batch(x_, y_, len_);
  lr_ = learning_rate();
}

template <class T>
bool Trainer<T>::forward_backward() {
  CView<T> a = net_.forward(x_, ForwardMode{true, &rng_});
  const auto& params = net_.parameters();
  T cost_t = (T(1) / static_cast<T>(len_)) * loss_->sum(net_.layer(net_.size() - 1).pre_activation(), a, y_);
  if (l2_ > 0) cost_t = cost_t + l2_penalty(params, l2_, len_);
  cost_ = static_cast<double>(cost_t);
  record_ = record_every_ > 0 && it_ % record_every_ == 0;
  if (record_) {
    history_.iteration.push_back(it_);
    history_.cost.push_back(cost_);
    history_.learning_rate.push_back(lr_);
  }
  if (!std::isfinite(cost_)) {
    out_.status = "diverged";
    out_.diverged_at = it_;
    out_.stop_reason = "diverged at iteration " + std::to_string(it_) + ": the cost is " + nonfinite(cost_) +
                       " (try a smaller learning_rate)";
    return false;
  }
  epoch_cost_sum_ += cost_ * static_cast<double>(len_);
  epoch_metric_sum_ += loss_->metric_sum(a, y_);
  epoch_examples_ += static_cast<long long>(len_);
  net_.backward(x_, *loss_, y_);
  return true;
}

template <class T>
bool Trainer<T>::update() {
  const auto& params = net_.parameters();
  add_l2_gradient(params, l2_, len_);
  // The update goes into the gradient buffers; values and gradients swap only when all of it
  // is finite, so a diverging update leaves the last finite parameters without a copy.
  if (optimizer_->step_into_grad(params, static_cast<T>(lr_))) {
    for (const auto& p : params) std::swap(*p.value, *p.grad);
  } else {
    out_.status = "diverged";
    out_.diverged_at = it_;
    out_.stop_reason = "diverged at iteration " + std::to_string(it_) +
                       ": its update made parameters NaN or infinite (try a smaller learning_rate)";
    return false;
  }
  ++it_;
  batch_pos_ += len_;
  progress_->iteration(it_ - 1, epoch_, cost_, lr_, record_);
  if (batch_pos_ >= train_.m()) {
    batch_pos_ = 0;
    return end_epoch(out_);
  }
  return true;
}

#define MINDSET_TRAINER_LOOP(T)                 \
  template TrainOutcome Trainer<T>::run();       \
  template void Trainer<T>::begin();             \
  template bool Trainer<T>::next();              \
  template bool Trainer<T>::after();             \
  template TrainOutcome Trainer<T>::end();       \
  template void Trainer<T>::prepare();           \
  template bool Trainer<T>::forward_backward();  \
  template bool Trainer<T>::update();
MINDSET_TRAINER_LOOP(float)
MINDSET_TRAINER_LOOP(double)
#undef MINDSET_TRAINER_LOOP

}  // namespace mindset
