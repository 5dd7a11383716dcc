#include "trainer.hpp"

#include <chrono>
#include <cstdio>

#include "loss.hpp"
#include "network.hpp"
#include "optimizer.hpp"

namespace mindset {

namespace {

// Examples and targets of one split, in the network's scalar type.
template <class T>
struct Split {
  xt::xtensor<T, 2> x, y;
  std::size_t m() const { return x.shape()[1]; }
};

template <class T>
Split<T> to_split(const Dataset& d, const Loss<T>& loss, std::size_t units) {
  Split<T> s;
  s.x = xt::xtensor<T, 2>::from_shape(d.x.shape());
  std::copy(d.x.begin(), d.x.end(), s.x.begin());
  s.y = xt::zeros<T>({units, d.m()});
  loss.encode(d.y.data(), view_of(s.y));
  return s;
}

// Columns [start, start + len) of a row-major matrix, as a contiguous copy-free view when the
// matrix is a single block; otherwise copied into `buf`.
template <class T>
CView<T> columns(const xt::xtensor<T, 2>& a, std::size_t start, std::size_t len, Matrix<T>& buf) {
  const std::size_t rows = a.shape()[0], cols = a.shape()[1];
  if (start == 0 && len == cols) return view_of(a);
  buf.reshape(rows, len);
  for (std::size_t i = 0; i < rows; ++i)
    std::copy(a.data() + i * cols + start, a.data() + i * cols + start + len, buf.data() + i * len);
  return buf.view();
}

template <class T>
class Trainer {
 public:
  Trainer(const Experiment& e, const DataBundle& data, const TrainOptions& opts)
      : cfg_(e.resolved), opts_(opts), name_(e.name) {
    const ConfigNode& model = cfg_.at("model");
    const ConfigNode& training = cfg_.at("training");
    loss_ = make_loss<T>(cfg_.at("loss"));
    net_ = Network<T>::from_config(model.at("layers"));
    optimizer_ = make_optimizer<T>(training.at("optimizer"));
    iterations_ = training.get_integer("iterations");
    record_every_ = training.get_integer("record_every");
    evaluate_every_ = training.get_integer("evaluate_every");
    print_every_ = training.get_integer("print_every");
    learning_rate_ = static_cast<T>(training.get_number("learning_rate"));

    // Sizes: the output layer's units come from the config; buffers fit the largest split, in
    // blocks of at most kEvalBlock examples for evaluation.
    const std::size_t units = static_cast<std::size_t>(model.at("layers").items().back().get_integer("units"));
    train_ = to_split<T>(data.train, *loss_, units);
    if (data.test) test_ = to_split<T>(*data.test, *loss_, units);
    std::size_t capacity = std::min(train_.m(), kEvalBlock);
    capacity = std::max(capacity, train_.m());  // full-batch training needs the whole set
    if (test_) capacity = std::max(capacity, std::min(test_->m(), kEvalBlock));
    net_.build(data.train.n(), capacity);
    x_block_.resize(data.train.n(), std::min(capacity, kEvalBlock));
    y_block_.resize(units, std::min(capacity, kEvalBlock));

    rng_.reseed(static_cast<std::uint32_t>(cfg_.get_integer("seed")));
    auto init = make_initializer(model.at("init"));
    net_.initialize(*init, rng_);
    optimizer_->setup(net_.parameters());
  }

