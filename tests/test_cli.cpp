// The command line: every bad input of `mindset train` exits 2 with one clear line on stderr
// (what, where, what is allowed, a suggestion when a name is close) and writes nothing; help and
// version exit 0; a failed run never touches an existing results file.
#define BOOST_TEST_MODULE cli
#include <regex>

#include "h5.hpp"
#include "testing.hpp"

using namespace mindset;
namespace fs = std::filesystem;

namespace {

// A valid experiment; cases replace one part of it.
const std::string kData = "data: {train: {type: flower, examples: 20}}\n";
const std::string kModel = "model:\n  layers:\n    - {units: 2, activation: relu}\n    - {units: 1, activation: sigmoid}\n";
const std::string kTraining = "training: {learning_rate: 0.1, iterations: 5}\n";

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

struct Case {
  testing::TempDir dir;
  fs::path config, output;
  testing::Result r;
  explicit Case(const std::string& yaml, const std::string& extra_args = "") {
    config = dir.write("exp.yaml", yaml);
    output = dir / "out.h5";
    r = testing::mindset("train " + testing::quote(config.string()) + " " + extra_args + " -o " +
                         testing::quote(output.string()) + " --quiet");
  }
  // Exit 2, stderr one line "error: ..." with every expected part, stdout empty, nothing written.
  void expect_bad(const std::vector<std::string>& parts) const {
    BOOST_TEST(r.exit_code == 2, "exit " << r.exit_code << ", stderr: " << r.err);
    BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, "not one line: " << r.err);
    BOOST_TEST(r.err.rfind("error: ", 0) == 0, r.err);
    for (const auto& p : parts) BOOST_TEST(contains(r.err, p), "stderr lacks '" << p << "': " << r.err);
    BOOST_TEST(r.out.empty(), r.out);
    BOOST_TEST(!fs::exists(output), "an output file was written");
    for (const auto& e : fs::directory_iterator(dir.path))
      BOOST_TEST(!contains(e.path().filename().string(), ".tmp-"), "temporary file left: " << e.path());
  }
  // "<config>:<line>:<column>: " at the start of the message.
  std::string at(int line, int column) const {
    return "error: " + config.string() + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  }
};

// A tiny HDF5 data file: features (m, 3) and labels of the given values.
fs::path data_file(const testing::TempDir& dir, const std::string& name, std::size_t m, const std::vector<double>& labels) {
  const fs::path p = dir / name;
  h5::Handle f = h5::create_file(p.string());
  std::vector<double> x(m * 3);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i % 7);
  h5::write_matrix(f.id(), "train_set_x", x.data(), m, 3);
  h5::write_vector(f.id(), "train_set_y", labels);
  h5::close_file(f);
  return p;
}

std::string hdf5_data(const fs::path& file, const std::string& features, const std::string& labels) {
  return "data:\n  train: {type: hdf5, path: " + file.string() + ", features: " + features + ", labels: " + labels + "}\n";
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_good_config_runs) {
  // The baseline the bad cases vary: exit 0, a results file, a summary on stdout.
  Case c(kData + kModel + kTraining);
  BOOST_TEST(c.r.exit_code == 0, c.r.err);
  BOOST_TEST(fs::exists(c.output));
  testing::TempDir dir;
  auto cfg = dir.write("talk.yaml", kData + kModel + kTraining);
  auto r = testing::mindset("train " + testing::quote(cfg.string()) + " -o " + testing::quote((dir / "t.h5").string()));
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(contains(r.out, "results: " + (dir / "t.h5").string()), r.out);
  BOOST_TEST(contains(r.out, "train accuracy"), r.out);
}

BOOST_AUTO_TEST_CASE(missing_config_file) {
  testing::TempDir dir;
  const std::string path = (dir / "nope.yaml").string();
  auto r = testing::mindset("train " + testing::quote(path) + " -o " + testing::quote((dir / "o.h5").string()));
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err == "error: config file not found: " + path + "\n");
  BOOST_TEST(!fs::exists(dir / "o.h5"));
}

