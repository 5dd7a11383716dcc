// The results file, a contract (docs/results-format.md): written by a run, read back here through
// runner/h5.hpp and by h5py (Debian's /usr/bin/python3), whose numpy recomputes the final cost
// and accuracies from the stored parameters. And: a failed write keeps the previous file and
// leaves no temporary file behind.
#define BOOST_TEST_MODULE results
#include <sys/resource.h>

#include <csignal>
#include <regex>

#include "config.hpp"
#include "h5.hpp"
#include "results.hpp"
#include "testing.hpp"
#include "yaml_tree.hpp"

using namespace mindset;
namespace fs = std::filesystem;

namespace {

// Flower train and test splits, a 2 -> 4 -> 1 network; 30 iterations, cost every 3rd,
// accuracies every 10th. Run with one override, so `overrides` is not empty.
const char* kConfig = R"(name: results_check
seed: 5
data:
  train: {type: flower, examples: 40}
  test: {type: flower, examples: 20, seed: 2, noise: 0.3}
model:
  init: {type: normal, scale: 0.5}
  layers:
    - {units: 4, activation: tanh}
    - {units: 1, activation: sigmoid}
training:
  learning_rate: 0.5
  iterations: 30
  record_every: 3
  evaluate_every: 10
)";
const char* kOverride = "training.learning_rate=0.4";

struct Run {
  testing::TempDir dir;
  fs::path config, output;
  testing::Result result;
  Run() {
    config = dir.write("results_check.yaml", kConfig);
    output = dir / "out" / "run.h5";  // the folder is created by mindset
    result = testing::mindset("train " + testing::quote(config.string()) + " " + kOverride + " -o " +
                              testing::quote(output.string()) + " --quiet");
  }
};
const Run& run() {
  static Run r;
  BOOST_REQUIRE_MESSAGE(r.result.exit_code == 0, "mindset train failed: " + r.result.err);
  return r;
}

// Attribute helpers over the C API (h5.hpp reads strings; numbers are read here).
H5T_class_t attr_class(hid_t obj, const std::string& name) {
  h5::Handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
  BOOST_REQUIRE_MESSAGE(a.id() >= 0, "no attribute " + name);
  h5::Handle t(H5Aget_type(a.id()), H5Tclose);
  return H5Tget_class(t.id());
}
double attr_number(hid_t obj, const std::string& name) {
  h5::Handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
  BOOST_REQUIRE_MESSAGE(a.id() >= 0, "no attribute " + name);
  double v = 0;
  BOOST_REQUIRE(H5Aread(a.id(), H5T_NATIVE_DOUBLE, &v) >= 0);
  return v;
}
std::vector<double> read(hid_t f, const std::string& path) {
  h5::Handle ds = h5::open_dataset(f, path);
  return h5::read_doubles(ds.id());
}
std::vector<std::uint64_t> shape_of(hid_t f, const std::string& path) {
  h5::Handle ds = h5::open_dataset(f, path);
  return h5::shape(ds.id());
}
H5T_class_t class_of(hid_t f, const std::string& path) {
  h5::Handle ds = h5::open_dataset(f, path);
  h5::Handle t(H5Dget_type(ds.id()), H5Tclose);
  return H5Tget_class(t.id());
}
std::size_t size_of(hid_t f, const std::string& path) {
  h5::Handle ds = h5::open_dataset(f, path);
  h5::Handle t(H5Dget_type(ds.id()), H5Tclose);
  return H5Tget_size(t.id());
}

