// The training loop. One iteration: take the next mini-batch (a new permutation of the
// examples at each epoch's start when batch_size < m), forward in training mode (dropout masks
// drawn), the cost of the batch (+ the L2 term), backward, L2 gradient, the optimiser's update
// with the schedule's learning rate. Draws from the run's one numpy-exact stream, in order:
// initial weights (layer by layer); then per epoch np.random.permutation(m); then per iteration
// each dropout layer's np.random.rand(units, batch). The loop allocates nothing.
#include "trainer.hpp"

#include <cmath>

#include "checkpoint.hpp"
#include "regularization.hpp"
#include "trainer_impl.hpp"

namespace mindset {

namespace {

template <class T>
void convert_x(const Dataset& d, Split<T>& s, ConvertedData<T>* shared) {
  if (shared)
    if (auto it = shared->find(&d); it != shared->end()) s.x_store = it->second;
  if (!s.x_store) {
    auto x = std::make_shared<xt::xtensor<T, 2>>(xt::xtensor<T, 2>::from_shape(d.x.shape()));
    std::copy(d.x.begin(), d.x.end(), x->begin());
    s.x_store = x;
    if (shared) (*shared)[&d] = x;
  }
  s.x = view_of(*s.x_store);
}
template <>
void convert_x(const Dataset& d, Split<double>& s, ConvertedData<double>*) {
  s.x = view_of(d.x);  // the data set outlives the trainer: train on its matrix, uncopied
}

template <class T>
Split<T> to_split(const Dataset& d, const Loss<T>& loss, std::size_t units, ConvertedData<T>* shared) {
  Split<T> s;
  convert_x(d, s, shared);
  s.y = xt::zeros<T>({units, d.m()});
  loss.encode(d.y.data(), view_of(s.y));
  return s;
}

// Columns [start, start + len) of a row-major matrix: the matrix itself when that is all of
// it, otherwise copied into `buf`.
template <class T>
CView<T> columns(CView<T> a, std::size_t start, std::size_t len, Matrix<T>& buf) {
  const std::size_t rows = a.rows, cols = a.cols;
  if (start == 0 && len == cols) return a;
  buf.resize(rows, len);  // evaluation blocks exist only for splits of more than kEvalBlock examples
  for (std::size_t i = 0; i < rows; ++i)
    std::copy(a.data + i * cols + start, a.data + i * cols + start + len, buf.data() + i * len);
  return buf.view();
}

// Columns perm[pos], ..., perm[pos + len - 1] of a, gathered into buf (as X[:, perm[k*B:(k+1)*B]]).
template <class T>
CView<T> gather(CView<T> a, const std::size_t* idx, std::size_t len, Matrix<T>& buf) {
  const std::size_t rows = a.rows, cols = a.cols;
  buf.reshape(rows, len);
  for (std::size_t i = 0; i < rows; ++i) {
    const T* src = a.data + i * cols;
    T* dst = buf.data() + i * len;
    for (std::size_t j = 0; j < len; ++j) dst[j] = src[idx[j]];
  }
  return buf.view();
}

// Examples perm[pos], ..., perm[pos + len - 1] from the example-major copy (m x n, an example
// per row), written as the columns of buf (n x len): contiguous reads, 8 columns at a time.
template <class T>
CView<T> gather_examples(const xt::xtensor<T, 2>& examples, const std::size_t* idx, std::size_t len, Matrix<T>& buf) {
  const std::size_t n = examples.shape()[1];
  buf.reshape(n, len);
  T* dst = buf.data();
  for (std::size_t k0 = 0; k0 < len; k0 += 8) {
    const std::size_t kn = std::min<std::size_t>(8, len - k0);
    const T* src[8];
    for (std::size_t k = 0; k < kn; ++k) src[k] = examples.data() + idx[k0 + k] * n;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = 0; k < kn; ++k) dst[i * len + k0 + k] = src[k][i];
  }
  return buf.view();
}

}  // namespace