BOOST_AUTO_TEST_CASE(config_path_is_a_folder) {
  testing::TempDir dir;
  auto r = testing::mindset("train " + testing::quote(dir.path.string()) + " -o " + testing::quote((dir / "o.h5").string()));
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(contains(r.err, "is a folder"), r.err);
}

BOOST_AUTO_TEST_CASE(yaml_syntax_error_shows_line_and_column) {
  Case c(kData + "model: {layers: [{units: 1, activation: sigmoid}]\n" + kTraining);  // '}' missing on line 2
  c.expect_bad({"YAML syntax error"});
  const std::regex where(R"(^error: .*exp\.yaml:(\d+):(\d+): YAML syntax error at line (\d+), column (\d+))");
  std::smatch m;
  BOOST_REQUIRE_MESSAGE(std::regex_search(c.r.err, m, where), c.r.err);
  BOOST_TEST(m[1] == m[3]);
  BOOST_TEST(m[2] == m[4]);
  BOOST_TEST((std::stoi(m[1]) >= 2 && std::stoi(m[1]) <= 3), "line " << m[1]);

  Case illegal("a: b: c\n");
  illegal.expect_bad({illegal.at(1, 5), "YAML syntax error at line 1, column 5"});
}

BOOST_AUTO_TEST_CASE(duplicate_key) {
  Case c(kData + kModel + "training: {learning_rate: 0.1, iterations: 5, iterations: 6}\n");
  c.expect_bad({"iterations"});
  BOOST_TEST((contains(c.r.err, "duplicate") || contains(c.r.err, "twice")), c.r.err);
}

BOOST_AUTO_TEST_CASE(unknown_key_shows_its_path) {
  Case c(kData + kModel + "training:\n  learning_rate: 0.1\n  iterations: 5\n  learnign_rate: 2\n");
  c.expect_bad({c.at(9, 3), "training.learnign_rate: unknown key 'learnign_rate'", "did you mean 'learning_rate'",
                "allowed keys: optimizer, learning_rate, iterations"});
  Case top(kData + kModel + kTraining + "sead: 3\n");
  top.expect_bad({"sead: unknown key 'sead' (did you mean 'seed'?)"});
  Case layer(kData + "model:\n  layers:\n    - {units: 1, activation: sigmoid, unit: 2}\n" + kTraining);
  layer.expect_bad({"model.layers[0].unit: unknown key 'unit'", "did you mean 'units'"});
}

BOOST_AUTO_TEST_CASE(wrong_type) {
  Case c(kData + "model:\n  layers:\n    - {units: many, activation: sigmoid}\n" + kTraining);
  c.expect_bad({c.at(4, 15), "model.layers[0].units: expected an integer, found the string 'many'"});
  Case rate(kData + kModel + "training: {learning_rate: fast, iterations: 5}\n");
  rate.expect_bad({"training.learning_rate: expected a number, found the string 'fast'"});
}

BOOST_AUTO_TEST_CASE(non_positive_units) {
  Case zero(kData + "model:\n  layers:\n    - {units: 0, activation: relu}\n    - {units: 1, activation: sigmoid}\n" + kTraining);
  zero.expect_bad({zero.at(4, 15), "model.layers[0].units: must be >= 1, found 0"});
  Case negative(kData + "model:\n  layers:\n    - {units: 2, activation: relu}\n    - {units: -3, activation: sigmoid}\n" +
                kTraining);
  negative.expect_bad({"model.layers[1].units: must be >= 1, found -3"});
}

BOOST_AUTO_TEST_CASE(unknown_activation) {
  Case c(kData + "model:\n  layers:\n    - {units: 2, activation: tahn}\n    - {units: 1, activation: sigmoid}\n" + kTraining);
  c.expect_bad({c.at(4, 30), "model.layers[0].activation: unknown activation 'tahn'", "did you mean 'tanh'?",
                "known activations: leaky_relu, linear, relu, sigmoid, softmax, tanh"});
  Case far(kData + "model:\n  layers:\n    - {units: 1, activation: {type: softplus}}\n" + kTraining);
  far.expect_bad({"model.layers[0].activation.type: unknown activation 'softplus' (known activations: "});
}

