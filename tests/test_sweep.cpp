// The sweep planner: grid expansion, random search (numpy-exact against
// tests/reference/sweep_random.txt, made by tests/reference/make_sweep_random.py), run ids, path
// safety, up-front validation with precise errors.
#define BOOST_TEST_MODULE sweep
#include "sweep.hpp"

#include <cmath>
#include <set>

#include "sweep_store.hpp"
#include "testing.hpp"
#include "yaml_tree.hpp"

using namespace mindset;
namespace fs = std::filesystem;

namespace {

const char* kBase = R"(name: flower
seed: 2
data: {train: {type: flower}}
model:
  init: {type: normal, scale: 0.01}
  layers: [{units: 4, activation: tanh}, {units: 1, activation: sigmoid}]
training: {learning_rate: 1.2, iterations: 10}
)";

struct Fixture {
  testing::TempDir dir;
  Fixture() { dir.write("base.yaml", kBase); }
  SweepPlan plan(const std::string& text, const std::vector<std::string>& overrides = {}) {
    return load_sweep(dir.write("s.yaml", text).string(), overrides);
  }
  // The error a sweep gets, all lines.
  std::string error(const std::string& text, const std::vector<std::string>& overrides = {}) {
    try {
      plan(text, overrides);
    } catch (const UserError& e) {
      BOOST_TEST(e.exit_code() == 2);
      return e.what();
    }
    BOOST_FAIL("expected an error for:\n" + text);
    return "";
  }
};

const ConfigNode& at_path(const SweepRun& r, const std::string& a, const std::string& b) { return r.experiment.resolved.at(a).at(b); }
long long units(const SweepRun& r) { return r.experiment.resolved.at("model").at("layers").items()[0].get_integer("units"); }

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

BOOST_FIXTURE_TEST_CASE(grid_is_the_cartesian_product_in_the_order_written, Fixture) {
  SweepPlan p = plan("experiment: base.yaml\nset: {training.iterations: 7}\n"
                     "grid:\n  model.layers[0].units: [1, 2, 3]\n  training.learning_rate: [0.5, 0.05]\n");
  BOOST_TEST(p.name == "s");
  BOOST_TEST((p.keys == std::vector<std::string>{"model.layers[0].units", "training.learning_rate"}));
  BOOST_REQUIRE(p.runs.size() == 6u);
  const long long u[] = {1, 1, 2, 2, 3, 3};
  const double lr[] = {0.5, 0.05, 0.5, 0.05, 0.5, 0.05};
  for (std::size_t i = 0; i < 6; ++i) {
    const SweepRun& r = p.runs[i];
    BOOST_TEST(r.index == i);
    BOOST_TEST(units(r) == u[i]);
    BOOST_TEST(at_path(r, "training", "learning_rate").as_number() == lr[i]);
    BOOST_TEST(at_path(r, "training", "iterations").as_integer() == 7);  // `set` reaches every run
    BOOST_TEST(r.values[0].as_integer() == u[i]);
    BOOST_TEST(r.hash == config_hash(r.experiment.resolved));
    BOOST_TEST(r.id == "units=" + std::to_string(u[i]) + "_lr=" + (i % 2 ? "0.05" : "0.5") + "-" + r.hash.substr(0, 6));
  }
  // The overrides each run records reproduce it with `mindset train base.yaml ...`.
  BOOST_TEST((p.runs[3].experiment.overrides ==
              std::vector<std::string>{"training.iterations=7", "model.layers[0].units=2", "training.learning_rate=0.05"}));
}

BOOST_FIXTURE_TEST_CASE(values_may_be_whole_subtrees, Fixture) {
  SweepPlan p = plan("name: depth\nexperiment: base.yaml\ngrid:\n  model.layers:\n"
                     "    - [{units: 1, activation: sigmoid}]\n"
                     "    - [{units: 3, activation: relu}, {units: 3, activation: relu}, {units: 1, activation: sigmoid}]\n");
  BOOST_REQUIRE(p.runs.size() == 2u);
  BOOST_TEST(p.name == "depth");
  BOOST_TEST(p.runs[0].experiment.resolved.at("model").at("layers").items().size() == 1u);
  BOOST_TEST(p.runs[1].experiment.resolved.at("model").at("layers").items().size() == 3u);
  BOOST_TEST(p.runs[0].id.rfind("layers=v1-", 0) == 0);
  BOOST_TEST(p.runs[1].id.rfind("layers=v2-", 0) == 0);
  BOOST_TEST(format_value(p.runs[0].values[0]) == "[{units: 1, activation: sigmoid}]");
}

