// Config validation as users meet it: every error class with its exit code, file:line:column,
// key path and suggestion; all errors of a file in one run; extends chains and cycles;
// `validate --resolved`. (The YAML reader's own errors are in test_yaml_tree.cpp.)
#define BOOST_TEST_MODULE config
#include "config.hpp"

#include "config_testing.hpp"
#include "yaml_tree.hpp"

namespace fs = std::filesystem;
using testing::Result;
using testing::TempDir;
using namespace testing;

namespace {

// "line:column" of the first `token` on line `line` (1-based) of `text`.
std::string at(const std::string& text, int line, const std::string& token) {
  std::vector<std::string> ls = lines_of(text);
  BOOST_REQUIRE(line >= 1 && static_cast<std::size_t>(line) <= ls.size());
  std::size_t col = ls[static_cast<std::size_t>(line - 1)].find(token);
  BOOST_REQUIRE_MESSAGE(col != std::string::npos, "test bug: '" + token + "' not on line " + std::to_string(line));
  return std::to_string(line) + ":" + std::to_string(col + 1);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_good_config_validates) {
  auto c = validate(kBase);
  BOOST_TEST(c->r.exit_code == 0, c->r.err);
  BOOST_TEST(c->r.out == c->file.string() + ": ok\n");
  BOOST_TEST(c->r.err.empty());
}

BOOST_AUTO_TEST_CASE(three_mistakes_three_precise_lines) {
  const std::string yaml =
      "data: {train: {type: flower}}\n"
      "model:\n"
      "  layers:\n"
      "    - {units: 4, activation: tahn}\n"
      "    - {units: 1, activation: sigmoid}\n"
      "training:\n"
      "  learning_rate: fast\n"
      "  iteratons: 10\n";
  auto c = validate(yaml);
  BOOST_TEST(c->r.exit_code == 2);
  std::vector<std::string> lines = error_lines(c->r);
  BOOST_TEST_REQUIRE(lines.size() == 3u, c->r.err);
  // In reading order, each with where, what and the suggestion; the misspelt required key is not
  // reported a second time as missing.
  const std::string f = c->file.string();
  BOOST_TEST(lines[0] == "error: " + f + ":4:30: model.layers[0].activation: unknown activation 'tahn' (did you "
                         "mean 'tanh'? known activations: leaky_relu, linear, relu, sigmoid, softmax, tanh)");
  BOOST_TEST(lines[1] == "error: " + f + ":7:18: training.learning_rate: expected a number, found the string 'fast'");
  BOOST_TEST(lines[2].rfind("error: " + f + ":8:3: training.iteratons: unknown key 'iteratons' (did you mean "
                            "'iterations'?); allowed keys: optimizer, learning_rate,", 0) == 0, lines[2]);
}

BOOST_AUTO_TEST_CASE(unknown_keys_suggest_the_closest) {
  std::string y = kBase + "sed: 3\n";
  expect_error(*validate(y), at(y, 7, "sed"), "sed", "unknown key 'sed' (did you mean 'seed'?); allowed keys: name, seed,");
  y = replace(kBase, "activation: tanh}", "activation: tanh, dropout: 0.5}");
  expect_error(*validate(y), at(y, 4, "dropout"), "model.layers[0].dropout",
               "unknown key 'dropout'; allowed keys: units, activation, init");
  y = replace(kBase, "activation: tanh}", "activation: {type: leaky_relu, slop: 0.1}}");
  expect_error(*validate(y), at(y, 4, "slop"), "model.layers[0].activation.slop",
               "unknown key 'slop' (did you mean 'slope'?)");
  // A key that can take no options says so.
  y = replace(kBase, "activation: tanh}", "activation: {type: relu, slope: 0.1}}");
  expect_error(*validate(y), at(y, 4, "slope"), "model.layers[0].activation.slope",
               "unknown key 'slope'; this takes no options");
}

BOOST_AUTO_TEST_CASE(unknown_registered_names_suggest_and_list) {
  std::string y = replace(kBase, "model:\n", "model:\n  init: lecun_normall\n");
  expect_error(*validate(y), at(y, 3, "lecun_normall"), "model.init",
               "unknown initializer 'lecun_normall' (did you mean 'lecun_normal'? known initializers:");
  y = kBase + "loss: binary_crossentropy\n";
  expect_error(*validate(y), at(y, 7, "binary_crossentropy"), "loss",
               "unknown loss 'binary_crossentropy' (did you mean 'binary_cross_entropy'?");
  y = replace(kBase, "iterations: 2}", "iterations: 2, optimizer: dg}");
  expect_error(*validate(y), at(y, 6, "dg}"), "training.optimizer", "unknown optimizer 'dg' (did you mean 'gd'?");
  y = replace(kBase, "type: flower", "type: flowr");
  expect_error(*validate(y), at(y, 1, "flowr"), "data.train.type", "unknown data 'flowr' (did you mean 'flower'?");
  y = replace(kBase, "{units: 3,", "{type: dens, units: 3,");
  expect_error(*validate(y), at(y, 4, "dens"), "model.layers[0].type", "unknown layer 'dens' (did you mean 'dense'?");
  // Far from every name: no guess, just the list.
  y = replace(kBase, "activation: tanh", "activation: softplus");
  expect_error(*validate(y), at(y, 4, "softplus"), "model.layers[0].activation",
               "unknown activation 'softplus' (known activations: leaky_relu, linear, relu, sigmoid, softmax, tanh)");
}

BOOST_AUTO_TEST_CASE(wrong_types_say_expected_and_found) {
  std::string y = replace(kBase, "units: 3", "units: three");
  expect_error(*validate(y), at(y, 4, "three"), "model.layers[0].units", "expected an integer, found the string 'three'");
  y = replace(kBase, "iterations: 2", "iterations: 2.5");
  expect_error(*validate(y), at(y, 6, "2.5"), "training.iterations", "expected an integer, found the number 2.5");
  y = replace(kBase, "iterations: 2", "iterations: '2'");
  expect_error(*validate(y), at(y, 6, "'2'"), "training.iterations", "expected an integer, found the string '2'");
  y = replace(kBase, "learning_rate: 0.1", "learning_rate: [0.1]");
  expect_error(*validate(y), at(y, 6, "[0.1]"), "training.learning_rate", "expected a number, found a list");
  y = replace(kBase, "    - {units: 3, activation: tanh}\n", "    - dense\n");
  expect_error(*validate(y), at(y, 4, "dense"), "model.layers[0]",
               "expected a map with 'type' (a layer), found the string 'dense'");
  y = replace(kBase, "{type: flower, examples: 40}", "flower");
  expect_error(*validate(y), at(y, 1, "flower"), "data.train", "expected a map with 'type' (a data), found the string");
  y = replace(kBase, "training: {learning_rate: 0.1, iterations: 2}", "training: fast");
  expect_error(*validate(y), at(y, 6, "fast"), "training", "expected a map, found the string 'fast'");
}

BOOST_AUTO_TEST_CASE(values_out_of_range) {
  struct Case {
    std::string from, to, token, path, what;
  };
  std::vector<Case> cases = {
      {"units: 3", "units: 0", "0,", "model.layers[0].units", "must be >= 1, found 0"},
      {"learning_rate: 0.1", "learning_rate: 0", "0,", "training.learning_rate", "must be > 0, found 0"},
      {"learning_rate: 0.1", "learning_rate: -0.5", "-0.5", "training.learning_rate", "must be > 0, found -0.5"},
      {"learning_rate: 0.1", "learning_rate: .inf", ".inf", "training.learning_rate", "must be a finite number, found .inf"},
      {"learning_rate: 0.1", "learning_rate: .nan", ".nan", "training.learning_rate", "must be a finite number, found .nan"},
      {"iterations: 2", "iterations: -1", "-1", "training.iterations", "must be >= 0, found -1"},
      {"iterations: 2", "iterations: 2, record_every: -1", "-1", "training.record_every", "must be >= 0, found -1"},
      {"iterations: 2", "iterations: 2, evaluate_every: -2", "-2", "training.evaluate_every", "must be >= 0, found -2"},
      {"iterations: 2", "iterations: 2, print_every: -3", "-3", "training.print_every", "must be >= 0, found -3"},
      {"examples: 40}", "examples: 40}, scale: 0", "0\n", "data.scale", "must be > 0, found 0"},
      {"examples: 40", "examples: 1", "1}", "data.train.examples", "must be >= 2 and <= 100000000, found 1"},
      {"examples: 40", "examples: 41", "41", "data.train.examples", "must be a multiple of 2, found 41"},
      {"activation: tanh}", "activation: {type: leaky_relu, slope: -1}}", "-1", "model.layers[0].activation.slope",
       "must be >= 0, found -1"},
  };
  for (const Case& k : cases) {
    BOOST_TEST_CONTEXT(k.to) {
      std::string y = replace(kBase, k.from, k.to);
      int line = 0;
      auto ls = lines_of(y);
      for (std::size_t i = 0; i < ls.size(); ++i)
        if (ls[i].find(k.to) != std::string::npos) line = static_cast<int>(i) + 1;
      std::string token = k.token.back() == '\n' ? k.token.substr(0, k.token.size() - 1) : k.token;
      // The token's last occurrence on the line: the value, not an earlier digit.
      std::string text = ls[static_cast<std::size_t>(line - 1)];
      std::size_t col = text.rfind(token);
      expect_error(*validate(y), std::to_string(line) + ":" + std::to_string(col + 1), k.path, k.what);
    }
  }
  std::string y = kBase + "seed: 4294967296\n";
  expect_error(*validate(y), "7:7", "seed", "must be >= 0 and <= 4294967295, found 4294967296");
  y = kBase + "dtype: float61\n";
  expect_error(*validate(y), "7:8", "dtype", "unknown value 'float61' (did you mean 'float64'?); allowed: float64, float32");
}

BOOST_AUTO_TEST_CASE(missing_keys_and_empty_lists) {
  std::string y = replace(kBase, "learning_rate: 0.1, ", "");
  expect_error(*validate(y), at(y, 6, "{"), "training",
               "missing required key 'learning_rate' (a number: step size alpha)");
  y = "model: {layers: [{units: 1, activation: sigmoid}]}\ntraining: {learning_rate: 0.1, iterations: 2}\n";
  expect_error(*validate(y), "1:1", "data", "missing required key 'data'");
  y = replace(kBase, "  layers:\n    - {units: 3, activation: tanh}\n    - {units: 1, activation: sigmoid}\n",
              "  layers: []\n");
  expect_error(*validate(y), at(y, 3, "[]"), "model.layers", "needs at least 1 item, found 0");
  y = replace(kBase, "{units: 3, activation: tanh}", "{activation: tanh}");
  expect_error(*validate(y), at(y, 4, "{"), "model.layers[0]", "missing required key 'units'");
}

BOOST_AUTO_TEST_CASE(data_paths_must_exist_relative_to_the_config) {
  // Run from `/`: a relative path is the config file's folder's, not the working directory's.
  std::string y = replace(kBase, "{type: flower, examples: 40}",
                          "{type: hdf5, path: sub/missing.h5, features: x, labels: y}");
  auto c = validate(y);
  expect_error(*c, at(y, 1, "sub/missing.h5"), "data.train.path",
               "file not found: " + (c->dir.path / "sub" / "missing.h5").string());
  // A folder is not a data file.
  fs::create_directories(c->dir / "sub" / "missing.h5");
  c->r = testing::run("cd / && " + testing::mindset_bin() + " validate " + testing::quote(c->file.string()));
  expect_error(*c, at(y, 1, "sub/missing.h5"), "data.train.path", "not a regular file: ");
}

BOOST_AUTO_TEST_CASE(output_layer_of_binary_cross_entropy_is_explained) {
  std::string y = replace(kBase, "{units: 1, activation: sigmoid}", "{units: 2, activation: relu}");
  expect_error(*validate(y), at(y, 5, "{"), "model.layers[1]",
               "binary_cross_entropy needs an output layer of 1 sigmoid unit (the probability of class 1); "
               "found 2 relu units");
  y = replace(kBase, "{units: 1, activation: sigmoid}", "{units: 1, activation: tanh}");
  expect_error(*validate(y), at(y, 5, "{"), "model.layers[1]", "found 1 tanh unit");
}

BOOST_AUTO_TEST_CASE(cross_key_errors_come_with_the_others) {
  // A type error elsewhere does not hide the output-layer problem, nor the reverse.
  std::string y = replace(replace(kBase, "{units: 1, activation: sigmoid}", "{units: 2, activation: relu}"),
                          "learning_rate: 0.1", "learning_rate: fast");
  auto c = validate(y);
  expect_error(*c, at(y, 5, "{"), "model.layers[1]", "needs an output layer of 1 sigmoid unit");
  expect_error(*c, at(y, 6, "fast"), "training.learning_rate", "expected a number");
  BOOST_TEST(error_lines(c->r).size() == 2u, c->r.err);
  // An output layer that is itself broken is reported once, for what is wrong with it.
  y = replace(kBase, "{units: 1, activation: sigmoid}", "{units: 0, activation: sigmod}");
  c = validate(y);
  BOOST_TEST(error_lines(c->r).size() == 2u, c->r.err);
  BOOST_TEST(c->r.err.find("needs an output layer") == std::string::npos, c->r.err);
  expect_error(*c, at(y, 5, "sigmod"), "model.layers[1].activation", "did you mean 'sigmoid'?");
}

BOOST_AUTO_TEST_CASE(all_errors_up_to_twenty_then_a_count) {
  std::string y = kBase;
  for (int i = 0; i < 25; ++i) y += "extra_" + std::to_string(i) + ": 1\n";
  auto c = validate(y);
  BOOST_TEST(c->r.exit_code == 2);
  std::vector<std::string> lines = error_lines(c->r);
  BOOST_TEST_REQUIRE(lines.size() == 21u, c->r.err);
  BOOST_TEST(lines[0].find(":7:1: extra_0: unknown key") != std::string::npos, lines[0]);
  BOOST_TEST(lines[19].find(":26:1: extra_19: unknown key") != std::string::npos, lines[19]);
  BOOST_TEST(lines[20] == "error: ... and 5 more errors");
}

BOOST_AUTO_TEST_CASE(not_a_map_empty_and_syntax_errors) {
  auto c = validate("- a\n- b\n");
  expect_error(*c, "1:1", "", "");  // the root has no key path
  BOOST_TEST(c->r.err.find("expected a map with data, model and training, found a list") != std::string::npos, c->r.err);
  c = validate("# nothing but a comment\n");
  BOOST_TEST(c->r.exit_code == 2);
  BOOST_TEST(c->r.err.find("the config is empty") != std::string::npos, c->r.err);
  c = validate("model: {layers: [}\n");
  BOOST_TEST(c->r.exit_code == 2);
  BOOST_TEST(c->r.err.find("error: " + c->file.string() + ":1:") == 0, c->r.err);
  BOOST_TEST(c->r.err.find("YAML syntax error") != std::string::npos, c->r.err);
  c = validate(kBase + "---\n" + kBase);
  BOOST_TEST(c->r.exit_code == 2);
  BOOST_TEST(c->r.err.find("more than one YAML document") != std::string::npos, c->r.err);
}

// ------------------------------------------------------------------------------------------------
// extends

BOOST_AUTO_TEST_CASE(extends_chains_deep_merge) {
  TempDir d;
  d.write("bases/grand.yaml",
          "name: grand\nseed: 3\n"
          "data: {train: {type: flower, examples: 40, noise: 0.3}}\n"
          "model: {init: he_normal, layers: [{units: 5, activation: relu}, {units: 1, activation: sigmoid}]}\n"
          "training: {learning_rate: 0.5, iterations: 50, record_every: 5}\n");
  d.write("parent.yaml", "extends: bases/grand.yaml\ndata: {train: {examples: 60}}\ntraining: {iterations: 20}\n");
  fs::path child = d.write("sub/child.yaml",
                           "extends: ../parent.yaml\n"
                           "model: {layers: [{units: 1, activation: sigmoid}]}\n"
                           "training: {learning_rate: 0.25}\n");
  mindset::Experiment e = mindset::load_experiment(child.string(), {});
  const mindset::ConfigNode& r = e.resolved;
  BOOST_TEST(e.name == "grand");  // a scalar from the farthest base
  BOOST_TEST(r.get_integer("seed") == 3);
  // Maps merge at every depth.
  BOOST_TEST(r.at("data").at("train").get_integer("examples") == 60);
  BOOST_TEST(r.at("data").at("train").get_number("noise") == 0.3);
  BOOST_TEST(r.at("training").get_number("learning_rate") == 0.25);
  BOOST_TEST(r.at("training").get_integer("iterations") == 20);
  BOOST_TEST(r.at("training").get_integer("record_every") == 5);
  BOOST_TEST(r.at("model").get_string("init") == "he_normal");
  // Lists replace: the child's one layer, not a merge with the base's two.
  BOOST_TEST(r.at("model").at("layers").items().size() == 1u);
  BOOST_TEST(!r.has("extends"));
}

BOOST_AUTO_TEST_CASE(extends_default_name_is_the_files_own) {
  TempDir d;
  d.write("base.yaml", kBase);
  fs::path child = d.write("my_run.yaml", "extends: base.yaml\n");
  BOOST_TEST(mindset::load_experiment(child.string(), {}).name == "my_run");
}

BOOST_AUTO_TEST_CASE(extends_errors_point_at_the_right_file) {
  TempDir d;
  // An error in the base is reported in the base, with its own line.
  d.write("base.yaml", replace(kBase, "activation: tanh", "activation: tahn"));
  fs::path child = d.write("child.yaml", "extends: base.yaml\ntraining: {iteratons: 3}\n");
  Result r = testing::mindset("validate " + testing::quote(child.string()));
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find((d / "base.yaml").string() + ":4:30: model.layers[0].activation: unknown activation 'tahn'") !=
                 std::string::npos, r.err);
  BOOST_TEST(r.err.find(child.string() + ":2:12: training.iteratons: unknown key") != std::string::npos, r.err);