BOOST_AUTO_TEST_CASE(unknown_initializer) {
  Case c(kData + "model:\n  init: lecun_norml\n  layers:\n    - {units: 1, activation: sigmoid}\n" + kTraining);
  c.expect_bad({c.at(3, 9), "model.init: unknown initializer 'lecun_norml'", "did you mean 'lecun_normal'?",
                "known initializers: he_normal, lecun_normal, normal, xavier_normal, xavier_uniform, zeros"});
  Case layer(kData + "model:\n  layers:\n    - {units: 1, activation: sigmoid, init: {type: xavier_unifrom}}\n" + kTraining);
  layer.expect_bad({"model.layers[0].init.type: unknown initializer 'xavier_unifrom'", "did you mean 'xavier_uniform'"});
}

BOOST_AUTO_TEST_CASE(unknown_layer_type) {
  Case c(kData + "model:\n  layers:\n    - {type: dens, units: 1, activation: sigmoid}\n" + kTraining);
  c.expect_bad({c.at(4, 14), "model.layers[0].type: unknown layer 'dens'", "did you mean 'dense'?", "known layers: dense"});
}

BOOST_AUTO_TEST_CASE(output_layer_unfit_for_the_loss) {
  Case c(kData + "model:\n  layers:\n    - {units: 2, activation: sigmoid}\n" + kTraining);
  c.expect_bad({"model.layers[0]: binary_cross_entropy needs an output layer of 1 sigmoid unit"});
}

BOOST_AUTO_TEST_CASE(missing_data_file_shows_the_path) {
  Case c("data:\n  train: {type: hdf5, path: nothere.h5, features: x, labels: y}\n" + kModel + kTraining);
  const std::string abs = (c.dir / "nothere.h5").string();  // relative to the config's folder
  c.expect_bad({c.at(2, 29), "data.train.path: file not found: " + abs});
}

BOOST_AUTO_TEST_CASE(dataset_key_missing_in_the_file) {
  testing::TempDir data;
  auto file = data_file(data, "d.h5", 4, {0, 1, 1, 0});
  Case c(hdf5_data(file, "train_x", "train_set_y") + kModel + kTraining);
  c.expect_bad({"data.train.features: no dataset 'train_x' in " + file.string(),
                "datasets in the file: train_set_x, train_set_y"});
  Case typo(hdf5_data(file, "trian_set_x", "train_set_y") + kModel + kTraining);
  typo.expect_bad({"data.train.features: no dataset 'trian_set_x'", "(did you mean 'train_set_x'?)"});
  Case labels(hdf5_data(file, "train_set_x", "labels") + kModel + kTraining);
  labels.expect_bad({"data.train.labels: no dataset 'labels'"});
}

BOOST_AUTO_TEST_CASE(feature_label_count_mismatch) {
  testing::TempDir data;
  auto file = data_file(data, "d.h5", 4, {0, 1, 1});
  Case c(hdf5_data(file, "train_set_x", "train_set_y") + kModel + kTraining);
  c.expect_bad({"data.train.labels: features have 4 examples but labels have 3",
                "features 'train_set_x' (4, 3), labels 'train_set_y' (3,)"});
}

BOOST_AUTO_TEST_CASE(labels_not_0_or_1) {
  testing::TempDir data;
  auto file = data_file(data, "d.h5", 4, {0, 1, 2, 0});
  Case c(hdf5_data(file, "train_set_x", "train_set_y") + kModel + kTraining);
  c.expect_bad({"data.train: labels must be 0 or 1 for binary_cross_entropy; example 2 has 2"});
}

BOOST_AUTO_TEST_CASE(negative_iterations) {
  Case c(kData + kModel + "training:\n  learning_rate: 0.1\n  iterations: -1\n");
  c.expect_bad({c.at(8, 15), "training.iterations: must be >= 0, found -1"});
}