  TrainOutcome run() {
    TrainOutcome out;
    out.metric = loss_->metric();
    out.cost_description = loss_->long_name();
    const auto t0 = std::chrono::steady_clock::now();
    const CView<T> X = view_of(train_.x), Y = view_of(train_.y);
    const std::size_t m = train_.m();
    const T inv_m = T(1) / static_cast<T>(m);
    ForwardMode mode{true, &rng_};
    for (long long it = 0; it < iterations_; ++it) {
      if (evaluate_every_ > 0 && it % evaluate_every_ == 0) evaluate(it, out.history);
      CView<T> a = net_.forward(X, mode);
      const bool record = record_every_ > 0 && it % record_every_ == 0;
      const bool print = print_every_ > 0 && !opts_.quiet && (it % print_every_ == 0);
      if (record || print) {
        const double cost = static_cast<double>(inv_m * loss_->sum(net_.layer(net_.size() - 1).pre_activation(), a, Y));
        if (record) {
          out.history.iteration.push_back(it);
          out.history.cost.push_back(cost);
        }
        if (print) progress(it, cost, t0);
      }
      net_.backward(X, *loss_, Y);
      optimizer_->step(net_.parameters(), learning_rate_);
    }
    // Final evaluation with the final parameters.
    if (out.history.evaluated_at.empty() || out.history.evaluated_at.back() != iterations_) evaluate(iterations_, out.history);
    Eval tr = measure(train_);
    out.final_cost = tr.cost;
    out.train_metric = tr.metric;
    if (test_) out.test_metric = measure(*test_).metric;
    if (!opts_.quiet) finish(out);

    for (std::size_t l = 0; l < net_.size(); ++l) out.layers.push_back(net_.layer(l).attributes());
    for (const auto& p : net_.parameters()) {
      xt::xtensor<double, 2> v = xt::xtensor<double, 2>::from_shape(p.value->shape());
      std::copy(p.value->begin(), p.value->end(), v.begin());
      out.parameters.emplace_back(p.name, std::move(v));
    }
    out.input_size = net_.input_size();
    out.parameter_count = net_.parameter_count();
    return out;
  }

 private:
  static constexpr std::size_t kEvalBlock = 8192;  // numpy's summation block, so costs agree
  struct Eval {
    double cost, metric;
  };

  // Cost and metric of the current parameters on a split, forward passes without training.
  Eval measure(const Split<T>& s) {
    const std::size_t m = s.m();
    T loss_sum = 0;
    double metric_sum = 0;
    ForwardMode eval{false, nullptr};
    for (std::size_t start = 0; start < m; start += kEvalBlock) {
      const std::size_t len = std::min(kEvalBlock, m - start);
      CView<T> x = columns(s.x, start, len, x_block_), y = columns(s.y, start, len, y_block_);
      CView<T> a = net_.forward(x, eval);
      loss_sum += loss_->sum(net_.layer(net_.size() - 1).pre_activation(), a, y);
      metric_sum += loss_->metric_sum(a, y);
    }
    return {static_cast<double>((T(1) / static_cast<T>(m)) * loss_sum), loss_->metric_value(metric_sum, m)};
  }

  void evaluate(long long it, History& h) {
    h.evaluated_at.push_back(it);
    h.train_metric.push_back(measure(train_).metric);
    if (test_) h.test_metric.push_back(measure(*test_).metric);
  }

  void progress(long long it, double cost, std::chrono::steady_clock::time_point t0) const {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr, "%s: iteration %lld/%lld  cost %.6f  (%.1f s)\n", name_.c_str(), it, iterations_, cost, secs);
  }

  void finish(const TrainOutcome& out) const {
    std::fprintf(stderr, "%s: final cost %.6f  train %s %.4f", name_.c_str(), out.final_cost, out.metric.c_str(),
                 out.train_metric);
    if (out.test_metric) std::fprintf(stderr, "  test %s %.4f", out.metric.c_str(), *out.test_metric);
    std::fprintf(stderr, "\n");
  }

  const ConfigNode& cfg_;
  TrainOptions opts_;
  std::string name_;
  std::unique_ptr<Loss<T>> loss_;
  Network<T> net_;
  std::unique_ptr<Optimizer<T>> optimizer_;
  NumpyRandom rng_;
  Split<T> train_;
  std::optional<Split<T>> test_;
  Matrix<T> x_block_, y_block_;
  long long iterations_, record_every_, evaluate_every_, print_every_;
  T learning_rate_;
};

}  // namespace

TrainOutcome train_experiment(const Experiment& e, const DataBundle& data, const TrainOptions& opts) {
  if (e.resolved.get_string("dtype") == "float32") return Trainer<float>(e, data, opts).run();
  return Trainer<double>(e, data, opts).run();
}

}  // namespace mindset