  // A base that does not exist: where the child names it.
  child = d.write("lost.yaml", "# comment\nextends: nothere.yaml\n");
  r = testing::mindset("validate " + testing::quote(child.string()));
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err == "error: " + child.string() + ":2:10: extends: file not found: " + (d / "nothere.yaml").string() + "\n");

  child = d.write("weird.yaml", "extends: [base.yaml]\n");
  r = testing::mindset("validate " + testing::quote(child.string()));
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find(child.string() + ":1:10: extends: expected the path of a base config, found a list") !=
                 std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(extends_cycles_are_errors) {
  TempDir d;
  d.write("a.yaml", "extends: b.yaml\nseed: 1\n");
  d.write("b.yaml", "extends: c.yaml\n");
  d.write("c.yaml", "extends: a.yaml\n");
  Result r = testing::mindset("validate " + testing::quote((d / "a.yaml").string()));
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err == "error: " + (d / "c.yaml").string() + ":1:10: extends: extends cycle: a.yaml -> b.yaml -> "
                                                            "c.yaml -> a.yaml\n");
  d.write("self.yaml", "extends: ./self.yaml\n");
  r = testing::mindset("validate " + testing::quote((d / "self.yaml").string()));
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("extends cycle: self.yaml -> self.yaml") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(merge_configs_semantics) {
  using mindset::parse_yaml;
  auto f = std::make_shared<const std::string>("m.yaml");
  auto base = parse_yaml("a: {x: 1, y: [1, 2], z: {p: 1}}\nb: 2\nc: {k: v}\n", f);
  auto over = parse_yaml("a: {y: [3], z: {q: 2}}\nb: {now: map}\nd: 4\n", f);
  auto m = mindset::merge_configs(base, over);
  BOOST_TEST(mindset::emit_flow(m) == "{a: {x: 1, y: [3], z: {p: 1, q: 2}}, b: {now: map}, c: {k: v}, d: 4}");
}

