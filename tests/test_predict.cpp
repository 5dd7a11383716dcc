// mindset predict: a trained run's network on new examples prepared as its training examples
// were. Checked against numpy recomputing every probability from the results file alone, against
// the run's own metrics (the same examples must score the same), and through tables with
// categories, missing values, standardisation, reordered and missing label columns. Every bad
// input is one line and exit 2, and writes nothing.
#define BOOST_TEST_MODULE predict
#include <fstream>
#include <functional>

#include "analysis_testing.hpp"
#include "run_file.hpp"

using namespace analysis_testing;
using namespace mindset;

namespace {

struct Runs {
  testing::TempDir dir;
  fs::path flower, flower_config, table, table_csv_path, softmax, regression, float32;
  Runs() {
    flower_config = dir.write("flower.yaml", kFlower);
    flower = train(dir, "flower", kFlower);
    table_csv_path = dir.write("table.csv", table_csv(90));
    table = train(dir, "table", table_config(table_csv_path));
    // Three classes from a table, softmax + categorical cross-entropy.
    std::ostringstream three;
    three << "a,b,label\n";
    for (int i = 0; i < 60; ++i) three << std::cos(i * 2.1) * 2 + (i % 3) * 2 << "," << std::sin(i * 1.7) << "," << i % 3 << "\n";
    softmax = train(dir, "softmax",
                    "name: three\ndata: {train: {type: csv, path: " + dir.write("three.csv", three.str()).string() +
                        ", label: label}}\nmodel:\n  layers: [{units: 5, activation: tanh}, {units: 3, activation: softmax}]\n"
                        "loss: categorical_cross_entropy\ntraining: {learning_rate: 0.5, iterations: 200}\n");
    // A regression: y = x1 - 2 x2 + noise, mse, a linear output.
    std::ostringstream reg;
    reg << "x1,x2,y\n";
    for (int i = 0; i < 50; ++i) {
      const double x1 = std::sin(i * 0.9), x2 = std::cos(i * 0.4);
      reg << x1 << "," << x2 << "," << x1 - 2 * x2 + 0.05 * std::sin(i * 7.0) << "\n";
    }
    regression = train(dir, "regression",
                       "name: reg\ndata: {train: {type: csv, path: " + dir.write("reg.csv", reg.str()).string() +
                           ", label: y}, test_fraction: 0.2}\nmodel:\n  layers: [{units: 1, activation: linear}]\n"
                           "loss: mse\ntraining: {learning_rate: 0.1, iterations: 300}\n");
    float32 = train(dir, "float32", kFlower, "dtype=float32");
  }
};
const Runs& runs() {
  static Runs r;
  return r;
}

testing::Result predict(const fs::path& run, const std::string& args) {
  return testing::mindset("predict " + quote(run.string()) + " " + args);
}

// "accuracy 0.8600 (86 of 100 right)" -> 86, 100
std::pair<int, int> right_of(const std::string& out) {
  const auto pos = out.find("accuracy ");
  BOOST_REQUIRE_MESSAGE(pos != std::string::npos, "no accuracy line in: " + out);
  int right = -1, total = -1;
  std::sscanf(out.c_str() + out.find('(', pos), "(%d of %d right)", &right, &total);
  return {right, total};
}

void expect_numpy_agrees(const fs::path& run, const fs::path& csv) {
  const fs::path script = testing::source_dir() / "tests" / "check_predictions.py";
  auto py = testing::run(testing::python() + " " + quote(script.string()) + " " + quote(run.string()) + " " +
                         quote(csv.string()));
  BOOST_TEST(py.exit_code == 0, py.out << py.err);
  BOOST_TEST(contains(py.out, "predictions: ok"), py.out);
}

std::size_t rows_of(const fs::path& csv) {
  std::ifstream in(csv);
  std::size_t n = 0;
  for (std::string l; std::getline(in, l);) ++n;
  return n - 1;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_test_split_of_a_config_scores_as_in_training) {
  testing::TempDir out;
  const fs::path csv = out / "p.csv";
  auto r = predict(runs().flower, "--config " + quote(runs().flower_config.string()) + " --features -o " + quote(csv.string()));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  BOOST_TEST(rows_of(csv) == 100u);
  auto [right, total] = right_of(r.out);
  BOOST_TEST(total == 100);
  BOOST_TEST(right == std::lround(metric(runs().flower, "test_accuracy") * 100));
  BOOST_TEST(contains(r.out, "confusion matrix (rows: label, columns: prediction)"), r.out);
  // The confusion matrix's diagonal is the number right, its cells sum to the examples.
  std::istringstream lines(r.out.substr(r.out.find("confusion matrix")));
  std::string skip;
  std::getline(lines, skip), std::getline(lines, skip);
  int label, c0, c1, d0, d1;
  lines >> label >> c0 >> d1 >> label >> d0 >> c1;
  BOOST_TEST(c0 + c1 == right);
  BOOST_TEST(c0 + c1 + d0 + d1 == total);
  BOOST_TEST(testing::slurp(csv).rfind("x1,x2,prob,prediction,label\n", 0) == 0);
  expect_numpy_agrees(runs().flower, csv);
}

BOOST_AUTO_TEST_CASE(the_runs_own_config_and_splits) {
  // No --data or --config: the run's stored config recreates its data.
  testing::TempDir out;
  auto own = predict(runs().flower, "-o " + quote((out / "own.csv").string()));
  auto given = predict(runs().flower, "--config " + quote(runs().flower_config.string()) + " -o " + quote((out / "given.csv").string()));
  BOOST_REQUIRE_MESSAGE(own.exit_code == 0, own.err);
  BOOST_TEST(testing::slurp(out / "own.csv") == testing::slurp(out / "given.csv"));
  auto tr = predict(runs().flower, "--split train -o " + quote((out / "train.csv").string()));
  BOOST_REQUIRE_MESSAGE(tr.exit_code == 0, tr.err);
  auto [right, total] = right_of(tr.out);
  BOOST_TEST(total == 300);
  BOOST_TEST(right == std::lround(metric(runs().flower, "train_accuracy") * 300));
  // float32 runs predict in float32 and score as they did.
  auto f32 = predict(runs().float32, "-o " + quote((out / "f32.csv").string()));
  BOOST_REQUIRE_MESSAGE(f32.exit_code == 0, f32.err);
  BOOST_TEST(right_of(f32.out).first == std::lround(metric(runs().float32, "test_accuracy") * 100));
}

BOOST_AUTO_TEST_CASE(csv_on_stdout_and_the_summary_on_stderr) {
  auto r = predict(runs().flower, "");
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  BOOST_TEST(r.out.rfind("prob,prediction,label\n", 0) == 0);
  BOOST_TEST(std::count(r.out.begin(), r.out.end(), '\n') == 101);
  BOOST_TEST(contains(r.err, "flower_tanh: predicted 100 examples of the test split of the run's config"), r.err);
  BOOST_TEST(contains(r.err, "accuracy "), r.err);
}

BOOST_AUTO_TEST_CASE(tables_are_encoded_and_standardised_as_in_training) {
  // The training file itself, given as --data (its options come from the run): every example
  // scores as it did in training, and numpy agrees with every probability.
  testing::TempDir out;
  const fs::path csv = out / "table.csv";
  auto r = predict(runs().table, "--data " + quote("{type: csv, path: " + runs().table_csv_path.string() + "}") +
                                     " --features -o " + quote(csv.string()));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  BOOST_TEST(right_of(r.out).first == std::lround(metric(runs().table, "train_accuracy") * 90));
  BOOST_TEST(testing::slurp(csv).rfind("x1,x2,colour=blue,colour=green,colour=red,prob,prediction,label\n", 0) == 0,
             testing::slurp(csv).substr(0, 80));
  expect_numpy_agrees(runs().table, csv);

  // Columns in another order and no label column: the same probabilities, no label, no accuracy.
  const fs::path unlabeled = out.write("new.csv", table_csv(90, false, true));
  const fs::path data_yaml = out.write("data.yaml", "type: csv\npath: new.csv\n");  // relative to the YAML file
  auto u = predict(runs().table, "--data " + quote(data_yaml.string()) + " -o " + quote((out / "u.csv").string()));
  BOOST_REQUIRE_MESSAGE(u.exit_code == 0, u.err);
  BOOST_TEST(!contains(u.out, "accuracy"), u.out);
  const std::string labeled = testing::slurp(out / "table.csv"), plain = testing::slurp(out / "u.csv");
  std::istringstream a(labeled), b(plain);
  std::string la, lb;
  std::getline(a, la), std::getline(b, lb);
  BOOST_TEST(lb == "prob,prediction");
  while (std::getline(a, la) && std::getline(b, lb)) {
    // x1,x2,blue,green,red,prob,prediction,label vs prob,prediction
    std::size_t cut = 0;
    for (int commas = 0; commas < 5; ++commas) cut = la.find(',', cut) + 1;
    BOOST_TEST(la.substr(cut, la.rfind(',') - cut) == lb);
  }

  // A category training never saw: a warning, encoded as all zeros.
  const fs::path odd = out.write("odd.csv", "x1,x2,colour\n0.5,1,purple\n");
  auto w = predict(runs().table, "--data " + quote("{type: csv, path: " + odd.string() + "}"));
  BOOST_REQUIRE_MESSAGE(w.exit_code == 0, w.err);
  BOOST_TEST(contains(w.err, "warning: --data: 1 categorical value was not seen in the training split"), w.err);
  BOOST_TEST(contains(w.err, "colour 'purple'"), w.err);
}

BOOST_AUTO_TEST_CASE(softmax_classes_and_regression_values) {
  testing::TempDir out;
  const fs::path csv = out / "three.csv";
  auto s = predict(runs().softmax, "--split train --features -o " + quote(csv.string()));
  BOOST_REQUIRE_MESSAGE(s.exit_code == 0, s.err);
  BOOST_TEST(testing::slurp(csv).rfind("a,b,prob_0,prob_1,prob_2,prediction,label\n", 0) == 0);
  BOOST_TEST(right_of(s.out).first == std::lround(metric(runs().softmax, "train_accuracy") * 60));
  BOOST_TEST(contains(s.out, "     2"), s.out);  // a 3 x 3 confusion matrix
  expect_numpy_agrees(runs().softmax, csv);

  const fs::path reg = out / "reg.csv";
  auto r = predict(runs().regression, "--features -o " + quote(reg.string()));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  BOOST_TEST(contains(r.out, "rmse " + g6(metric(runs().regression, "test_rmse"))), r.out << " vs " << metric(runs().regression, "test_rmse"));
  BOOST_TEST(testing::slurp(reg).rfind("x1,x2,prediction,label\n", 0) == 0);
  expect_numpy_agrees(runs().regression, reg);
}

BOOST_AUTO_TEST_CASE(hdf5_predictions_open_in_xarray) {
  testing::TempDir out;
  const fs::path h5 = out / "p.h5";
  auto r = predict(runs().flower, "--features -o " + quote(h5.string()));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  BOOST_TEST(contains(r.out, "predictions: " + h5.string()));
  // The CSV of the same predictions, to compare with.
  auto c = predict(runs().flower, "-o " + quote((out / "p.csv").string()));
  BOOST_REQUIRE_EQUAL(c.exit_code, 0);
  auto py = testing::run(testing::python() + " -c " + quote(
      "import sys, xarray as xr, pandas as pd\n"
      "d = xr.open_dataset(sys.argv[1], engine='h5netcdf')\n"
      "assert d['outputs'].dims == ('example', 'output') and d['outputs'].shape == (100, 1), d\n"
      "assert d['prediction'].dims == ('example',) and d['features'].dims == ('example', 'feature')\n"
      "c = pd.read_csv(sys.argv[2], float_precision='round_trip')\n"
      "assert (d['outputs'][:, 0].values == c['prob'].values).all()\n"
      "assert (d['label'].values == c['label'].values).all()\n"
      "print('ok')\n") + " " + quote(h5.string()) + " " + quote((out / "p.csv").string()));
  BOOST_TEST(py.exit_code == 0, py.out << py.err);
}

BOOST_AUTO_TEST_CASE(bad_input_is_one_line_and_writes_nothing) {
  testing::TempDir dir;
  const fs::path out = dir / "p.csv";
  const std::string o = " -o " + quote(out.string());
  const std::string flower = quote(runs().flower.string()), table = quote(runs().table.string());
  auto bad = [&](const std::string& args, const std::vector<std::string>& parts) {
    expect_bad(testing::mindset("predict " + args + o), parts);
    BOOST_TEST(!fs::exists(out), args);
  };
  bad(quote((dir / "none.h5").string()), {"none.h5: no such file"});
  bad(quote(runs().flower_config.string()), {"flower.yaml: not an HDF5 file"});
  bad(flower + " --data x.yaml --config y.yaml", {"give --data or --config, not both"});
  bad(flower + " --split bogus", {"--split: 'bogus' is not a split; allowed: test, train, validation"});
  bad(flower + " --split validation", {"the config has no validation split"});
  bad(flower + " --data '{type: flower}' --split test", {"--split applies to --config"});
  bad(flower + " --data nofile.yaml", {"--data: no such file 'nofile.yaml'"});
  bad(flower + " --data '[1, 2]'", {"--data", "expected a data-source map"});
  bad(flower + " --data '{type: flowr}'", {"--data.type: unknown data 'flowr'", "did you mean 'flower'?"});
  bad(flower + " --config " + quote((dir / "missing.yaml").string()), {"missing.yaml"});
  bad(table + " --data '{type: flower}'", {"is not a table, but the run was trained on one (csv)"});
  const fs::path three = dir.write("three.csv", "a,b,c\n1,2,3\n");
  bad(flower + " --data " + quote("{type: csv, path: " + three.string() + "}"), {"examples have 3 features; the run's network takes 2"});
  const fs::path cat = dir.write("cat.csv", "a,b\n1,x\n");
  bad(flower + " --data " + quote("{type: csv, path: " + cat.string() + ", categorical: [b]}"),
      {"column 'b' is categorical, but the run was not trained on a table"});
  const fs::path nocol = dir.write("nocol.csv", "x1,colour\n1,red\n");
  bad(table + " --data " + quote("{type: csv, path: " + nocol.string() + "}"), {"no column 'x2' in", "nocol.csv"});
  const fs::path labels = dir.write("labels.csv", "x1,x2,colour,y\n1,2,red,7\n");
  bad(table + " --data " + quote("{type: csv, path: " + labels.string() + "}"),
      {"labels must be 0 or 1 for binary_cross_entropy; example 0 has 7"});
  expect_bad(testing::mindset("predict " + flower + " -o " + quote((dir / "p.txt").string())),
             {"must end in .csv, .h5 or .hdf5"});
  expect_bad(testing::mindset("predict " + flower + " -o " + quote(dir.path.string() + "/")),
             {"must end in .csv, .h5 or .hdf5"});
  fs::create_directories(dir / "folder.csv");
  expect_bad(testing::mindset("predict " + flower + " -o " + quote((dir / "folder.csv").string())), {"is a folder"});
  const fs::path file = dir.write("file", "x");
  expect_bad(testing::mindset("predict " + flower + " -o " + quote((file / "p.csv").string())),
             {"cannot create the output folder"});
  auto none = testing::mindset("predict");
  BOOST_TEST(none.exit_code == 2);
  BOOST_TEST(contains(none.err, "run is required"), none.err);
}

BOOST_AUTO_TEST_CASE(damaged_results_files) {
  // Files whose parts do not fit together: one line naming the file and the part.
  testing::TempDir dir;
  auto damaged = [&](const std::string& name, const std::function<void(hid_t)>& edit) {
    const fs::path p = dir / name;
    fs::copy_file(runs().flower, p);
    h5::Handle f = h5::open_file(p.string(), true);
    edit(f.id());
    return p;
  };
  const std::string config = h5::get_attr_string(h5::open_file(runs().flower.string()).id(), "config");
  auto with_config = [&](const std::string& from, const std::string& to) {
    return [=](hid_t f) {
      std::string c = config;
      BOOST_REQUIRE(c.find(from) != std::string::npos);
      c.replace(c.find(from), from.size(), to);
      h5::set_attr(f, "config", c);
    };
  };
  auto p = damaged("wider.h5", with_config("units: 4", "units: 5"));
  expect_bad(predict(p, ""), {"wider.h5: /model/layer_1/W has shape (4, 2), the config's network needs (5, 2)"});
  p = damaged("zero.h5", with_config("units: 4", "units: 0"));
  expect_bad(predict(p, ""), {"zero.h5 (config):", "model.layers[0].units: must be >= 1"});  // its own data: the config fails
  expect_bad(predict(p, "--data '{type: flower}'"),
             {"zero.h5: this mindset cannot rebuild the run's model: model.layers[0].units: must be >= 1"});
  p = damaged("yaml.h5", [](hid_t f) { h5::set_attr(f, "config", std::string("model: [unclosed")); });
  expect_bad(predict(p, ""), {"yaml.h5: its stored config is not valid YAML"});
  p = damaged("noW.h5", [](hid_t f) { H5Ldelete(f, "model/layer_2/W", H5P_DEFAULT); });
  expect_bad(predict(p, ""), {"noW.h5: /model/layer_2/W is missing"});
  p = damaged("noconfig.h5", [](hid_t f) { H5Adelete(f, "config"); });
  expect_bad(predict(p, ""), {"noconfig.h5: not a complete results file: no 'config' attribute"});
  expect_bad(testing::mindset("inspect " + quote(p.string())), {"noconfig.h5: not a complete results file"});
  p = damaged("nomodel.h5", [](hid_t f) { H5Ldelete(f, "model", H5P_DEFAULT); });
  expect_bad(predict(p, ""), {"nomodel.h5: not a complete results file: no /model group"});
  // Absurd sizes are refused before anything is allocated; numbers that are not counts are not cast.
  auto input_size = [](double v) {
    return [v](hid_t f) {
      h5::Handle m = h5::open_group(f, "model");
      H5Adelete(m.id(), "input_size");
      h5::set_attr(m.id(), "input_size", v);
    };
  };
  p = damaged("wide.h5", input_size(1e15));
  expect_bad(predict(p, "--data '{type: flower}'"), {"examples have 2 features; the run's network takes 1000000000000000"});
  try {  // as the reading in a child process before it (run_file.cpp) builds it
    mindset::load_network<double>(mindset::read_run_file(p.string()), 1);
    BOOST_ERROR("a network of 10^15 inputs was built");
  } catch (const mindset::UserError& e) {
    BOOST_TEST(contains(e.what(), "wide.h5: its network (1000000000000000 inputs, 4000000000000009 parameters) would take"), e.what());
  }
  for (double v : {-1.0, 2.5, 1e300, std::nan("")}) {
    p = damaged("count.h5", input_size(v));
    expect_bad(predict(p, ""), {"count.h5: /model has no input_size attribute (a whole number >= 1)"});
    fs::remove(p);
  }
  p = damaged("std.h5", [](hid_t f) {
    h5::Handle g = h5::create_group(f, "data/preprocess/step_1");
    h5::set_attr(g.id(), "type", std::string("standardize"));
    h5::set_attr(g.id(), "config", std::string("standardize"));
  });
  expect_bad(predict(p, ""), {"std.h5: cannot read its data transforms"});
  // Found by fuzzing (fuzz/regressions/results/preprocess_step_of_an_unknown_type): exit 2, not 1.
  p = damaged("unknown.h5", [](hid_t f) {
    h5::Handle g = h5::create_group(f, "data/preprocess/step_1");
    h5::set_attr(g.id(), "config", std::string("{type: whiten}"));
  });
  expect_bad(predict(p, ""), {"unknown.h5: cannot read its data transforms: unknown preprocess 'whiten' (known preprocessing "
                              "steps: minmax, scale, standardize)"});
}
