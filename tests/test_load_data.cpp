// load_data as a whole: a csv test file encoded with the training file's encoding, unseen
// categories, and every bad-data error of the pipeline (exit 2, one line, no results file).
#define BOOST_TEST_MODULE load_data
#include "data_testing.hpp"
#include "encoding.hpp"

using testing::TempDir;
namespace fs = std::filesystem;

namespace {
const char* kTrain =
    "id,colour,size,label\n"
    "1,red,1.0,1\n"
    "2,blue,2.0,0\n"
    "3,red,,1\n"
    "4,green,4.0,0\n"
    "5,blue,5.0,1\n"
    "6,red,6.0,0\n";
const char* kTest =
    "label,size,colour,id\n"   // other column order: columns are matched by name
    "1,,red,7\n"
    "0,3.0,purple,8\n"
    "1,2.0,purple,9\n";
}  // namespace

BOOST_AUTO_TEST_CASE(csv_test_file_inherits_the_training_encoding) {
  TempDir d;
  d.write("train.csv", kTrain);
  d.write("test.csv", kTest);
  auto b = testing::load_bundle(d, "data:\n"
                                   "  train: {type: csv, path: train.csv, label: label, ignore: [id], categorical: [colour], missing: {size: mean}}\n"
                                   "  test: {type: csv, path: test.csv}\n" + std::string(testing::kTinyModel));
  BOOST_REQUIRE(b.test);
  std::vector<std::string> names = {"colour=blue", "colour=green", "colour=red", "size"};
  BOOST_TEST(b.train.feature_names == names, boost::test_tools::per_element());
  BOOST_TEST(b.test->n() == 4u);
  const double mean = (1.0 + 2.0 + 4.0 + 5.0 + 6.0) / 5.0;  // the training rows' mean, not the test rows'
  BOOST_TEST(b.train.x(3, 2) == mean);
  BOOST_TEST(b.test->x(3, 0) == mean);
  BOOST_TEST(b.test->x(2, 0) == 1.0);  // red
  for (std::size_t i = 0; i < 3; ++i) BOOST_TEST(b.test->x(i, 1) == 0.0);  // purple: unseen, all zeros
  BOOST_REQUIRE(b.warnings.size() == 1u);
  MINDSET_CHECK_ERROR(b.warnings[0], "data.test: 2 categorical values were not seen in the training split",
                      "colour 'purple' x2");
}

BOOST_AUTO_TEST_CASE(csv_test_file_mismatches) {
  TempDir d;
  d.write("train.csv", kTrain);
  d.write("test.csv", kTest);
  d.write("nosize.csv", "label,colour,id\n1,red,7\n");
  auto err = [&](const std::string& data) {
    return testing::user_error([&] { testing::load_bundle(d, data + testing::kTinyModel); });
  };
  const std::string train = "  train: {type: csv, path: train.csv, label: label, ignore: [id], categorical: [colour], missing: {size: mean}}\n";
  MINDSET_CHECK_ERROR(err("data:\n" + train + "  test: {type: csv, path: test.csv, categorical: []}\n"), "exp.yaml:3:",
                      "data.test.categorical:", "differs from data.train.categorical", "inherit");
  MINDSET_CHECK_ERROR(err("data:\n" + train + "  test: {type: csv, path: nosize.csv}\n"), "data.test", "no column 'size'");
  MINDSET_CHECK_ERROR(err("data:\n" + train + "  test: {type: moons}\n"), "data.test", "not a table");
  MINDSET_CHECK_ERROR(err("data:\n  train: {type: moons}\n  test: {type: csv, path: test.csv, label: label, categorical: [colour]}\n"),
                      "data.test", "data.train is not");
}