// ------------------------------------------------------------------------------------------------
// validate --resolved

BOOST_AUTO_TEST_CASE(resolved_config_has_defaults_and_absolute_paths) {
  TempDir d;
  fs::path cfg = d.write("r.yaml", replace(kBase, "learning_rate: 0.1", "learning_rate: 1e-3") + "seed: 0x10\n");
  Result r = testing::run("cd / && " + testing::mindset_bin() + " validate --resolved " + testing::quote(cfg.string()));
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  auto resolved = mindset::parse_yaml(r.out, nullptr);
  BOOST_TEST(resolved.get_string("name") == "r");
  BOOST_TEST(resolved.get_string("dtype") == "float64");
  BOOST_TEST(resolved.get_string("loss") == "binary_cross_entropy");
  BOOST_TEST(resolved.at("model").get_string("init") == "lecun_normal");
  BOOST_TEST(resolved.at("model").at("layers").items()[0].get_string("type") == "dense");
  BOOST_TEST(resolved.at("data").at("train").get_number("noise") == 0.2);
  BOOST_TEST(resolved.at("training").get_string("optimizer") == "gd");
  BOOST_TEST(resolved.at("training").get_integer("record_every") == 1);
  BOOST_TEST(resolved.at("training").get_integer("print_every") == 1);  // iterations/20, at least 1
  // Numbers in one spelling every YAML reader agrees on.
  BOOST_TEST(resolved.at("training").at("learning_rate").text() == "0.001");
  BOOST_TEST(resolved.at("seed").text() == "16");
  // Resolving the resolved config changes nothing.
  fs::path again = d.write("again.yaml", r.out);
  Result r2 = testing::mindset("validate --resolved " + testing::quote(again.string()));
  BOOST_TEST(r2.out == r.out);

  // What PyYAML (YAML 1.1, as h5py users load the config attribute) reads: the same types.
  fs::path odd = d.write("odd.yaml", replace(kBase, "learning_rate: 0.1", "learning_rate: 1e-3") +
                                         "name: on\nseed: 0o17\n");
  r = testing::run(testing::mindset_bin() + " validate --resolved " + testing::quote(odd.string()) + " | " +
                   testing::python() + " -c " +
                   testing::quote("import sys, yaml; c = yaml.safe_load(sys.stdin)\n"
                                  "print(repr(c['name']), repr(c['seed']), repr(c['training']['learning_rate']))"));
  BOOST_TEST(r.out == "'on' 15 0.001\n", r.out << r.err);

  // Paths are made absolute, from the config file's folder.
  fs::path h5 = d.write("sub/d.h5", "");
  fs::path cfg2 = d.write("sub/h.yaml", replace(kBase, "{type: flower, examples: 40}",
                                                "{type: hdf5, path: d.h5, features: x, labels: y}"));
  r = testing::run("cd / && " + testing::mindset_bin() + " validate --resolved " + testing::quote(cfg2.string()));
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(mindset::parse_yaml(r.out, nullptr).at("data").at("train").get_string("path") == h5.string());
}