BOOST_FIXTURE_TEST_CASE(inline_experiment_with_extends_and_command_line_overrides, Fixture) {
  SweepPlan p = plan("experiment:\n  extends: base.yaml\n  training: {learning_rate: 0.3, iterations: 4}\n"
                     "grid: {seed: [1, 2]}\n",
                     {"training.iterations=9"});
  BOOST_REQUIRE(p.runs.size() == 2u);
  for (const auto& r : p.runs) {
    BOOST_TEST(at_path(r, "training", "learning_rate").as_number() == 0.3);
    BOOST_TEST(at_path(r, "training", "iterations").as_integer() == 9);  // the command line reaches every run
    BOOST_TEST(units(r) == 4);
  }
  BOOST_TEST(p.runs[1].experiment.resolved.get_integer("seed") == 2);
  BOOST_TEST(p.runs[0].id.rfind("seed=1-", 0) == 0);
}

BOOST_FIXTURE_TEST_CASE(no_grid_is_one_run_and_duplicates_run_once, Fixture) {
  SweepPlan one = plan("experiment: base.yaml\n");
  BOOST_REQUIRE(one.runs.size() == 1u);
  BOOST_TEST(one.runs[0].id == "run-" + one.runs[0].hash.substr(0, 6));
  SweepPlan dup = plan("experiment: base.yaml\ngrid: {training.learning_rate: [0.1, 0.10, 0.2]}\n");
  BOOST_TEST(dup.runs.size() == 2u);
  BOOST_TEST(dup.duplicates == 1u);
  BOOST_TEST(dup.runs[1].index == 1u);
}

BOOST_FIXTURE_TEST_CASE(random_search_is_numpy_exact, Fixture) {
  const auto ref = testing::read_reference("sweep_random.txt");
  for (unsigned long long seed : {7ULL, 4294967295ULL}) {
    const std::size_t trials = seed == 7 ? 8 : 3;
    SweepPlan p = plan("experiment: base.yaml\nrandom:\n  trials: " + std::to_string(trials) + "\n  seed: " + std::to_string(seed) +
                       "\n  params:\n"
                       "    training.learning_rate: {distribution: log_uniform, min: 1.0e-4, max: 1.0}\n"
                       "    model.layers[0].units: {distribution: int_uniform, min: 1, max: 64}\n"
                       "    model.layers[0].activation: {values: [relu, tanh, sigmoid]}\n"
                       "    training.iterations: {distribution: int_uniform, min: 3, max: 3}\n"
                       "    data.train.noise: {distribution: uniform, min: 0.1, max: 0.3}\n"
                       "    model.init: [zeros, {type: normal, scale: 0.5}]\n");
    BOOST_REQUIRE(p.runs.size() == trials);
    BOOST_TEST(p.keys.size() == 6u);
    const char* acts[] = {"relu", "tanh", "sigmoid"};
    for (std::size_t t = 0; t < trials; ++t) {
      const auto& e = ref.at("seed_" + std::to_string(seed) + "_trial_" + std::to_string(t));
      const SweepRun& r = p.runs[t];
      BOOST_TEST(at_path(r, "training", "learning_rate").as_number() == e[0]);  // bit for bit
      BOOST_TEST(units(r) == static_cast<long long>(e[1]));
      BOOST_TEST(r.experiment.resolved.at("model").at("layers").items()[0].get_string("activation") == acts[static_cast<int>(e[2])]);
      BOOST_TEST(at_path(r, "training", "iterations").as_integer() == 3);
      BOOST_TEST(r.experiment.resolved.at("data").at("train").get_number("noise") == e[4]);
      BOOST_TEST(r.values[5].is_map() == (e[5] == 1));
      BOOST_TEST(r.values[0].as_number() == e[0]);
    }
  }
}