template <class T>
Trainer<T>::Trainer(const Experiment& e, const DataBundle& data, const TrainOptions& opts, ConvertedData<T>* shared)
    : e_(e), cfg_(e.resolved), opts_(opts) {
  const ConfigNode& model = cfg_.at("model");
  const ConfigNode& training = cfg_.at("training");
  loss_ = make_loss<T>(cfg_.at("loss"));
  net_ = Network<T>::from_config(model.at("layers"));
  optimizer_ = make_optimizer<T>(training.at("optimizer"));
  const ConfigNode* sched = training.find("schedule");
  schedule_ = make_schedule(sched ? *sched : ConfigNode::scalar("constant"));
  lr0_ = training.get_number("learning_rate");
  l2_ = training.has("l2") ? training.get_number("l2") : 0.0;
  record_every_ = training.has("record_every") ? training.get_integer("record_every") : 1;
  evaluate_every_ = training.has("evaluate_every") ? training.get_integer("evaluate_every") : 0;
  checkpoint_every_ = training.has("checkpoint_every") ? training.get_integer("checkpoint_every") : 0;

  const std::size_t units = static_cast<std::size_t>(model.at("layers").items().back().get_integer("units"));
  train_ = to_split<T>(data.train, *loss_, units, shared);
  if (data.test) test_ = to_split<T>(*data.test, *loss_, units, shared);
  if (data.validation) validation_ = to_split<T>(*data.validation, *loss_, units, shared);
  const std::size_t m = train_.m();
  batch_ = training.has("batch_size") ? std::min<std::size_t>(m, training.get_integer("batch_size")) : m;
  shuffle_ = batch_ < m;
  iterations_per_epoch_ = static_cast<long long>((m + batch_ - 1) / batch_);
  total_ = training.has("iterations") ? training.get_integer("iterations")
                                      : training.get_integer("epochs") * iterations_per_epoch_;
  print_every_ = training.has("print_every") ? training.get_integer("print_every") : std::max(1LL, total_ / 20);

  if (const ConfigNode* es = training.find("early_stopping")) {
    early_.enabled = true;
    early_.monitor = es->get_string("monitor");
    early_.on_cost = early_.monitor == "validation_cost";
    early_.minimize = early_.on_cost || loss_->metric() == "rmse";
    early_.patience = es->get_integer("patience");
    early_.min_delta = es->get_number("min_delta");
    early_.restore_best = es->get_bool("restore_best");
    if (!validation_)
      throw UserError(es->mark(), "training.early_stopping",
                      "early stopping monitors a validation split, and there is none: set data.validation_fraction "
                      "(e.g. 0.1) to hold out part of the training examples");
    best_ = early_.minimize ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
  }

  // Buffers: the largest batch trained on, and evaluation blocks of up to kEvalBlock examples.
  std::size_t capacity = shuffle_ ? batch_ : m;
  for (const Split<T>* s : {&train_, test_ ? &*test_ : nullptr, validation_ ? &*validation_ : nullptr})
    if (s) capacity = std::max(capacity, std::min(s->m(), kEvalBlock));
  net_.build(data.train.n(), capacity);
  // Evaluation blocks (copies of kEvalBlock columns) only when a split is larger than that.
  if (capacity >= kEvalBlock && std::max({train_.m(), test_ ? test_->m() : 0, validation_ ? validation_->m() : 0}) > kEvalBlock) {
    x_block_.resize(data.train.n(), kEvalBlock);
    y_block_.resize(units, kEvalBlock);
  }
  if (shuffle_) {
    x_batch_.resize(data.train.n(), batch_);
    // Mini-batches gather random examples: from the n x m matrix that is a cache miss per
    // feature and example; an example-major copy makes each example one contiguous read.
    const std::size_t n = data.train.n();
    x_examples_ = xt::xtensor<T, 2>::from_shape({m, n});
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < m; ++j) x_examples_(j, i) = train_.x(i, j);
    y_batch_.resize(units, batch_);
    perm_.reserve(m);
  }

  rng_.reseed(static_cast<std::uint32_t>(cfg_.get_integer("seed")));
  auto init = make_initializer(model.at("init"));
  net_.initialize(*init, rng_);
  optimizer_->setup(net_.parameters());
  if (early_.enabled && early_.restore_best) copy_parameters(best_params_);
  started_at_ = opts_.started_at;

  ProgressReporter::Setup ps;
  ps.mode = opts_.quiet ? TrainOptions::Progress::none : opts_.progress;
  ps.json = opts_.log_json;
  ps.name = e.name;
  ps.metric = loss_->metric();
  ps.total = total_;
  ps.print_every = print_every_;
  ps.epochs = training.has("epochs") ? training.get_integer("epochs") : 0;
  if (opts_.log) ps.out = opts_.log;
  progress_ = std::make_unique<ProgressReporter>(ps);

  if (opts_.resume) restore(read_checkpoint(opts_.checkpoint));
  reserve_history();
}

