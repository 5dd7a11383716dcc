// Command-line overrides: key.path=value (and --set), +key=value, ~key, list indices, values
// parsed as YAML; their errors (closest key named); what the results file records.
#define BOOST_TEST_MODULE overrides
#include "config.hpp"
#include "testing.hpp"
#include "yaml_tree.hpp"

namespace fs = std::filesystem;
using mindset::ConfigNode;
using mindset::Override;
using mindset::UserError;
using testing::Result;
using testing::TempDir;

namespace {

const std::string kBase =
    "data: {train: {type: flower, examples: 40}}\n"
    "model:\n"
    "  layers:\n"
    "    - {units: 3, activation: tanh}\n"
    "    - {units: 1, activation: sigmoid}\n"
    "training: {learning_rate: 0.1, iterations: 2}\n";

ConfigNode base() { return mindset::parse_yaml(kBase, std::make_shared<const std::string>("base.yaml")); }

// Applies overrides in order; returns the tree as one line of YAML.
std::string applied(const std::vector<std::string>& overrides) {
  ConfigNode t = base();
  for (const auto& o : overrides) mindset::apply_override(t, mindset::parse_override(o));
  return mindset::emit_flow(t);
}

// The message of the UserError that parsing and applying `o` throws ("" if none).
std::string error_of(const std::string& o) {
  try {
    ConfigNode t = base();
    mindset::apply_override(t, mindset::parse_override(o));
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

void expect_error(const std::string& o, const std::string& what) {
  std::string e = error_of(o);
  BOOST_TEST(e.find(what) != std::string::npos, "override '" << o << "': expected '" << what << "', got '" << e << "'");
}

}  // namespace

BOOST_AUTO_TEST_CASE(parse_each_form) {
  Override o = mindset::parse_override("training.learning_rate=0.01");
  BOOST_TEST((o.op == Override::Op::Set));
  BOOST_TEST(o.path == "training.learning_rate");
  BOOST_TEST_REQUIRE(o.segments.size() == 2u);
  BOOST_TEST(o.segments[1].key == "learning_rate");
  BOOST_TEST(o.value.is_number());
  BOOST_TEST(o.value.as_number() == 0.01);
  BOOST_TEST(o.value.mark().command_line);

  o = mindset::parse_override("+training.record_every=5");
  BOOST_TEST((o.op == Override::Op::Add));
  BOOST_TEST(o.path == "training.record_every");

  o = mindset::parse_override("~data.test");
  BOOST_TEST((o.op == Override::Op::Remove));
  BOOST_TEST(o.path == "data.test");
  o = mindset::parse_override("~data.test=ignored");  // Hydra's ~key=value: the value is ignored
  BOOST_TEST((o.op == Override::Op::Remove));
  BOOST_TEST(o.path == "data.test");

  o = mindset::parse_override("model.layers[0].units=20");
  BOOST_TEST_REQUIRE(o.segments.size() == 4u);
  BOOST_TEST(o.segments[1].key == "layers");
  BOOST_TEST(o.segments[2].index == 0);
  BOOST_TEST(o.segments[3].key == "units");
  o = mindset::parse_override("a[1][12].b-c_d=x");
  BOOST_TEST_REQUIRE(o.segments.size() == 4u);
  BOOST_TEST(o.segments[1].index == 1);
  BOOST_TEST(o.segments[2].index == 12);
  BOOST_TEST(o.segments[3].key == "b-c_d");
}

BOOST_AUTO_TEST_CASE(values_are_yaml) {
  Override o = mindset::parse_override(
      "model.layers=[{units: 7, activation: relu}, {units: 1, activation: sigmoid}]");
  BOOST_TEST_REQUIRE(o.value.is_sequence());
  BOOST_TEST(o.value.items().size() == 2u);
  BOOST_TEST(o.value.items()[0].get_integer("units") == 7);
  o = mindset::parse_override("name='1e-3'");
  BOOST_TEST(o.value.quoted());
  BOOST_TEST(!o.value.is_number());
  o = mindset::parse_override("name=a=b");  // the first '=' splits
  BOOST_TEST(o.value.text() == "a=b");
  o = mindset::parse_override("training.learning_rate=1e-3");
  BOOST_TEST(o.value.as_number() == 0.001);
  o = mindset::parse_override("data.test=");
  BOOST_TEST(o.value.is_null());
}

BOOST_AUTO_TEST_CASE(malformed_overrides) {
  expect_error("training.learning_rate", "override 'training.learning_rate' has no '=' (expected key.path=value, "
                                         "+key.path=value or ~key.path)");
  expect_error("=3", "override '=3': empty key path");
  expect_error("a..b=1", "override 'a..b=1': bad key path 'a..b'");
  expect_error("a.=1", "bad key path 'a.'");
  expect_error("[0]=1", "bad key path '[0]'");
  expect_error("a b=1", "bad key path 'a b'");
  expect_error("a[x]=1", "bad list index in 'a[x]'");
  expect_error("a[]=1", "bad list index in 'a[]'");
  expect_error("a[0=1", "bad list index in 'a[0'");
  expect_error("a[-1]=1", "bad list index in 'a[-1]'");
  expect_error("name={unclosed", "YAML syntax error");
  BOOST_TEST(error_of("name={unclosed").find("override 'name={unclosed'") != std::string::npos, error_of("name={unclosed"));
}

BOOST_AUTO_TEST_CASE(set_existing_and_schema_known_keys) {
  BOOST_TEST(applied({"training.learning_rate=0.01"}).find("training: {learning_rate: 0.01, iterations: 2}") !=
             std::string::npos);
  // Keys the schema knows may be set without '+', even when the file leaves them out.
  std::string t = applied({"training.record_every=5", "model.init=he_normal", "seed=7", "data.test={type: flower}"});
  BOOST_TEST(t.find("record_every: 5") != std::string::npos, t);
  BOOST_TEST(t.find("init: he_normal") != std::string::npos, t);
  BOOST_TEST(t.find("seed: 7") != std::string::npos, t);
  BOOST_TEST(t.find("test: {type: flower}") != std::string::npos, t);
  // ... including the options of a registered type, found through its `type`.
  t = applied({"data.train.noise=0.5", "model.layers[0].init=zeros"});
  BOOST_TEST(t.find("train: {type: flower, examples: 40, noise: 0.5}") != std::string::npos, t);
  BOOST_TEST(t.find("{units: 3, activation: tanh, init: zeros}") != std::string::npos, t);
  // Later overrides win.
  t = applied({"training.iterations=5", "training.iterations=7"});
  BOOST_TEST(t.find("iterations: 7") != std::string::npos, t);
}

BOOST_AUTO_TEST_CASE(list_indices) {
  std::string t = applied({"model.layers[0].units=20", "model.layers[1].activation={type: leaky_relu, slope: 0.2}"});
  BOOST_TEST(t.find("layers: [{units: 20, activation: tanh}, {units: 1, activation: {type: leaky_relu, slope: 0.2}}]") !=
             std::string::npos, t);
  t = applied({"model.layers[0]={units: 9, activation: relu}"});
  BOOST_TEST(t.find("layers: [{units: 9, activation: relu}, {units: 1, activation: sigmoid}]") != std::string::npos, t);
  t = applied({"model.layers=[{units: 1, activation: sigmoid}]"});
  BOOST_TEST(t.find("layers: [{units: 1, activation: sigmoid}]") != std::string::npos, t);
  t = applied({"~model.layers[0]"});
  BOOST_TEST(t.find("layers: [{units: 1, activation: sigmoid}]") != std::string::npos, t);
  expect_error("model.layers[2].units=1", "override 'model.layers[2].units=1': model.layers has 2 items; index 2 is out of range");
  expect_error("training[0]=1", "training is a map, not a list");
  expect_error("model.layers.units=1", "model.layers is a list, not a map");
}

BOOST_AUTO_TEST_CASE(add_and_remove) {
  std::string t = applied({"+training.momentum=0.9"});
  BOOST_TEST(t.find("momentum: 0.9") != std::string::npos, t);
  t = applied({"+extra.deep.key=1"});  // intermediate maps are made
  BOOST_TEST(t.find("extra: {deep: {key: 1}}") != std::string::npos, t);
  t = applied({"~training.learning_rate"});
  BOOST_TEST(t.find("training: {iterations: 2}") != std::string::npos, t);
  expect_error("+training.learning_rate=1",
               "override '+training.learning_rate=1': training.learning_rate is already set; use "
               "training.learning_rate=... to change it");
  expect_error("~data.test", "override '~data.test': data.test is not set, nothing to remove");
  expect_error("~model.layers[5]", "model.layers has 2 items; index 5 is out of range");
}

BOOST_AUTO_TEST_CASE(unknown_keys_name_the_closest) {
  expect_error("training.learnig_rate=0.1",
               "override 'training.learnig_rate=0.1': no key 'training.learnig_rate' to override (did you mean "
               "'training.learning_rate'?); use +training.learnig_rate=... to add a new key");
  expect_error("sed=3", "no key 'sed' to override (did you mean 'seed'?)");
  expect_error("model.layers[0].unit=3", "no key 'model.layers[0].unit' to override (did you mean 'model.layers[0].units'?)");
  expect_error("data.train.nosie=1", "(did you mean 'data.train.noise'?)");
  expect_error("training.learning_rate.x=1", "training.learning_rate is the number 0.1, not a map");
  // Far from any key: no guess, but the way to add it.
  expect_error("zzzzzz=1", "no key 'zzzzzz' to override; use +zzzzzz=... to add a new key");
}

// ------------------------------------------------------------------------------------------------
// Through the command line.

namespace {
std::string py_attrs(const fs::path& h5) {
  Result r = testing::run(testing::python() + " -c " +
                          testing::quote("import sys, h5py, yaml\n"
                                         "f = h5py.File(sys.argv[1], 'r')\n"
                                         "c = yaml.safe_load(f.attrs['config'])\n"
                                         "o = [x.decode() if isinstance(x, bytes) else x for x in f.attrs['overrides']]\n"
                                         "print(len(f['history/cost']), f['model/layer_1/W'].shape, "
                                         "c['training']['iterations'], c['model']['layers'][0]['units'], "
                                         "c['training']['learning_rate'], o)\n") +
                          " " + testing::quote(h5.string()));
  BOOST_TEST(r.exit_code == 0, r.err);
  return r.out;
}
}  // namespace

BOOST_AUTO_TEST_CASE(cli_both_spellings_are_applied_and_recorded) {
  TempDir d;
  fs::path cfg = d.write("c.yaml", kBase);
  Result r = testing::mindset("train " + testing::quote(cfg.string()) + " -o " + testing::quote((d / "a.h5").string()) +
                              " --quiet training.iterations=4 'model.layers[0].units=5' training.learning_rate=1e-2");
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(py_attrs(d / "a.h5") ==
             "4 (5, 2) 4 5 0.01 ['training.iterations=4', 'model.layers[0].units=5', 'training.learning_rate=1e-2']\n");
  r = testing::mindset("train " + testing::quote(cfg.string()) + " -o " + testing::quote((d / "b.h5").string()) +
                       " --quiet --set training.iterations=9 --set 'model.layers[0].units=5' '+training.print_every=0'"
                       " --set training.iterations=4");
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  // In command-line order, both spellings mixed: the later iterations wins.
  BOOST_TEST(py_attrs(d / "b.h5") == "4 (5, 2) 4 5 0.1 ['training.iterations=9', 'model.layers[0].units=5', "
                                     "'+training.print_every=0', 'training.iterations=4']\n");
  // --set takes one value: the config may come after it.
  r = testing::mindset("validate --set training.iterations=4 " + testing::quote(cfg.string()));
  BOOST_TEST(r.exit_code == 0, r.err);
}

BOOST_AUTO_TEST_CASE(cli_errors_all_at_once_and_nothing_written) {
  TempDir d;
  fs::path cfg = d.write("c.yaml", kBase + "sed: 1\n");
  fs::path out = d / "never.h5";
  Result r = testing::mindset("train " + testing::quote(cfg.string()) + " -o " + testing::quote(out.string()) +
                              " training.learnig_rate=0.1 'model.layers[7].units=1' training.iterations=-1 bogus");
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.out.empty());
  BOOST_TEST(!fs::exists(out));
  std::vector<std::string> expected = {
      "error: override 'training.iterations=-1': training.iterations: must be >= 0, found -1",
      "error: override 'training.learnig_rate=0.1': no key 'training.learnig_rate' to override (did you mean "
      "'training.learning_rate'?); use +training.learnig_rate=... to add a new key",
      "error: override 'model.layers[7].units=1': model.layers has 2 items; index 7 is out of range",
      "error: override 'bogus' has no '=' (expected key.path=value, +key.path=value or ~key.path)",
      "error: " + cfg.string() + ":7:1: sed: unknown key 'sed' (did you mean 'seed'?)",
  };
  for (const auto& e : expected) BOOST_TEST(r.err.find(e) != std::string::npos, "missing: " << e << "\nin:\n" << r.err);
  BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 5);
}

BOOST_AUTO_TEST_CASE(cli_validate_with_overrides) {
  TempDir d;
  fs::path cfg = d.write("c.yaml", kBase);
  // A relative path given on the command line is the working directory's, not the config's.
  d.write("run/x.h5", "");
  Result r = testing::run("cd " + testing::quote((d / "run").string()) + " && " + testing::mindset_bin() +
                          " validate --resolved " + testing::quote(cfg.string()) +
                          " 'data.test={type: hdf5, path: x.h5, features: a, labels: b}' --set '~training.iterations'"
                          " +training.iterations=3");
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  ConfigNode resolved = mindset::parse_yaml(r.out, nullptr);
  BOOST_TEST(resolved.at("data").at("test").get_string("path") == (d / "run" / "x.h5").string());
  BOOST_TEST(resolved.at("training").get_integer("iterations") == 3);
  // A misspelt name in an override value gets the same suggestion as in a file.
  r = testing::mindset("validate " + testing::quote(cfg.string()) + " 'model.layers[0].activation=rlu'");
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("error: override 'model.layers[0].activation=rlu': model.layers[0].activation: unknown "
                        "activation 'rlu' (did you mean 'relu'?") == 0, r.err);
}
