// The lockstep driver of sweep fusion (fused.hpp). Per iteration: every trainer's top of loop and
// batch; then, per group of trainers on the same X, one product Z = W X over all their first
// layers' rows; each trainer's forward from there, cost and backward; one product
// dW = (1/m) dZ X^T over the rows of all that are still running; each trainer's update. A run that
// stops (done, diverged, early stopping, a signal) leaves the group; the rest go on.
#include "fused.hpp"

#include "simd.hpp"
#include "trainer_impl.hpp"

namespace mindset {

namespace {

template <class T>
class Lockstep {
 public:
  Lockstep(std::vector<Trainer<T>*> members, std::vector<TrainOutcome*> outcomes)
      : tr_(std::move(members)), out_(std::move(outcomes)), products_(tr_.size()), active_(tr_.size(), true) {
    std::size_t rows = 0;
    for (Trainer<T>* t : tr_) rows += t->network().layer(0).output_size();
    a_.reserve(rows);
    c_.reserve(rows);
  }

  void run() {
    for (Trainer<T>* t : tr_) t->begin();
    for (;;) {
      for (std::size_t i = 0; i < tr_.size(); ++i)
        if (active_[i] && !tr_[i]->next()) stop(i);
      if (!any()) return;
      for (std::size_t i = 0; i < tr_.size(); ++i)
        if (active_[i]) tr_[i]->prepare();
      forward_products();
      for (std::size_t i = 0; i < tr_.size(); ++i)
        if (active_[i] && !tr_[i]->forward_backward()) stop(i);
      weight_gradients();
      for (std::size_t i = 0; i < tr_.size(); ++i)
        if (active_[i] && (!tr_[i]->update() || !tr_[i]->after())) stop(i);
    }
  }

 private:
  bool any() const {
    for (bool a : active_)
      if (a) return true;
    return false;
  }
  void stop(std::size_t i) {
    tr_[i]->network().layer(0).cancel_deferred();
    *out_[i] = tr_[i]->end();
    active_[i] = false;
  }

  // The row pointers of one product over every active trainer's first layer (forward: rows of W
  // and Z, after asking each layer to leave its product to us; else rows of dZ and dW); X's view.
  CView<T> gather_rows(bool forward) {
    a_.clear();
    c_.clear();
    CView<T> x;
    for (std::size_t i = 0; i < tr_.size(); ++i) {
      if (!active_[i]) continue;
      x = tr_[i]->batch_x();
      FusedProducts<T>& p = products_[i];
      if (forward) tr_[i]->network().layer(0).defer_products(x.cols, &p);
      for (std::size_t r = 0; r < p.units; ++r) {
        a_.push_back(forward ? p.w + r * p.fan_in : p.dz + r * x.cols);
        c_.push_back(forward ? p.z + r * x.cols : p.dw + r * p.fan_in);
      }
    }
    return x;
  }

  // Z = W X for every active trainer's first layer: one product over all their rows.
  void forward_products() {
    const CView<T> x = gather_rows(true);
    if (a_.empty()) return;
    if (simd::gemm_rows(false, a_.size(), x.cols, x.rows, T(1), a_.data(), x.data, x.cols, c_.data())) return;
    for (std::size_t i = 0; i < tr_.size(); ++i)  // no fused kernels on this CPU: each on its own
      if (active_[i]) {
        const FusedProducts<T>& p = products_[i];
        gemm(false, false, p.units, x.cols, p.fan_in, T(1), p.w, p.fan_in, x.data, x.cols, T(0), p.z, x.cols);
      }
  }

  // dW = (1/m) dZ X^T for the trainers whose backward ran (it set dz).
  void weight_gradients() {
    const CView<T> x = gather_rows(false);
    if (a_.empty()) return;
    const T inv_m = T(1) / static_cast<T>(x.cols);  // as the dense layer computes it
    if (simd::gemm_rows(true, a_.size(), x.rows, x.cols, inv_m, a_.data(), x.data, x.cols, c_.data())) return;
    for (std::size_t i = 0; i < tr_.size(); ++i)
      if (active_[i]) {
        const FusedProducts<T>& p = products_[i];
        gemm(false, true, p.units, p.fan_in, x.cols, inv_m, p.dz, x.cols, x.data, x.cols, T(0), p.dw, p.fan_in);
      }
  }

  std::vector<Trainer<T>*> tr_;
  std::vector<TrainOutcome*> out_;
  std::vector<FusedProducts<T>> products_;
  std::vector<bool> active_;
  std::vector<const T*> a_;  // row pointers of the current product (capacity reserved once)
  std::vector<T*> c_;
};

template <class T>
void train_typed(const std::vector<std::size_t>& idx, const std::vector<const Experiment*>& runs,
                 const std::vector<const DataBundle*>& data, const std::vector<TrainOptions>& opts,
                 std::vector<FusedOutcome>& results) {
  ConvertedData<T> shared;  // float32: one converted copy of each data set for all the runs
  std::vector<std::unique_ptr<Trainer<T>>> trainers(runs.size());
  // Groups: trainers on the same examples whose first layer lets a driver make its products.
  std::vector<std::pair<const DataBundle*, std::vector<std::size_t>>> groups;
  for (std::size_t i : idx) {
    try {
      trainers[i] = std::make_unique<Trainer<T>>(*runs[i], *data[i], opts[i], &shared);
    } catch (...) {
      results[i].error = std::current_exception();
      continue;
    }
    FusedProducts<T> probe;
    const bool fusable = trainers[i]->full_batch() && trainers[i]->network().layer(0).defer_products(1, &probe);
    trainers[i]->network().layer(0).cancel_deferred();
    if (!fusable) {
      results[i].outcome = trainers[i]->run();
      trainers[i].reset();
      continue;
    }
    auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& x) { return x.first == data[i]; });
    if (g == groups.end()) groups.push_back({data[i], {i}});
    else g->second.push_back(i);
  }
  for (auto& [d, members] : groups) {
    std::vector<Trainer<T>*> ts;
    std::vector<TrainOutcome*> outs;
    for (std::size_t i : members) {
      ts.push_back(trainers[i].get());
      outs.push_back(&results[i].outcome);
    }
    Lockstep<T>(ts, outs).run();
    for (std::size_t i : members) trainers[i].reset();
  }
}

}  // namespace

std::vector<FusedOutcome> train_fused(const std::vector<const Experiment*>& runs, const std::vector<const DataBundle*>& data,
                                      const std::vector<TrainOptions>& opts) {
  std::vector<FusedOutcome> results(runs.size());
  std::vector<std::size_t> f32, f64;
  for (std::size_t i = 0; i < runs.size(); ++i)
    (runs[i]->resolved.get_string("dtype") == "float32" ? f32 : f64).push_back(i);
  if (!f64.empty()) train_typed<double>(f64, runs, data, opts, results);
  if (!f32.empty()) train_typed<float>(f32, runs, data, opts, results);
  return results;
}

}  // namespace mindset