BOOST_FIXTURE_TEST_CASE(grid_times_random_trials, Fixture) {
  SweepPlan p = plan("experiment: base.yaml\ngrid: {seed: [1, 2]}\n"
                     "random: {trials: 3, seed: 7, params: {training.learning_rate: {distribution: uniform, min: 0.1, max: 1}}}\n");
  BOOST_REQUIRE(p.runs.size() == 6u);
  for (std::size_t t = 0; t < 3; ++t) {  // each grid point sees the same trials
    BOOST_TEST((p.runs[t].values[1] == p.runs[3 + t].values[1]));
    BOOST_TEST(p.runs[t].values[0].as_integer() == 1);
    BOOST_TEST(p.runs[3 + t].values[0].as_integer() == 2);
  }
}

BOOST_AUTO_TEST_CASE(numbers_are_written_as_python_repr) {
  std::ifstream in(testing::source_dir() / "tests" / "reference" / "sweep_random.txt");
  std::string label, num, repr;
  int n = 0;
  while (in >> label) {
    if (label.rfind("repr_", 0) != 0) {
      std::getline(in, num);
      continue;
    }
    in >> num >> repr;
    BOOST_TEST(format_double(std::strtod(num.c_str(), nullptr)) == repr);
    ++n;
  }
  BOOST_TEST(n == 17);
  BOOST_TEST(format_double(0.0) == "0.0");
  BOOST_TEST(format_double(std::nan("")) == "nan");
}

BOOST_FIXTURE_TEST_CASE(run_ids_are_safe_whatever_the_values, Fixture) {
  SweepPlan p = plan("experiment: base.yaml\ngrid:\n  name: ['../../escaped', '/tmp/abs', \"a\\x01b\\nc\", '.hidden', '', 'ok', "
                     "'../../escaped/']\n");
  BOOST_REQUIRE(p.runs.size() == 7u);
  std::set<std::string> ids;
  for (const auto& r : p.runs) {
    BOOST_TEST(r.id.find('/') == std::string::npos);
    BOOST_TEST(std::isalnum(static_cast<unsigned char>(r.id[0])));
    BOOST_TEST(id_safe(r.id, 1000) == r.id);
    BOOST_TEST(r.id.size() <= 110u);
    ids.insert(r.id);
  }
  BOOST_TEST(ids.size() == 7u);  // '../../escaped' and '../../escaped/' read alike but differ in hash
  BOOST_TEST(p.runs[0].id.rfind("name=.._.._escaped-", 0) == 0);
  BOOST_TEST(p.runs[1].id.rfind("name=_tmp_abs-", 0) == 0);
  BOOST_TEST(p.runs[0].experiment.name == "../../escaped");  // the name stays as written; only files are made safe
  // Clashing short names fall back to the whole path.
  SweepPlan two = plan("experiment: base.yaml\ngrid:\n  model.layers[0].units: [2]\n  model.layers[1].units: [1]\n");
  BOOST_TEST(two.runs[0].id.rfind("model.layers0.units=2_model.layers1.units=1-", 0) == 0);
}

BOOST_FIXTURE_TEST_CASE(a_bad_combination_fails_up_front_naming_its_run, Fixture) {
  std::string e = error("experiment: base.yaml\ngrid:\n  training.learning_rate: [0.1, 0.2]\n  model.layers[0].units: [3, 0]\n");
  BOOST_TEST_INFO(e);
  BOOST_TEST(contains(e, "s.yaml:4:30: model.layers[0].units: must be >= 1, found 0"));
  BOOST_TEST(contains(e, "[run 2 of 4 (lr=0.1_units=0) and 1 more]"));
  BOOST_TEST(std::count(e.begin(), e.end(), '\n') == 0);  // one line for the one problem
}