BOOST_AUTO_TEST_CASE(missing_required_keys) {
  Case c(kData + kModel);
  c.expect_bad({"missing required key 'training'"});
  Case rate(kData + kModel + "training: {iterations: 5}\n");
  rate.expect_bad({"training: missing required key 'learning_rate'"});
}

BOOST_AUTO_TEST_CASE(bad_overrides) {
  Case typo(kData + kModel + kTraining, "training.learnig_rate=0.3");
  typo.expect_bad({"override 'training.learnig_rate=0.3'", "did you mean 'training.learning_rate'"});
  Case value(kData + kModel + kTraining, "training.iterations=-4");
  value.expect_bad({"training.iterations: must be >= 0, found -4"});
  Case no_eq(kData + kModel + kTraining, "training.iterations");
  no_eq.expect_bad({"override 'training.iterations' has no '='"});
}

BOOST_AUTO_TEST_CASE(bad_arguments) {
  auto none = testing::mindset("");
  BOOST_TEST(none.exit_code == 2);
  BOOST_TEST(contains(none.err, "mindset --help"), none.err);
  auto no_config = testing::mindset("train");
  BOOST_TEST(no_config.exit_code == 2);
  BOOST_TEST(contains(no_config.err, "config is required"), no_config.err);
  auto bogus = testing::mindset("train x.yaml --bogus");
  BOOST_TEST(bogus.exit_code == 2);
  BOOST_TEST(contains(bogus.err, "--bogus"), bogus.err);
  auto typo = testing::mindset("trian x.yaml");
  BOOST_TEST(typo.exit_code == 2);
  BOOST_TEST(contains(typo.err, "unknown command 'trian'"), typo.err);
  BOOST_TEST(contains(typo.err, "did you mean 'train'?"), typo.err);
  BOOST_TEST(std::count(typo.err.begin(), typo.err.end(), '\n') == 1, typo.err);
}

BOOST_AUTO_TEST_CASE(output_path_is_a_folder) {
  testing::TempDir dir;
  auto cfg = dir.write("exp.yaml", kData + kModel + kTraining);
  auto r = testing::mindset("train " + testing::quote(cfg.string()) + " -o " + testing::quote(dir.path.string()));
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err == "error: the output path " + dir.path.string() + " is a folder\n");
}

BOOST_AUTO_TEST_CASE(help_and_version) {
  auto help = testing::mindset("--help");
  BOOST_TEST(help.exit_code == 0);
  for (const char* s : {"train", "validate", "list", "--version"}) BOOST_TEST(contains(help.out, s), s);
  auto train_help = testing::mindset("train --help");
  BOOST_TEST(train_help.exit_code == 0);
  for (const char* s : {"config", "-o,--output", "-q,--quiet", "overrides"}) BOOST_TEST(contains(train_help.out, s), s);
  auto version = testing::mindset("--version");
  BOOST_TEST(version.exit_code == 0);
  BOOST_TEST(version.out == "mindset 0.1.0\n");
}

BOOST_AUTO_TEST_CASE(a_failed_run_keeps_an_existing_results_file) {
  testing::TempDir data;
  auto file = data_file(data, "d.h5", 4, {0, 1, 2, 0});
  for (const std::string& yaml : {kData + kModel + "training: {learning_rate: 0.1, iterations: -1}\n",  // config
                                  hdf5_data(file, "train_set_x", "train_set_y") + kModel + kTraining}) {  // data
    testing::TempDir dir;
    auto cfg = dir.write("exp.yaml", yaml);
    const fs::path out = dir.write("keep.h5", "the previous results");
    auto r = testing::mindset("train " + testing::quote(cfg.string()) + " -o " + testing::quote(out.string()) + " --quiet");
    BOOST_TEST(r.exit_code == 2, r.err);
    BOOST_TEST(testing::slurp(out) == "the previous results");
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path)) ++files;
    BOOST_TEST(files == 2u);  // the config and the untouched results
  }
}