template <class T>
void Trainer<T>::reserve_history() {
  auto need = [&](long long every) { return static_cast<std::size_t>(every > 0 ? total_ / every + 2 : 2); };
  History& h = history_;
  h.iteration.reserve(need(record_every_));
  for (auto* v : {&h.cost, &h.learning_rate}) v->reserve(need(record_every_));
  for (auto* v : {&h.epoch, &h.epoch_iteration}) v->reserve(need(iterations_per_epoch_));
  for (auto* v : {&h.epoch_cost, &h.epoch_metric, &h.validation_cost, &h.validation_metric})
    v->reserve(need(iterations_per_epoch_));
  h.evaluated_at.reserve(need(evaluate_every_));
  for (auto* v : {&h.train_metric, &h.test_metric}) v->reserve(need(evaluate_every_));
}

template <class T>
void Trainer<T>::select_batch(CView<T>& x, CView<T>& y, std::size_t& len) {
  const std::size_t m = train_.m();
  if (!shuffle_) {
    x = train_.x;
    y = view_of(train_.y);
    len = m;
    return;
  }
  if (batch_pos_ == 0) rng_.permutation(m, perm_);
  len = std::min(batch_, m - batch_pos_);
  x = gather_examples(x_examples_, perm_.data() + batch_pos_, len, x_batch_);
  y = gather<T>(view_of(train_.y), perm_.data() + batch_pos_, len, y_batch_);
}

template <class T>
double Trainer<T>::learning_rate() const {
  if (schedule_->per_epoch())
    return schedule_->rate(lr0_, epoch_, static_cast<double>(total_) / static_cast<double>(iterations_per_epoch_));
  return schedule_->rate(lr0_, it_, static_cast<double>(total_));
}

template <class T>
bool Trainer<T>::end_epoch(TrainOutcome& out) {
  ++epoch_;
  const double cost = epoch_cost_sum_ / static_cast<double>(epoch_examples_);
  const double metric = loss_->metric_value(epoch_metric_sum_, static_cast<std::size_t>(epoch_examples_));
  history_.epoch.push_back(epoch_);
  history_.epoch_iteration.push_back(it_);
  history_.epoch_cost.push_back(cost);
  history_.epoch_metric.push_back(metric);
  epoch_cost_sum_ = epoch_metric_sum_ = 0;
  epoch_examples_ = 0;
  std::optional<double> vcost, vmetric;
  if (validation_) {
    Eval v = measure(*validation_);
    history_.validation_cost.push_back(v.cost);
    history_.validation_metric.push_back(v.metric);
    vcost = v.cost;
    vmetric = v.metric;
  }
  progress_->epoch(epoch_, it_, cost, metric, vcost, vmetric);
  if (!early_.enabled) return true;
  const double value = early_.on_cost ? *vcost : *vmetric;
  const bool better = early_.minimize ? value < best_ - early_.min_delta : value > best_ + early_.min_delta;
  if (better) {
    best_ = value;
    best_epoch_ = epoch_;
    best_iteration_ = it_;
    wait_ = 0;
    if (early_.restore_best) copy_parameters(best_params_);
    return true;
  }
  if (++wait_ < early_.patience) return true;
  out.stopped_early = true;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", best_);
  out.stop_reason = "stopped early after epoch " + std::to_string(epoch_) + ": " + early_.monitor +
                    " did not improve for " + std::to_string(early_.patience) + " epochs (best " + buf + " at epoch " +
                    std::to_string(best_epoch_) + (early_.restore_best ? ", whose parameters are kept)" : ")");
  if (early_.restore_best && best_epoch_ > 0) load_parameters(best_params_);
  return false;
}

