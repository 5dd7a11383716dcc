// The training loop: a whole mini-batch run against a numpy implementation (draw order, dropout,
// L2, Adam, an epoch schedule; tests/reference/training.txt from make_training.py), epochs and
// batches, early stopping on a validation split, divergence, regression, no allocation per
// iteration, and the progress outputs.
#define BOOST_TEST_MODULE trainer
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <new>
#include <set>

#include "config.hpp"
#include "random.hpp"
#include "results.hpp"
#include "testing.hpp"
#include "trainer.hpp"
#include "yaml_tree.hpp"

// Counts every allocation, to check that the training loop makes none. (GCC cannot see that
// the replaced new and delete below pair malloc with free.)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
static std::atomic<long long> g_allocations{0};
void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
// The nothrow forms too (std::stable_sort's buffer): under ASan, which replaces the ones left
// out, its nothrow new would meet the free() above (alloc-dealloc-mismatch).
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  ++g_allocations;
  return std::malloc(n ? n : 1);
}
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }

using namespace mindset;

namespace {

const std::vector<double>& expected(const std::string& label) {
  static const auto r = testing::read_reference("training.txt");
  auto it = r.find(label);
  BOOST_REQUIRE_MESSAGE(it != r.end(), "reference lacks " + label);
  return it->second;
}

// The run make_training.py implements (the flower source is only a placeholder: the test
// supplies the examples).
const char* kTrajectoryConfig = R"(
seed: 3
data: {train: {type: flower}}
model:
  init: {type: normal, scale: 0.5}
  layers:
    - {units: 6, activation: relu}
    - {type: dropout, rate: 0.25}
    - {units: 4, activation: tanh}
    - {units: 1, activation: sigmoid}
training:
  optimizer: adam
  learning_rate: 0.01
  iterations: 20
  batch_size: 16
  l2: 0.1
  schedule: {type: inverse_time, decay: 0.5, unit: epoch}
)";

Experiment experiment(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  return resolve_experiment(parse_yaml(yaml, nullptr), "test.yaml", overrides);
}

Dataset dataset(const std::vector<double>& x, std::size_t n, const std::vector<double>& y) {
  Dataset d;
  d.x = xt::xtensor<double, 2>::from_shape({n, y.size()});
  std::copy(x.begin(), x.end(), d.x.begin());
  d.y = y;
  return d;
}

// Two noisy interleaved classes: m examples from a seeded stream.
Dataset noisy(std::size_t m, std::uint32_t seed, double noise) {
  NumpyRandom r(seed);
  std::vector<double> x(2 * m), y(m);
  for (std::size_t j = 0; j < m; ++j) {
    double a = r.random_sample() * 6.28, rad = r.random_sample() * 2;
    x[j] = rad * std::cos(a);
    x[m + j] = rad * std::sin(a);
    y[j] = (std::sin(3 * a) > 0) != (r.random_sample() < noise) ? 1.0 : 0.0;
  }
  return dataset(x, 2, y);
}

TrainOptions quiet() {
  TrainOptions o;
  o.quiet = true;
  return o;
}