BOOST_FIXTURE_TEST_CASE(errors_point_at_the_sweep_file, Fixture) {
  auto check = [&](const std::string& text, const std::string& part, const std::vector<std::string>& ov = {}) {
    std::string e = error(text, ov);
    BOOST_TEST_INFO(text + "\n=> " + e);
    BOOST_TEST(contains(e, part));
  };
  check("experiment: base.yaml\ngird: {seed: [1]}\n", "s.yaml:2:1: gird: unknown key 'gird' (did you mean 'grid'?)");
  check("grid: {seed: [1]}\n", "missing required key 'experiment'");
  check("experiment: nowhere.yaml\n", "s.yaml:1:13: experiment: file not found:");
  check("experiment: base.yaml\ngrid: {seed: 3}\n", "s.yaml:2:14: grid.seed: expected a list of values, found");
  check("experiment: base.yaml\ngrid: {seed: []}\n", "grid.seed: needs at least one value");
  check("experiment: base.yaml\ngrid: {training.learnin_rate: [1]}\n",
        "s.yaml:2:8: training.learnin_rate: override 'training.learnin_rate=1': no key 'training.learnin_rate' to override "
        "(did you mean 'training.learning_rate'?)");
  check("experiment: base.yaml\nset: {training.iterations: -1}\n", "s.yaml:2:28: training.iterations: must be >= 0, found -1");
  check("experiment: base.yaml\nset:\n  model.layers[5].units: 1\n",
        "s.yaml:3:3: set.model.layers[5].units: override 'model.layers[5].units=1': model.layers has 2 items; index 5 is out of range");
  check("experiment: base.yaml\ngrid: {'a..b': [1]}\n", "grid.a..b: bad key path 'a..b'");
  check("experiment: base.yaml\nset: {seed: 1}\ngrid: {seed: [1, 2]}\n", "s.yaml:3:8: seed: swept here but also given earlier (at");
  check("experiment: base.yaml\ngrid: {seed: [1, 2]}\n", "sets a key this sweep sweeps", {"seed=3"});
  check("experiment: base.yaml\nrandom: {seed: 1, params: {seed: [1]}}\n", "random: missing required key 'trials'");
  check("experiment: base.yaml\nrandom: {trials: 2, params: {seed: {distribution: unifrom, min: 1, max: 2}}}\n",
        "random.params.seed.distribution: unknown value 'unifrom' (did you mean 'uniform'?)");
  check("experiment: base.yaml\nrandom: {trials: 2, params: {training.learning_rate: {distribution: log_uniform, min: 0, max: 1}}}\n",
        "random.params.training.learning_rate.min: log_uniform needs min > 0, found 0");
  check("experiment: base.yaml\nrandom: {trials: 2, params: {seed: {distribution: int_uniform, min: 1.5, max: 2}}}\n",
        "int_uniform needs integer bounds, found 1.5");
  check("experiment: base.yaml\nrandom: {trials: 2, params: {seed: {distribution: uniform, min: 3, max: 2}}}\n",
        "random.params.seed.max: must be >= min (3), found 2");
  check("experiment: base.yaml\nrandom: {trials: 2, params: {seed: {distribution: uniform, min: 3}}}\n", "missing key 'max'");
  check("experiment: base.yaml\nrandom: {trials: 2, params: {seed: {values: [1], min: 3}}}\n", "not both");
  check("experiment: base.yaml\nrandom: {trials: 0, params: {seed: [1]}}\n", "random.trials: must be >= 1");
  check("experiment: base.yaml\ngrid: {seed: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], data.train.noise: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, "
        "0.7, 0.8, 0.9], training.iterations: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'model.layers[0].units': [1, 2, 3, 4, 5, 6, 7, 8, 9, "
        "10], training.learning_rate: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]}\n",
        "more than 100000 runs");
  check("- not a map\n", "expected a sweep: a map");
}

// A sweep near the run limit writes a manifest far over a config's 1 MiB and 200000 values: it
// must still read back, or the sweep could never be resumed (found while testing kills; 15000
// runs were enough to break it).
BOOST_AUTO_TEST_CASE(big_manifests_read_back) {
  testing::TempDir d;
  SweepDir dir{d.path.string()};
  Manifest m;
  m.name = "big";
  m.sweep_text = "experiment: base.yaml\n# " + std::string(1000, 'x') + "\n";
  m.keys = {"seed", "model.layers"};
  for (int i = 0; i < 30000; ++i)
    m.runs.push_back({"seed=" + std::to_string(i) + "-abcdef", "0123456789abcdef",
                      {ConfigNode::of(i), parse_yaml("[{units: " + std::to_string(i % 7 + 1) + ", activation: relu}]", nullptr)}});
  write_manifest(dir, m);
  BOOST_TEST(fs::file_size(dir.manifest()) > (std::size_t(2) << 20));
  Manifest back = read_manifest(dir);
  BOOST_TEST(manifest_difference(back, m) == "");
  BOOST_REQUIRE(back.runs.size() == m.runs.size());
  BOOST_TEST((back.runs.back().values[1] == m.runs.back().values[1]));
  BOOST_TEST(back.sweep_text == m.sweep_text);
}