template <class T>
typename Trainer<T>::Eval Trainer<T>::measure(const Split<T>& s) {
  const std::size_t m = s.m();
  T loss_sum = 0;
  double metric_sum = 0;
  ForwardMode eval{false, nullptr};
  for (std::size_t start = 0; start < m; start += kEvalBlock) {
    const std::size_t len = std::min(kEvalBlock, m - start);
    CView<T> x = columns<T>(s.x, start, len, x_block_), y = columns<T>(view_of(s.y), start, len, y_block_);
    CView<T> a = net_.forward(x, eval);
    loss_sum += loss_->sum(net_.layer(net_.size() - 1).pre_activation(), a, y);
    metric_sum += loss_->metric_sum(a, y);
  }
  return {static_cast<double>((T(1) / static_cast<T>(m)) * loss_sum), loss_->metric_value(metric_sum, m)};
}

template <class T>
void Trainer<T>::evaluate(long long it) {
  history_.evaluated_at.push_back(it);
  const double train = measure(train_).metric;
  history_.train_metric.push_back(train);
  std::optional<double> test;
  if (test_) history_.test_metric.push_back(*(test = measure(*test_).metric));
  progress_->evaluation(it, train, test);
}

template <class T>
void Trainer<T>::copy_parameters(std::vector<xt::xtensor<T, 2>>& to) const {
  const auto& params = net_.parameters();
  if (to.size() != params.size()) {  // setup only
    to.clear();
    for (const auto& p : params) to.push_back(*p.value);
    return;
  }
  for (std::size_t k = 0; k < params.size(); ++k) std::copy(params[k].value->begin(), params[k].value->end(), to[k].begin());
}

template <class T>
void Trainer<T>::load_parameters(const std::vector<xt::xtensor<T, 2>>& from) {
  const auto& params = net_.parameters();
  for (std::size_t k = 0; k < params.size(); ++k) std::copy(from[k].begin(), from[k].end(), params[k].value->begin());
}

template <class T>
void Trainer<T>::finish(TrainOutcome& out) {
  if (history_.evaluated_at.empty() || history_.evaluated_at.back() != it_) evaluate(it_);
  const Eval tr = measure(train_);
  out.final_cost = tr.cost + static_cast<double>(l2_penalty(net_.parameters(), l2_, train_.m()));
  out.train_metric = tr.metric;
  if (test_) out.test_metric = measure(*test_).metric;
  if (validation_) out.validation_metric = measure(*validation_).metric;
  out.iterations_done = it_;
  out.epochs_done = epoch_;
  if (early_.enabled && best_epoch_ > 0) {
    out.best_epoch = best_epoch_;
    out.best_iteration = best_iteration_;
  }
  if (out.stop_reason.empty())
    out.stop_reason = "completed " + std::to_string(it_) + " iterations (" + std::to_string(epoch_) + " epochs)";
  out.resumed_from = resumed_from_;
  out.started_at = started_at_;
  out.prior_seconds = prior_seconds_;
  out.loop_seconds = loop_seconds_;
  out.loop_iterations = loop_iterations_;
  out.history = std::move(history_);
  for (std::size_t l = 0; l < net_.size(); ++l) out.layers.push_back(net_.layer(l).attributes());
  for (const auto& p : net_.parameters()) {
    xt::xtensor<double, 2> v = xt::xtensor<double, 2>::from_shape(p.value->shape());
    std::copy(p.value->begin(), p.value->end(), v.begin());
    out.parameters.emplace_back(p.name, std::move(v));
  }
  out.input_size = net_.input_size();
  out.parameter_count = net_.parameter_count();
  progress_->end(out);
}

template class Trainer<float>;
template class Trainer<double>;

TrainOutcome train_experiment(const Experiment& e, const DataBundle& data, const TrainOptions& opts) {
  if (e.resolved.get_string("dtype") == "float32") return Trainer<float>(e, data, opts).run();
  return Trainer<double>(e, data, opts).run();
}

std::string checkpoint_path(const std::string& output) { return output + ".ckpt.h5"; }

}  // namespace mindset