BOOST_AUTO_TEST_CASE(bad_data_exits_2_with_one_line_and_no_results) {
  TempDir d;
  d.write("train.csv", kTrain);
  d.write("one.csv", "a,label\n1,1\n2,1\n3,1\n");
  d.write("two.csv", "a,label\n1,1\n2,2\n");
  auto script = d.write("make.py",
                        "import sys, h5py, numpy as np\n"
                        "with h5py.File(sys.argv[1], 'w') as f:\n"
                        "    f['x'] = np.array([[1.0, np.nan], [2, 3], [4, 5]]); f['y'] = np.array([0, 1, 1])\n"
                        "    f['x3'] = np.ones((3, 3)); f['inf'] = np.array([[1.0, 2], [np.inf, 3], [4, 5]])\n"
                        "    f['empty_x'] = np.zeros((0, 2)); f['empty_y'] = np.zeros(0)\n");
  BOOST_REQUIRE(testing::run(testing::python() + " " + testing::quote(script.string()) + " " + testing::quote((d / "h.h5").string())).exit_code == 0);
  struct Case {
    std::string data;
    std::vector<std::string> parts;
  };
  const std::vector<Case> cases = {
      {"{train: {type: hdf5, path: h.h5, features: x, labels: y}}", {"bad.yaml:1:", "data.train", "feature 1 of example 0 is NaN"}},
      {"{train: {type: hdf5, path: h.h5, features: inf, labels: y}}", {"data.train", "feature 0 of example 1 is infinite"}},
      {"{train: {type: hdf5, path: h.h5, features: x3, labels: y}, test: {type: hdf5, path: h.h5, features: empty_x, labels: empty_y}}",
       {"data.test", "no examples"}},
      {"{train: {type: hdf5, path: h.h5, features: x3, labels: y}, test: {type: moons}}",
       {"data.test", "examples have 2 features, training examples 3"}},
      {"{train: {type: csv, path: one.csv, label: label}}", {"data.train", "all 3 training examples have the label 1"}},
      {"{train: {type: csv, path: two.csv, label: label}}", {"data.train", "label"}},
      {"{train: {type: csv, path: train.csv, label: label, categorical: [colour]}}", {"train.csv:4:", "column 'size': a missing value"}},
      {"{train: {type: csv, path: train.csv, label: label, categorical: [colour], columns: [size, colour], missing: {size: mean}}, "
       "test_fraction: 0.5, preprocess: [{type: scale, by: 1e-320}]}",
       {"data.train", "is infinite after preprocessing"}},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string out = "bad" + std::to_string(i) + ".h5";
    auto r = testing::train(d, "bad.yaml", "data: " + cases[i].data + "\n" + testing::kTinyModel, out);
    BOOST_TEST_CONTEXT("case " << i << ": " << cases[i].data) {
      BOOST_TEST(r.exit_code == 2);
      // One error line (warnings may come before it).
      const std::size_t at = r.err.find("error: ");
      BOOST_REQUIRE(at != std::string::npos);
      std::string line = r.err.substr(at, r.err.find_last_not_of('\n') + 1 - at);
      for (const auto& p : cases[i].parts) BOOST_TEST(testing::contains(line, p), "missing '" << p << "' in: " << line);
      BOOST_TEST(line.find('\n') == std::string::npos, line);
      BOOST_TEST(!fs::exists(d / out));
    }
  }
}

BOOST_AUTO_TEST_CASE(warnings_are_printed_and_kept_in_the_results) {
  TempDir d;
  d.write("train.csv", kTrain);
  auto r = testing::train(d, "w.yaml", "data: {train: {type: csv, path: train.csv, label: label, ignore: [id], categorical: [colour], "
                                       "missing: drop}}\n" + std::string(testing::kTinyModel));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  BOOST_TEST(testing::contains(r.err, "warning: data.train: dropped 1 of 6 rows"), r.err);
  auto py = testing::run(testing::python() + " -c \"import h5py, sys; f = h5py.File(sys.argv[1], 'r');"
                         "w = list(f['data'].attrs['warnings']); assert len(w) == 1 and 'dropped 1 of 6' in w[0], w;"
                         "assert f['data/train'].attrs['dropped_rows'] == 1 and f['data/train'].attrs['m'] == 5;"
                         "e = f['data/encoding/column_1']; assert e.attrs['name'] == 'colour' and e.attrs['kind'] == 'categorical';"
                         "assert [c.decode() for c in e['categories'][()]] == ['blue', 'green', 'red']\" " +
                         testing::quote((d / "out.h5").string()));
  BOOST_TEST(py.exit_code == 0, py.err);
}