// Same tree, ignoring marks and whether a string was quoted in the source.
bool same_tree(const ConfigNode& a, const ConfigNode& b, std::string& where) {
  if (a.type() != b.type()) return false;
  if (a.is_scalar()) return a.text() == b.text() || (where += " '" + a.text() + "' vs '" + b.text() + "'", false);
  if (a.is_sequence()) {
    if (a.items().size() != b.items().size()) return false;
    for (std::size_t i = 0; i < a.items().size(); ++i)
      if (!same_tree(a.items()[i], b.items()[i], where)) return (where = "[" + std::to_string(i) + "]" + where, false);
    return true;
  }
  if (a.is_map()) {
    if (a.entries().size() != b.entries().size()) return false;
    for (std::size_t i = 0; i < a.entries().size(); ++i) {
      if (a.entries()[i].first != b.entries()[i].first) return (where = "." + a.entries()[i].first + where, false);
      if (!same_tree(a.entries()[i].second, b.entries()[i].second, where))
        return (where = "." + a.entries()[i].first + where, false);
    }
  }
  return true;
}

// Names in a folder that look like the results writer's temporary files.
std::vector<std::string> temp_files(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) out.push_back(e.path().string());
  return out;
}

// What a real run produces, in memory, for write_results() calls below.
struct Outcome {
  Experiment experiment;
  DataBundle data;
  TrainOutcome outcome;
  RunInfo info;
  explicit Outcome(const fs::path& config, long long iterations) {
    experiment = load_experiment(config.string(), {"training.iterations=" + std::to_string(iterations)});
    const auto& cfg = experiment.resolved;
    data = load_data(cfg.at("data"), cfg.at("loss"), 1);
    TrainOptions quiet;
    quiet.quiet = true;
    outcome = train_experiment(experiment, data, quiet);
    info.started_at = info.finished_at = utc_now();
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(root_attributes) {
  h5::Handle f = h5::open_file(run().output.string());
  const hid_t root = f.id();
  BOOST_TEST(h5::get_attr_string(root, "mindset_version") == kMindsetVersion);
  BOOST_TEST(attr_class(root, "format_version") == H5T_INTEGER);
  BOOST_TEST(attr_number(root, "format_version") == 1.0);
  BOOST_TEST(h5::get_attr_string(root, "name") == "results_check");
  BOOST_TEST(h5::get_attr_string(root, "status") == "completed");
  BOOST_TEST(attr_class(root, "seed") == H5T_INTEGER);
  BOOST_TEST(attr_number(root, "seed") == 5.0);
  const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");
  const std::string started = h5::get_attr_string(root, "started_at"), finished = h5::get_attr_string(root, "finished_at");
  BOOST_TEST(std::regex_match(started, iso), started);
  BOOST_TEST(std::regex_match(finished, iso), finished);
  BOOST_TEST(started <= finished);
  BOOST_TEST(attr_class(root, "wall_seconds") == H5T_FLOAT);
  BOOST_TEST(attr_number(root, "wall_seconds") >= 0.0);
  BOOST_TEST(attr_number(root, "wall_seconds") < 60.0);
  BOOST_TEST(attr_class(root, "overrides") == H5T_STRING);
}

BOOST_AUTO_TEST_CASE(config_attribute_is_the_resolved_config) {
  h5::Handle f = h5::open_file(run().output.string());
  ConfigNode stored = parse_yaml(h5::get_attr_string(f.id(), "config"), nullptr);
  Experiment e = load_experiment(run().config.string(), {kOverride});
  std::string where;
  BOOST_TEST(same_tree(stored, e.resolved, where), "differs at " << where);
  BOOST_TEST(stored.at("training").get_number("learning_rate") == 0.4);  // the override applied
  BOOST_TEST(stored.at("training").get_integer("record_every") == 3);
  BOOST_TEST(stored.get_string("loss") == "binary_cross_entropy");    // defaults filled in
  BOOST_TEST(stored.at("model").at("layers").items()[0].get_string("type") == "dense");
}

BOOST_AUTO_TEST_CASE(model_parameters_and_layer_attributes) {
  h5::Handle f = h5::open_file(run().output.string());
  const std::pair<std::uint64_t, std::uint64_t> shapes[] = {{4, 2}, {1, 4}};
  const char* activations[] = {"tanh", "sigmoid"};
  for (int l = 0; l < 2; ++l) {
    const std::string g = "model/layer_" + std::to_string(l + 1);
    const auto [units, fan_in] = shapes[l];
    BOOST_TEST(shape_of(f.id(), g + "/W") == (std::vector<std::uint64_t>{units, fan_in}), boost::test_tools::per_element());
    BOOST_TEST(shape_of(f.id(), g + "/b") == (std::vector<std::uint64_t>{units, 1}), boost::test_tools::per_element());
    for (const char* p : {"/W", "/b"}) {
      BOOST_TEST(class_of(f.id(), g + p) == H5T_FLOAT);
      BOOST_TEST(size_of(f.id(), g + p) == 8u);  // float64
    }
    h5::Handle grp = h5::open_group(f.id(), g);
    BOOST_TEST(h5::get_attr_string(grp.id(), "type") == "dense");
    BOOST_TEST(attr_number(grp.id(), "units") == static_cast<double>(units));
    BOOST_TEST(h5::get_attr_string(grp.id(), "activation") == activations[l]);
    // Trained: biases moved away from their initial zeros.
    bool moved = false;
    for (double b : read(f.id(), g + "/b")) moved |= b != 0.0;
    BOOST_TEST(moved);
  }
  BOOST_TEST(!h5::exists(f.id(), "model/layer_3"));
}

BOOST_AUTO_TEST_CASE(history_and_metrics) {
  h5::Handle f = h5::open_file(run().output.string());
  const hid_t id = f.id();
  // Cost every 3rd iteration of 30, from that iteration's forward pass (0 = initial parameters).
  const std::vector<double> iteration = read(id, "history/iteration");
  BOOST_TEST(iteration == (std::vector<double>{0, 3, 6, 9, 12, 15, 18, 21, 24, 27}), boost::test_tools::per_element());
  BOOST_TEST(class_of(id, "history/iteration") == H5T_INTEGER);
  BOOST_TEST(size_of(id, "history/iteration") == 8u);
  const std::vector<double> cost = read(id, "history/cost");
  BOOST_TEST(cost.size() == 10u);
  BOOST_TEST(class_of(id, "history/cost") == H5T_FLOAT);
  for (double c : cost) BOOST_TEST((std::isfinite(c) && c > 0));
  BOOST_TEST(cost.back() < cost.front());
  // Accuracies every 10 updates and at the end.
  BOOST_TEST(read(id, "history/evaluated_at") == (std::vector<double>{0, 10, 20, 30}), boost::test_tools::per_element());
  BOOST_TEST(class_of(id, "history/evaluated_at") == H5T_INTEGER);
  const auto train = read(id, "history/train_accuracy"), test = read(id, "history/test_accuracy");
  BOOST_TEST(train.size() == 4u);
  BOOST_TEST(test.size() == 4u);
  for (double a : train) BOOST_TEST((a >= 0 && a <= 1 && a * 40 == std::round(a * 40)));  // k/40
  for (double a : test) BOOST_TEST((a >= 0 && a <= 1 && a * 20 == std::round(a * 20)));
  // Metrics: scalars for the final parameters, the same as the last evaluation.
  for (const char* m : {"metrics/final_cost", "metrics/train_accuracy", "metrics/test_accuracy"}) {
    BOOST_TEST(shape_of(id, m).empty(), m << " is not a scalar");
    BOOST_TEST(class_of(id, m) == H5T_FLOAT);
  }
  BOOST_TEST(h5::read_scalar(id, "metrics/train_accuracy") == train.back());
  BOOST_TEST(h5::read_scalar(id, "metrics/test_accuracy") == test.back());
  BOOST_TEST(h5::read_scalar(id, "metrics/final_cost") < cost.back() + 0.05);
}

BOOST_AUTO_TEST_CASE(data_provenance) {
  h5::Handle f = h5::open_file(run().output.string());
  h5::Handle train = h5::open_group(f.id(), "data/train");
  BOOST_TEST(h5::get_attr_string(train.id(), "type") == "flower");
  BOOST_TEST(attr_number(train.id(), "m") == 40.0);
  BOOST_TEST(attr_number(train.id(), "n") == 2.0);
  h5::Handle test = h5::open_group(f.id(), "data/test");
  BOOST_TEST(attr_number(test.id(), "m") == 20.0);
  BOOST_TEST(attr_number(test.id(), "seed") == 2.0);
  h5::Handle classes = h5::open_dataset(f.id(), "data/train/classes");
  BOOST_TEST(h5::read_strings(classes.id()) == (std::vector<std::string>{"0", "1"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(no_test_data_no_test_paths) {
  testing::TempDir dir;
  auto cfg = dir.write("train_only.yaml",
                       "data: {train: {type: flower, examples: 10}}\n"
                       "model: {layers: [{units: 1, activation: sigmoid}]}\n"
                       "training: {learning_rate: 0.1, iterations: 0}\n");
  auto out = dir / "t.h5";
  auto r = testing::mindset("train " + testing::quote(cfg.string()) + " -o " + testing::quote(out.string()) + " --quiet");
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  h5::Handle f = h5::open_file(out.string());
  BOOST_TEST(h5::get_attr_string(f.id(), "name") == "train_only");  // the file's stem
  BOOST_TEST(!h5::exists(f.id(), "history/test_accuracy"));
  BOOST_TEST(!h5::exists(f.id(), "metrics/test_accuracy"));
  BOOST_TEST(!h5::exists(f.id(), "data/test"));
  BOOST_TEST(h5::exists(f.id(), "metrics/final_cost"));
  BOOST_TEST(read(f.id(), "history/iteration").empty());                  // iterations: 0 records nothing...
  BOOST_TEST(read(f.id(), "history/evaluated_at") == std::vector<double>{0});  // ...but evaluates once
  // init defaults to lecun_normal: nonzero weights; zero biases.
  for (double b : read(f.id(), "model/layer_1/b")) BOOST_TEST(b == 0.0);
}

BOOST_AUTO_TEST_CASE(h5py_reads_the_contract) {
  // Everything checked again from Python, as users read it; numpy recomputes the metrics from
  // the stored W, b and the flower data (numpy's own code of the course's generator).
  const Run& r = run();
  auto resolved = testing::mindset("validate --resolved " + testing::quote(r.config.string()) + " " + kOverride);
  BOOST_REQUIRE_EQUAL(resolved.exit_code, 0);
  const fs::path yaml_path = r.dir.write("resolved.yaml", resolved.out);
  const fs::path script = testing::source_dir() / "tests" / "check_results_h5py.py";
  auto py = testing::run(testing::python() + " " + testing::quote(script.string()) + " " +
                         testing::quote(r.output.string()) + " " + testing::quote(yaml_path.string()));
  BOOST_TEST(py.exit_code == 0, py.err);
  BOOST_TEST(py.out.find("h5py: ok") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(float32_runs_store_float64) {
  // dtype: float32 trains in single precision; the file's layout and types do not change.
  testing::TempDir dir;
  auto cfg = dir.write("f32.yaml", kConfig);
  auto out = dir / "f32.h5";
  auto r = testing::mindset("train " + testing::quote(cfg.string()) + " dtype=float32 -o " + testing::quote(out.string()) +
                            " --quiet");
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  h5::Handle f = h5::open_file(out.string());
  h5::Handle f64 = h5::open_file(run().output.string());
  for (const char* p : {"model/layer_1/W", "model/layer_2/b", "history/cost"}) {
    BOOST_TEST(class_of(f.id(), p) == H5T_FLOAT);
    BOOST_TEST(size_of(f.id(), p) == 8u);
  }
  // Same run in float64 (but the learning-rate override): close, not equal.
  const auto c32 = read(f.id(), "history/cost");
  BOOST_REQUIRE_EQUAL(c32.size(), 10u);
  BOOST_TEST(std::abs(c32[0] - read(f64.id(), "history/cost")[0]) < 1e-6);  // same initial parameters
  BOOST_TEST(h5::get_attr_string(f.id(), "config").find("dtype: float32") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(write_replaces_a_previous_file_completely) {
  testing::TempDir dir;
  auto cfg = dir.write("w.yaml", kConfig);
  Outcome o(cfg, 3);
  const fs::path out = dir / "w.h5";
  std::ofstream(out) << "previous contents";
  write_results(out.string(), o.experiment, o.data, o.outcome, o.info);
  h5::Handle f = h5::open_file(out.string());
  BOOST_TEST(h5::get_attr_string(f.id(), "status") == "completed");
  BOOST_TEST(read(f.id(), "history/iteration") == (std::vector<double>{0}), boost::test_tools::per_element());
  BOOST_TEST(temp_files(dir.path).empty());
}

BOOST_AUTO_TEST_CASE(failed_rename_keeps_what_was_there_and_cleans_up) {
  // The destination is a non-empty folder: the file is written, the rename fails.
  testing::TempDir dir;
  auto cfg = dir.write("w.yaml", kConfig);
  Outcome o(cfg, 2);
  const fs::path out = dir / "taken.h5";
  dir.write("taken.h5/keep.txt", "keep");
  BOOST_CHECK_THROW(write_results(out.string(), o.experiment, o.data, o.outcome, o.info), std::runtime_error);
  BOOST_TEST(testing::slurp(out / "keep.txt") == "keep");
  BOOST_TEST(temp_files(dir.path).empty(), "left " << (temp_files(dir.path).empty() ? "" : temp_files(dir.path)[0]));
}

BOOST_AUTO_TEST_CASE(failed_write_keeps_the_previous_file_and_cleans_up) {
  // Writes fail past a file size limit (as on a full disk): the previous file must survive
  // byte for byte and no temporary file may remain.
  testing::TempDir dir;
  auto cfg = dir.write("w.yaml", kConfig);
  Outcome o(cfg, 3000);  // a long history: the file is well over the limit
  const fs::path out = dir / "w.h5";
  std::ofstream(out) << "previous contents";
  rlimit old{};
  BOOST_REQUIRE(getrlimit(RLIMIT_FSIZE, &old) == 0);
  auto previous_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit low = old;
  low.rlim_cur = 4096;
  BOOST_REQUIRE(setrlimit(RLIMIT_FSIZE, &low) == 0);
  std::string error;
  try {
    write_results(out.string(), o.experiment, o.data, o.outcome, o.info);
  } catch (const std::runtime_error& e) {
    error = e.what();
  }
  setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, previous_handler);
  BOOST_TEST(!error.empty(), "the write did not fail");
  BOOST_TEST(error.find(out.string()) != std::string::npos, error);
  BOOST_TEST(testing::slurp(out) == "previous contents");
  BOOST_TEST(temp_files(dir.path).empty());
}

BOOST_AUTO_TEST_CASE(cli_failed_write_exits_cleanly_and_keeps_the_previous_file) {
  testing::TempDir dir;
  auto cfg = dir.write("w.yaml", kConfig);
  const fs::path out = dir / "w.h5";
  std::ofstream(out) << "previous contents";
  // ulimit -f counts 512- or 1024-byte blocks (dash, bash); the file is tens of KiB.
  auto r = testing::run("ulimit -f 4; " + testing::mindset_bin() + " train " + testing::quote(cfg.string()) +
                        " training.iterations=3000 -o " + testing::quote(out.string()) + " --quiet");
  BOOST_TEST(r.exit_code == 1, "exit " << r.exit_code << ": " << r.err);
  BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, r.err);
  BOOST_TEST(r.err.rfind("error: ", 0) == 0, r.err);
  BOOST_TEST(testing::slurp(out) == "previous contents");
  BOOST_TEST(temp_files(dir.path).empty());
}
