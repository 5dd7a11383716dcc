// Google Benchmark: whole training iterations through the real trainer (train_experiment), on
// synthetic data of the benchmark cases' shapes (no data files needed). Each benchmark
// iteration is a training run; its time is the trainer's own loop time (loop_seconds: setup
// and the final evaluation are not counted) and the counter per_iteration divides it by the
// run's iterations.
#include <benchmark/benchmark.h>

#include <string>

#include "config.hpp"
#include "random.hpp"
#include "trainer.hpp"
#include "yaml_tree.hpp"

using namespace mindset;

namespace {

// n features x m examples uniform in [0, 1) (like scaled pixels), labels from a second stream.
Dataset synthetic(std::size_t n, std::size_t m, std::size_t classes) {
  Dataset d;
  d.x = xt::xtensor<double, 2>::from_shape({n, m});
  NumpyRandom r(7);
  for (auto& v : d.x) v = r.random_sample();
  d.y.resize(m);
  for (auto& y : d.y) y = static_cast<double>(static_cast<std::size_t>(r.random_sample() * classes));
  return d;
}

void run(benchmark::State& state, const std::string& yaml, const Dataset& data, long long iterations) {
  Experiment e = resolve_experiment(parse_yaml(yaml, nullptr), "bench.yaml", {});
  DataBundle b;
  b.train = data;
  TrainOptions o;
  o.quiet = true;
  double loop = 0;
  long long done = 0;
  for (auto _ : state) {
    TrainOutcome out = train_experiment(e, b, o);
    state.SetIterationTime(out.loop_seconds);
    loop += out.loop_seconds;
    done += out.loop_iterations;
  }
  state.counters["per_iteration"] = benchmark::Counter(loop / static_cast<double>(done));
  state.counters["iterations_per_run"] = static_cast<double>(iterations);
}

const char* kDeep =
    "seed: 1\ndtype: %s\ndata: {train: {type: flower}}\nmodel: {init: lecun_normal, layers: [{units: 20, activation: relu}, "
    "{units: 7, activation: relu}, {units: 5, activation: relu}, {units: 1, activation: sigmoid}]}\n"
    "training: {learning_rate: 0.0075, iterations: 30, evaluate_every: 0}\n";

void BM_CourseLLayer(benchmark::State& state, const char* dtype) {
  static const Dataset cat = synthetic(12288, 209, 2);
  char buf[512];
  std::snprintf(buf, sizeof buf, kDeep, dtype);
  run(state, buf, cat, 30);
}
BENCHMARK_CAPTURE(BM_CourseLLayer, f64, "float64")->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_CourseLLayer, f32, "float32")->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_Flower(benchmark::State& state) {
  run(state,
      "seed: 1\ndata: {train: {type: flower}}\nmodel: {init: {type: normal, scale: 0.01}, layers: [{units: 4, activation: "
      "tanh}, {units: 1, activation: sigmoid}]}\ntraining: {learning_rate: 1.2, iterations: 2000, evaluate_every: 0}\n",
      synthetic(2, 400, 2), 2000);
}
BENCHMARK(BM_Flower)->UseManualTime()->Unit(benchmark::kMicrosecond);

void BM_MnistMlp(benchmark::State& state) {
  static const Dataset mnist = synthetic(784, 10000, 10);
  run(state,
      "seed: 1\ndata: {train: {type: flower}}\nmodel: {init: he_normal, layers: [{units: 128, activation: relu}, {units: 10, "
      "activation: softmax}]}\nloss: categorical_cross_entropy\ntraining: {optimizer: adam, learning_rate: 0.002, "
      "batch_size: 64, iterations: 300, evaluate_every: 0}\n",
      mnist, 300);
}
BENCHMARK(BM_MnistMlp)->UseManualTime()->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