std::string error_of(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  try {
    experiment(yaml, overrides);
  } catch (const UserError& e) {
    std::string s;
    for (const auto& d : e.diagnostics()) s += d.str() + "\n";
    return s;
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_CASE(mini_batch_run_equals_numpy) {
  Experiment e = experiment(kTrajectoryConfig);
  DataBundle b;
  b.train = dataset(expected("X"), 2, expected("Y"));
  TrainOutcome out = train_experiment(e, b, quiet());
  BOOST_TEST(out.status == "completed");
  BOOST_TEST(out.iterations_done == 20);
  BOOST_TEST(out.epochs_done == 6);  // 40 examples in batches of 16, 16, 8
  // Within a few ulps: numpy's exp, log and tanh are SVML's on AVX-512 CPUs (see make_softmax.py).
  const auto tol = boost::test_tools::tolerance(1e-12);
  const auto& cost = expected("cost");
  BOOST_REQUIRE_EQUAL(out.history.cost.size(), cost.size());
  for (std::size_t i = 0; i < cost.size(); ++i) BOOST_TEST(out.history.cost[i] == cost[i], tol);
  BOOST_TEST(out.history.learning_rate == expected("learning_rate"), boost::test_tools::per_element());
  const auto& ecost = expected("epoch_cost");
  BOOST_REQUIRE_EQUAL(out.history.epoch_cost.size(), ecost.size());
  for (std::size_t i = 0; i < ecost.size(); ++i) BOOST_TEST(out.history.epoch_cost[i] == ecost[i], tol);
  BOOST_TEST(out.history.epoch_iteration == (std::vector<std::int64_t>{3, 6, 9, 12, 15, 18}),
             boost::test_tools::per_element());
  const char* names[] = {"W1", "b1", "W2", "b2", "W3", "b3"};
  BOOST_REQUIRE_EQUAL(out.parameters.size(), 6u);
  for (std::size_t k = 0; k < 6; ++k) {
    const auto& want = expected(names[k]);
    const auto& got = out.parameters[k].second;
    BOOST_REQUIRE_EQUAL(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i)
      BOOST_TEST_CONTEXT(names[k] << "[" << i << "]") { BOOST_TEST(got.data()[i] == want[i], boost::test_tools::tolerance(1e-10)); }
  }
  BOOST_TEST(out.cost_description.find("L2") != std::string::npos);
  // Same config, same seed: bit-identical.
  TrainOutcome again = train_experiment(e, b, quiet());
  BOOST_TEST(again.history.cost == out.history.cost, boost::test_tools::per_element());
  BOOST_TEST(again.parameters[0].second == out.parameters[0].second);
}

BOOST_AUTO_TEST_CASE(epochs_count_passes_over_the_data) {
  Experiment e = experiment(kTrajectoryConfig, {"~training.iterations", "+training.epochs=4", "training.record_every=2"});
  DataBundle b;
  b.train = dataset(expected("X"), 2, expected("Y"));
  TrainOutcome out = train_experiment(e, b, quiet());
  BOOST_TEST(out.iterations_done == 12);
  BOOST_TEST(out.history.iteration == (std::vector<std::int64_t>{0, 2, 4, 6, 8, 10}), boost::test_tools::per_element());
  BOOST_TEST(out.history.epoch == (std::vector<std::int64_t>{1, 2, 3, 4}), boost::test_tools::per_element());
  BOOST_TEST(out.history.epoch_metric.size() == 4u);
  // Full batch: one iteration per epoch and no shuffling (no draws beyond the initial weights
  // and the masks), as batch gradient descent in numpy.
  Experiment full = experiment(kTrajectoryConfig, {"~training.batch_size", "training.iterations=3"});
  TrainOutcome f = train_experiment(full, b, quiet());
  BOOST_TEST(f.epochs_done == 3);
  BOOST_TEST(f.history.epoch_cost == f.history.cost, boost::test_tools::per_element());

  BOOST_TEST(error_of(kTrajectoryConfig, {"+training.epochs=3"}).find("not both") != std::string::npos);
  BOOST_TEST(error_of(kTrajectoryConfig, {"~training.iterations"}).find("'iterations' or 'epochs'") != std::string::npos);
  BOOST_TEST(error_of(kTrajectoryConfig, {"training.batch_size=0"}).find("training.batch_size") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(early_stopping_restores_the_best_epoch) {
  const std::string cfg = R"(
seed: 5
data: {train: {type: flower}}
model: {init: he_normal, layers: [{units: 48, activation: relu}, {units: 1, activation: sigmoid}]}
training:
  optimizer: adam
  learning_rate: 0.03
  epochs: 300
  batch_size: 10
  early_stopping: {monitor: validation_cost, patience: 4}
)";
  DataBundle b;
  b.train = noisy(40, 1, 0.3);
  b.validation = noisy(60, 2, 0.3);
  TrainOutcome out = train_experiment(experiment(cfg), b, quiet());
  BOOST_TEST(out.status == "completed");
  BOOST_REQUIRE(out.stopped_early);
  BOOST_REQUIRE(out.best_epoch.has_value());
  const long long best = *out.best_epoch;
  BOOST_TEST(out.epochs_done == best + 4);
  BOOST_TEST(out.epochs_done < 300);
  const auto& vc = out.history.validation_cost;
  BOOST_REQUIRE_EQUAL(vc.size(), static_cast<std::size_t>(out.epochs_done));
  BOOST_TEST(vc[best - 1] == *std::min_element(vc.begin(), vc.end()));
  BOOST_TEST(out.stop_reason.find("validation_cost did not improve for 4 epochs") != std::string::npos, out.stop_reason);
  // The parameters kept are those of a run that stops at the best epoch, bit for bit.
  TrainOutcome ref = train_experiment(
      experiment(cfg, {"training.epochs=" + std::to_string(best), "~training.early_stopping"}), b, quiet());
  BOOST_REQUIRE_EQUAL(ref.parameters.size(), out.parameters.size());
  for (std::size_t k = 0; k < ref.parameters.size(); ++k) BOOST_TEST(ref.parameters[k].second == out.parameters[k].second);
  BOOST_TEST(out.history.validation_metric.size() == vc.size());

  // Accuracy is maximised; restore_best: false keeps the last parameters.
  TrainOutcome acc = train_experiment(
      experiment(cfg, {"training.early_stopping={monitor: validation_accuracy, patience: 3, restore_best: false}"}), b,
      quiet());
  BOOST_REQUIRE(acc.stopped_early);
  const auto& va = acc.history.validation_metric;
  BOOST_TEST(va[*acc.best_epoch - 1] == *std::max_element(va.begin(), va.end()));
  TrainOutcome last = train_experiment(
      experiment(cfg, {"training.epochs=" + std::to_string(acc.epochs_done), "~training.early_stopping"}), b, quiet());
  BOOST_TEST(last.parameters[0].second == acc.parameters[0].second);

  // No validation split: a clear error before anything runs.
  DataBundle nov;
  nov.train = b.train;
  try {
    train_experiment(experiment(cfg), nov, quiet());
    BOOST_FAIL("expected an error");
  } catch (const UserError& e) {
    BOOST_TEST(std::string(e.what()).find("data.validation_fraction") != std::string::npos, e.what());
  }
  BOOST_TEST(error_of(cfg, {"training.early_stopping.monitor=validation_rmse"}).find("reports accuracy") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(divergence_keeps_the_last_finite_parameters) {
  Experiment e = experiment(kTrajectoryConfig, {"training.learning_rate=1.0e+200", "training.optimizer=gd",
                                                "training.iterations=200", "~training.schedule"});
  DataBundle b;
  b.train = dataset(expected("X"), 2, expected("Y"));
  TrainOutcome out = train_experiment(e, b, quiet());
  BOOST_TEST(out.status == "diverged");
  BOOST_REQUIRE(out.diverged_at.has_value());
  BOOST_TEST(*out.diverged_at < 200);
  BOOST_TEST(out.iterations_done == *out.diverged_at);
  BOOST_TEST(out.stop_reason.find("diverged at iteration " + std::to_string(*out.diverged_at)) == 0, out.stop_reason);
  for (const auto& [name, v] : out.parameters)
    for (double x : v) BOOST_TEST(std::isfinite(x), name);

  // The CLI exits 3 and records the status.
  testing::TempDir t;
  auto cfg = t.write("d.yaml", "seed: 2\ndata: {train: {type: flower}}\nmodel: {layers: [{units: 8, activation: relu}, "
                               "{units: 1, activation: sigmoid}]}\ntraining: {learning_rate: 1.0e+12, iterations: 500, "
                               "batch_size: 64}\n");
  auto r = testing::mindset("train " + cfg.string() + " -o " + (t / "d.h5").string());
  BOOST_TEST(r.exit_code == 3, r.err);
  BOOST_TEST(r.err.find("diverged at iteration") != std::string::npos, r.err);
  auto py = testing::run(testing::python() + " -c \"import h5py,numpy; f=h5py.File('" + (t / "d.h5").string() +
                         "'); print(f.attrs['status'], f.attrs['diverged_at'], all(numpy.isfinite(f['model/layer_1/W'][()]).ravel()))\"");
  BOOST_TEST(py.out.find("diverged") == 0, py.out + py.err);
  BOOST_TEST(py.out.find("True") != std::string::npos, py.out);
}

BOOST_AUTO_TEST_CASE(divergence_keeps_exactly_the_parameters_before_the_bad_update) {
  // The same run stopped one iteration earlier has the parameters the diverged run must keep
  // (runs are deterministic), whichever way the divergence shows: the cost, or the update.
  DataBundle b;
  b.train = dataset(expected("X"), 2, expected("Y"));
  std::set<std::string> kinds;
  auto check = [&](const std::string& yaml, std::vector<std::string> o, const DataBundle& data) {
    TrainOutcome out = train_experiment(experiment(yaml, o), data, quiet());
    BOOST_TEST_MESSAGE(o[0] << " " << o[1] << ": " << out.stop_reason);
    if (out.status != "diverged" || *out.diverged_at == 0) return;
    kinds.insert(out.stop_reason.find("update") != std::string::npos ? "update" : "cost");
    o.push_back("training.iterations=" + std::to_string(*out.diverged_at));
    TrainOutcome before = train_experiment(experiment(yaml, o), data, quiet());
    BOOST_REQUIRE_EQUAL(before.parameters.size(), out.parameters.size());
    for (std::size_t k = 0; k < out.parameters.size(); ++k)
      BOOST_TEST(out.parameters[k].second == before.parameters[k].second, boost::test_tools::per_element());
  };
  for (const char* opt : {"gd", "adam", "momentum"})
    for (const char* lr : {"1.0e+30", "1.0e+100", "1.0e+200"})
      check(kTrajectoryConfig, {std::string("training.learning_rate=") + lr, std::string("training.optimizer=") + opt,
                                "training.iterations=300", "~training.schedule"}, b);
  // Adam's steps are about the learning rate whatever the gradient: with 1e308 the parameters
  // overflow in an update while the cost (from z, where the sigmoid saturates) is still finite.
  DataBundle tiny;
  tiny.train = dataset({0.1, 0.2, 0.3, 0.4}, 1, {1, 0, 1, 1});
  for (const char* lr : {"1.0e+308", "8.0e+307", "6.0e+307"})
    check("seed: 1\ndata: {train: {type: flower}}\nmodel: {init: zeros, layers: [{units: 1, activation: sigmoid}]}\n"
          "training: {optimizer: adam, iterations: 50}\n",
          {std::string("training.learning_rate=") + lr, "training.optimizer=adam"}, tiny);
  BOOST_TEST(kinds.count("cost") == 1u);
  BOOST_TEST(kinds.count("update") == 1u);
}

BOOST_AUTO_TEST_CASE(regression_reports_rmse) {
  const std::string cfg = R"(
seed: 1
data: {train: {type: flower}}
model: {init: xavier_normal, layers: [{units: 8, activation: tanh}, {units: 1, activation: linear}]}
loss: mse
training: {optimizer: adam, learning_rate: 0.02, epochs: 150, batch_size: 20}
)";
  NumpyRandom r(9);
  std::vector<double> x(2 * 100), y(100);
  for (std::size_t j = 0; j < 100; ++j) {
    x[j] = r.random_sample() * 2 - 1;
    x[100 + j] = r.random_sample() * 2 - 1;
    y[j] = 2 * x[j] - x[100 + j] + 0.5;
  }
  DataBundle b;
  b.train = dataset(x, 2, y);
  Experiment e = experiment(cfg);
  TrainOutcome out = train_experiment(e, b, quiet());
  BOOST_TEST(out.metric == "rmse");
  BOOST_TEST(out.train_metric < 0.1);
  BOOST_TEST(out.final_cost == out.train_metric * out.train_metric, boost::test_tools::tolerance(1e-9));
  testing::TempDir t;
  write_results((t / "r.h5").string(), e, b, out, RunInfo{});
  auto py = testing::run(testing::python() + " -c \"import h5py; f=h5py.File('" + (t / "r.h5").string() +
                         "'); print(sorted(f['metrics']), 'history/train_rmse' in f, 'history/epoch_train_rmse' in f)\"");
  BOOST_TEST(py.out == "['final_cost', 'train_rmse'] True True\n", py.out + py.err);
}

BOOST_AUTO_TEST_CASE(float32_runs_the_same_loop) {
  Experiment e = experiment(kTrajectoryConfig, {"dtype=float32", "training.iterations=60"});
  DataBundle b;
  b.train = dataset(expected("X"), 2, expected("Y"));
  TrainOutcome f = train_experiment(e, b, quiet());
  BOOST_TEST(f.status == "completed");
  const auto& cost = expected("cost");
  for (std::size_t i = 0; i < cost.size(); ++i) BOOST_TEST(f.history.cost[i] == cost[i], boost::test_tools::tolerance(1e-4));
}

namespace {

// Allocations made between iterations 10 and 390 of a 400-iteration run.
long long allocations_in_loop(const Experiment& e, const DataBundle& b) {
  long long at10 = -1, at390 = -1;
  TrainOptions o = quiet();
  o.after_iteration = [&](long long it) {
    if (it == 10) at10 = g_allocations.load();
    if (it == 390) at390 = g_allocations.load();
  };
  TrainOutcome out = train_experiment(e, b, o);
  BOOST_REQUIRE_MESSAGE(out.status == "completed", out.stop_reason);
  BOOST_REQUIRE(at10 > 0);
  return at390 - at10;
}

}  // namespace

BOOST_AUTO_TEST_CASE(no_allocation_per_iteration) {
  // Mini-batches, dropout, L2 and a schedule, with every optimiser and both types; history
  // recorded every iteration.
  DataBundle b;
  b.train = dataset(expected("X"), 2, expected("Y"));
  for (const char* opt : {"gd", "momentum", "rmsprop", "adam", "{type: momentum, nesterov: true}"})
    for (const char* dtype : {"float64", "float32"}) {
      Experiment e = experiment(kTrajectoryConfig, {"training.iterations=400", "+training.evaluate_every=0",
                                                    std::string("training.optimizer=") + opt, std::string("dtype=") + dtype});
      BOOST_TEST(allocations_in_loop(e, b) == 0, opt << " " << dtype);
    }
  // Full batch (the trainer works on the data set's own X), evaluation every 50 iterations.
  Experiment full = experiment(kTrajectoryConfig, {"training.iterations=400", "~training.batch_size",
                                                   "+training.evaluate_every=50", "~training.schedule"});
  BOOST_TEST(allocations_in_loop(full, b) == 0, "full batch");
  // Softmax with categorical cross-entropy, mini-batches.
  DataBundle three;
  three.train = noisy(90, 5, 0.1);
  for (std::size_t j = 0; j < 90; ++j) three.train.y[j] = static_cast<double>(j % 3);
  Experiment soft = experiment(
      "seed: 4\ndata: {train: {type: flower}}\nmodel: {layers: [{units: 5, activation: tanh}, {type: dropout, rate: 0.2}, "
      "{units: 3, activation: softmax}]}\nloss: categorical_cross_entropy\ntraining: {optimizer: adam, learning_rate: 0.01, "
      "iterations: 400, batch_size: 32}\n");
  BOOST_TEST(allocations_in_loop(soft, three) == 0, "softmax");
  // A layer wide enough that its products run on the kernels' thread pool.
  DataBundle wide;
  std::vector<double> x(300 * 200), y(200);
  NumpyRandom r(9);
  for (auto& v : x) v = r.random_sample();
  for (std::size_t j = 0; j < 200; ++j) y[j] = j % 2;
  wide.train = dataset(x, 300, y);
  Experiment big = experiment(
      "seed: 4\ndata: {train: {type: flower}}\nmodel: {layers: [{units: 64, activation: relu}, {units: 1, activation: sigmoid}]}\n"
      "training: {learning_rate: 0.01, iterations: 400}\n");
  BOOST_TEST(allocations_in_loop(big, wide) == 0, "wide layer");
}

BOOST_AUTO_TEST_CASE(progress_outputs) {
  testing::TempDir t;
  auto cfg = t.write("p.yaml", "seed: 2\ndata: {train: {type: flower}}\nmodel: {layers: [{units: 4, activation: tanh}, "
                               "{units: 1, activation: sigmoid}]}\ntraining: {learning_rate: 0.5, iterations: 100, "
                               "record_every: 10, evaluate_every: 50, print_every: 25, batch_size: 100}\n");
  const std::string base = "train " + cfg.string() + " -o " + (t / "p.h5").string();
  auto quiet_run = testing::mindset(base + " --quiet");
  BOOST_TEST(quiet_run.exit_code == 0);
  BOOST_TEST(quiet_run.out.empty());
  BOOST_TEST(quiet_run.err.empty());

  auto lines = testing::mindset(base);  // stderr is a file, not a terminal: plain lines
  BOOST_TEST(lines.err.find("p: iteration 25/100") != std::string::npos, lines.err);
  BOOST_TEST(lines.err.find('\r') == std::string::npos);
  BOOST_TEST(lines.out.find("results: ") != std::string::npos);

  // On a terminal (util-linux `script` gives the run one): a bar redrawn in place.
  if (testing::run("command -v script").exit_code == 0) {
    auto tty = testing::run("script -qec " + testing::quote(testing::mindset_bin() + " " + base + " training.iterations=3000") +
                            " /dev/null");
    BOOST_TEST(tty.exit_code == 0, tty.err);
    BOOST_TEST(tty.out.find("\rp [########################] 3000/3000") != std::string::npos, tty.out);
    BOOST_TEST(tty.out.find(" it/s  in ") != std::string::npos, tty.out);
    BOOST_TEST(tty.out.find("p: iteration 25/") == std::string::npos);  // no plain lines
  }

  auto json = testing::mindset(base + " --quiet --log-json");
  t.write("log.jsonl", json.err);
  auto py = testing::run(testing::python() + " -c \"import json,collections; ev=[json.loads(l) for l in open('" +
                         (t / "log.jsonl").string() + "')]; c=collections.Counter(e['event'] for e in ev); "
                         "it=[e for e in ev if e['event']=='iteration']; print(c['iteration'], c['epoch'], c['evaluation'], "
                         "c['end'], it[1]['iteration'], it[1]['learning_rate'], ev[-1]['status'])\"");
  // 100 iterations recorded every 10; 4 batches per epoch (400 examples); evaluated at 0, 50, 100.
  BOOST_TEST(py.out == "10 25 3 1 10 0.5 completed\n", py.out + py.err);
}

BOOST_AUTO_TEST_CASE(early_stopping_from_the_command_line_with_a_validation_fraction) {
  testing::TempDir t;
  auto cfg = t.write("v.yaml", R"(
seed: 3
data: {train: {type: moons, examples: 300, noise: 0.35, seed: 2}, validation_fraction: 0.3}
model: {init: he_normal, layers: [{units: 64, activation: relu}, {units: 1, activation: sigmoid}]}
training: {optimizer: adam, learning_rate: 0.05, epochs: 400, batch_size: 16,
           early_stopping: {monitor: validation_accuracy, patience: 8}}
)");
  auto r = testing::mindset("train " + cfg.string() + " -o " + (t / "v.h5").string() + " --quiet");
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto py = testing::run(testing::python() + " -c \"import h5py; f=h5py.File('" + (t / "v.h5").string() +
                         "'); a=f.attrs; h=f['history']; print(a['status'], a['stopped_early'], a['epochs_done'] == "
                         "a['best_epoch'] + 8, len(h['validation_accuracy']) == a['epochs_done'], "
                         "f['data/validation'].attrs['m'], 'validation_accuracy' in f['metrics'])\"");
  BOOST_TEST(py.out == "completed 1 True True 90 True\n", py.out + py.err);
}

// configs/mnist/mlp.yaml, one epoch (the full run is in the README): it loads, trains and learns.
BOOST_AUTO_TEST_CASE(mnist_config_smoke) {
  if (testing::dataset_dir("mnist_t10k").empty()) {
    BOOST_TEST_MESSAGE("skipped: data/mnist_t10k is absent (scripts/test.sh links ../shared/datasets/mnist_t10k)");
    return;
  }
  testing::TempDir t;
  auto r = testing::mindset("train " + (testing::source_dir() / "configs/mnist/mlp.yaml").string() + " -o " +
                            (t / "m.h5").string() + " --quiet training.epochs=1");
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto py = testing::run(testing::python() + " -c \"import h5py; f=h5py.File('" + (t / "m.h5").string() +
                         "'); print(f['metrics/test_accuracy'][()] > 0.88, f['data/test'].attrs['m'])\"");
  BOOST_TEST(py.out == "True 2000\n", py.out + py.err);
}
