// The trainer's checkpoint: every piece of loop state, so that a resumed run continues bit for
// bit. Parameters and optimiser state are stored as float64 (exact for float32 too); the RNG
// as numpy's get_state() holds it (MT19937 key, position, cached normal).
#include <chrono>
#include <cstdio>
#include <type_traits>

#include "checkpoint.hpp"
#include "trainer_impl.hpp"

namespace mindset {

namespace {

template <class T>
xt::xtensor<double, 2> to_double(const xt::xtensor<T, 2>& a) {
  xt::xtensor<double, 2> d = xt::xtensor<double, 2>::from_shape(a.shape());
  std::copy(a.begin(), a.end(), d.begin());
  return d;
}

template <class T>
void assign(const Checkpoint& c, const std::string& name, xt::xtensor<T, 2>& to) {
  const auto& a = c.array(name);
  if (a.shape() != to.shape())
    throw std::runtime_error("arrays/" + name + " has shape " + std::to_string(a.shape()[0]) + "x" +
                             std::to_string(a.shape()[1]) + ", the network's is " + std::to_string(to.shape()[0]) +
                             "x" + std::to_string(to.shape()[1]));
  std::copy(a.begin(), a.end(), to.begin());
}

}  // namespace

template <class T>
Checkpoint Trainer<T>::snapshot() {
  Checkpoint c;
  c.config = e_.yaml();
  c.strings["started_at"] = started_at_;
  const double session = std::chrono::duration<double>(std::chrono::steady_clock::now() - session_start_).count();
  c.reals["elapsed_seconds"] = prior_seconds_ + session;
  c.integers["iteration"] = it_;
  c.integers["epoch"] = epoch_;
  c.integers["batch_position"] = static_cast<std::int64_t>(batch_pos_);
  c.integers["epoch_examples"] = epoch_examples_;
  c.reals["epoch_cost_sum"] = epoch_cost_sum_;
  c.reals["epoch_metric_sum"] = epoch_metric_sum_;
  c.reals["best"] = best_;
  c.integers["best_epoch"] = best_epoch_;
  c.integers["best_iteration"] = best_iteration_;
  c.integers["wait"] = wait_;
  c.integers["optimizer_steps"] = optimizer_->steps();

  const NumpyRandom::State& s = rng_.state();
  c.int_vectors["rng/key"].assign(s.key.begin(), s.key.end());
  c.integers["rng_pos"] = s.pos;
  c.integers["rng_has_gauss"] = s.has_gauss ? 1 : 0;
  c.reals["rng_gauss"] = s.gauss;
  c.int_vectors["permutation"].assign(perm_.begin(), perm_.end());

  history_.for_each([&](const char* name, auto& v) {
    using V = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<V, std::vector<std::int64_t>>) c.int_vectors[std::string("history/") + name] = v;
    else c.real_vectors[std::string("history/") + name] = v;
  });

  const auto& params = net_.parameters();
  for (const auto& p : params) c.arrays["model/" + p.name] = to_double(*p.value);
  for (const auto& [name, a] : optimizer_->state()) c.arrays["optimizer/" + name] = to_double(*a);
  for (std::size_t k = 0; k < best_params_.size(); ++k) c.arrays["best/" + params[k].name] = to_double(best_params_[k]);
  return c;
}

// A checkpoint that cannot be written (disk full, ...) costs the ability to resume, not the
// run: training goes on and the results are still written; stderr says why, once.
template <class T>
void Trainer<T>::save_checkpoint() {
  try {
    write_checkpoint(opts_.checkpoint, snapshot());
  } catch (const std::runtime_error& ex) {
    if (!checkpoint_warned_) std::fprintf(stderr, "warning: %s; training goes on without it\n", ex.what());
    checkpoint_warned_ = true;
  }
}

template <class T>
void Trainer<T>::restore(const Checkpoint& c) {
  if (c.config != e_.yaml())
    throw UserError("the checkpoint " + opts_.checkpoint + " was written for a different config; remove it or "
                    "run without --resume to start from scratch");
  try {
    const auto& params = net_.parameters();
    for (const auto& p : params) assign(c, "model/" + p.name, *p.value);
    for (const auto& [name, a] : optimizer_->state()) assign(c, "optimizer/" + name, *a);
    for (std::size_t k = 0; k < best_params_.size(); ++k) assign(c, "best/" + params[k].name, best_params_[k]);
    optimizer_->set_steps(c.integer("optimizer_steps"));

    NumpyRandom::State s;
    auto key = c.int_vectors.find("rng/key");
    if (key == c.int_vectors.end() || key->second.size() != NumpyRandom::kStateSize)
      throw std::runtime_error("the random state (vectors/rng/key) is missing or has the wrong size");
    std::copy(key->second.begin(), key->second.end(), s.key.begin());
    s.pos = static_cast<std::uint32_t>(c.integer("rng_pos"));
    s.has_gauss = c.integer("rng_has_gauss") != 0;
    s.gauss = c.real("rng_gauss");
    rng_.set_state(s);

    it_ = c.integer("iteration");
    epoch_ = c.integer("epoch");
    batch_pos_ = static_cast<std::size_t>(c.integer("batch_position"));
    epoch_examples_ = c.integer("epoch_examples");
    epoch_cost_sum_ = c.real("epoch_cost_sum");
    epoch_metric_sum_ = c.real("epoch_metric_sum");
    best_ = c.real("best");
    best_epoch_ = c.integer("best_epoch");
    best_iteration_ = c.integer("best_iteration");
    wait_ = c.integer("wait");
    auto perm = c.int_vectors.find("permutation");
    if (perm == c.int_vectors.end()) throw std::runtime_error("the shuffle permutation is missing");
    perm_.assign(perm->second.begin(), perm->second.end());
    if (batch_pos_ > 0 && perm_.size() != train_.m())
      throw std::runtime_error("the shuffle permutation does not match the training examples");
    if (it_ < 0 || it_ > total_) throw std::runtime_error("its iteration is outside the run");

    history_.for_each([&](const char* name, auto& v) {
      using V = std::decay_t<decltype(v)>;
      const std::string key = std::string("history/") + name;
      if constexpr (std::is_same_v<V, std::vector<std::int64_t>>) {
        auto it = c.int_vectors.find(key);
        if (it == c.int_vectors.end()) throw std::runtime_error("vectors/" + key + " is missing");
        v = it->second;
      } else {
        auto it = c.real_vectors.find(key);
        if (it == c.real_vectors.end()) throw std::runtime_error("vectors/" + key + " is missing");
        v = it->second;
      }
    });
    auto started = c.strings.find("started_at");
    if (started != c.strings.end() && !started->second.empty()) started_at_ = started->second;
    prior_seconds_ = c.real("elapsed_seconds");
    resumed_from_ = it_;
  } catch (const std::runtime_error& ex) {
    throw UserError("the checkpoint " + opts_.checkpoint + " cannot be resumed: " + ex.what() +
                    " (remove it to start the run from scratch)");
  }
}

// The members defined here (the class itself is instantiated in trainer.cpp).
template Checkpoint Trainer<float>::snapshot();
template Checkpoint Trainer<double>::snapshot();
template void Trainer<float>::save_checkpoint();
template void Trainer<double>::save_checkpoint();
template void Trainer<float>::restore(const Checkpoint&);
template void Trainer<double>::restore(const Checkpoint&);

}  // namespace mindset
