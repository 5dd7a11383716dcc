// mindset inspect: the summary of a results file (architecture, status, metrics read back from
// the file), tables of folders of runs sorted by a metric with the best marked, and one clear
// line with exit 2 for every path that is not something it reads.
#define BOOST_TEST_MODULE inspect
#include "analysis_testing.hpp"

using namespace analysis_testing;
using namespace mindset;

namespace {

struct Runs {
  testing::TempDir dir;
  fs::path flower, dropout, diverged;
  Runs() {
    flower = train(dir, "flower", kFlower, "training.learning_rate=1.0");
    dropout = train(dir, "dropout",
                    "name: drop\ndata: {train: {type: flower, examples: 40}}\nmodel:\n  layers: [{units: 5, activation: relu}, "
                    "{type: dropout, rate: 0.2}, {units: 1, activation: sigmoid}]\ntraining: {learning_rate: 0.1, iterations: 5}\n");
    diverged = train(dir, "diverged",
                     "name: boom\nseed: 2\ndata: {train: {type: flower}}\nmodel: {layers: [{units: 8, activation: relu}, "
                     "{units: 1, activation: sigmoid}]}\ntraining: {learning_rate: 1.0e+300, iterations: 50}\n");
  }
};
const Runs& runs() {
  static Runs r;
  return r;
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(run_summary) {
  auto r = testing::mindset("inspect " + quote(runs().flower.string()));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const std::string& o = r.out;
  BOOST_TEST(o.rfind("flower_tanh  (", 0) == 0, o);
  for (const char* part : {"2→4→1 (tanh, sigmoid), 17 parameters", "1: dense, 4 units, tanh  W (4, 2), b (4, 1)",
                           "2: dense, 1 unit, sigmoid  W (1, 4), b (1, 1)", "status        completed 400 iterations (400 epochs)",
                           "gd, learning rate 1.0, 400 iterations; loss binary_cross_entropy; seed 2; float64",
                           "train: flower, 300 examples", "test: flower, 100 examples (held out of data.train)",
                           "overrides     training.learning_rate=1.0", "wall time", "written by    mindset 0.1.0"})
    BOOST_TEST(contains(o, part), "inspect lacks '" << part << "':\n" << o);
  // The metrics are the file's.
  const std::string m = "metrics       final_cost " + g6(metric(runs().flower, "final_cost")) + ", train_accuracy " +
                        g6(metric(runs().flower, "train_accuracy")) + ", test_accuracy " +
                        g6(metric(runs().flower, "test_accuracy"));
  BOOST_TEST(contains(o, m), "expected '" << m << "' in\n" << o);
  BOOST_TEST(r.err.empty(), r.err);
}

BOOST_AUTO_TEST_CASE(dropout_layers_and_diverged_runs) {
  auto r = testing::mindset("inspect " + quote(runs().dropout.string()));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  BOOST_TEST(contains(r.out, "2→5→dropout 0.2→1 (relu, sigmoid), 21 parameters"), r.out);
  BOOST_TEST(contains(r.out, "2: dropout, rate 0.2"), r.out);
  auto d = testing::mindset("inspect " + quote(runs().diverged.string()));
  BOOST_REQUIRE_MESSAGE(d.exit_code == 0, d.err);
  BOOST_TEST(contains(d.out, "status        diverged at iteration"), d.out);
}

BOOST_AUTO_TEST_CASE(folder_of_runs_sorted_with_the_best_marked) {
  testing::TempDir dir;
  std::map<std::string, double> test_acc;
  for (const char* lr : {"0.05", "1.2", "0.5"}) {
    fs::path p = train(dir, std::string("lr_") + lr, kFlower, std::string("training.learning_rate=") + lr);
    test_acc[p.filename().string()] = metric(p, "test_accuracy");
  }
  auto r = testing::mindset("inspect " + quote(dir.path.string()));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto ls = lines(r.out);
  BOOST_REQUIRE_EQUAL(ls.size(), 5u);  // title, header, 3 runs
  BOOST_TEST(contains(ls[0], "3 results files, sorted by test_accuracy (highest first)"), ls[0]);
  BOOST_TEST((contains(ls[1], "file") && contains(ls[1], "test_accuracy") && contains(ls[1], "architecture")));
  std::vector<std::pair<double, std::string>> expected;
  for (const auto& [file, acc] : test_acc) expected.emplace_back(-acc, file);
  std::sort(expected.begin(), expected.end());
  for (std::size_t i = 0; i < 3; ++i) {
    BOOST_TEST(ls[2 + i].substr(2, expected[i].second.size()) == expected[i].second, ls[2 + i]);
    BOOST_TEST((ls[2 + i][0] == '*') == (i == 0), ls[2 + i]);
  }
  // Lower is better for costs.
  auto c = testing::mindset("inspect " + quote(dir.path.string()) + " --sort final_cost");
  BOOST_REQUIRE_EQUAL(c.exit_code, 0);
  auto cl = lines(c.out);
  BOOST_TEST(contains(cl[0], "sorted by final_cost (lowest first)"), cl[0]);
  double prev = -1;
  for (std::size_t i = 2; i < cl.size(); ++i) {
    const std::string file = cl[i].substr(2, cl[i].find(' ', 2) - 2);
    const double cost = metric(dir / file, "final_cost");
    BOOST_TEST(cost >= prev, cl[i]);
    prev = cost;
  }
}

BOOST_AUTO_TEST_CASE(bad_paths_and_options) {
  testing::TempDir dir;
  const fs::path text = dir.write("notes.txt", "not hdf5\n");
  expect_bad(testing::mindset("inspect " + quote((dir / "missing.h5").string())), {"missing.h5: no such file"});
  expect_bad(testing::mindset("inspect " + quote(text.string())), {"notes.txt: not an HDF5 file"});
  // HDF5, but not a results file.
  const fs::path plain = dir / "plain.h5";
  {
    h5::Handle f = h5::create_file(plain.string());
    h5::write_scalar(f.id(), "x", 1.0);
  }
  expect_bad(testing::mindset("inspect " + quote(plain.string())), {"plain.h5: an HDF5 file, but not a mindset results file"});
  // A newer format.
  const fs::path future = dir / "future.h5";
  fs::copy_file(runs().flower, future);
  {
    h5::Handle f = h5::open_file(future.string(), true);
    h5::set_attr(f.id(), "format_version", std::int64_t{99});
  }
  expect_bad(testing::mindset("inspect " + quote(future.string())), {"future.h5: results format version 99 is newer"});
  // A truncated file (a copy cut in half).
  const fs::path cut = dir / "cut.h5";
  fs::copy_file(runs().flower, cut);
  fs::resize_file(cut, fs::file_size(cut) / 2);
  auto t = testing::mindset("inspect " + quote(cut.string()));
  expect_bad(t, {"cut.h5: "});
  // Folders without runs; a sweep folder whose summary is not written yet.
  const fs::path empty = dir / "empty";
  fs::create_directories(empty / "runs");
  expect_bad(testing::mindset("inspect " + quote(empty.string())),
             {"neither a sweep summary (summary.h5) nor results files", "mindset sweep --merge"});
  // --sort: a column that is not there (closest named), text columns, single runs.
  const fs::path folder = dir / "folder";
  fs::create_directories(folder);
  fs::copy_file(runs().flower, folder / "a.h5");
  expect_bad(testing::mindset("inspect " + quote(folder.string()) + " --sort test_acuracy"),
             {"--sort: no column 'test_acuracy'", "did you mean 'test_accuracy'?"});
  expect_bad(testing::mindset("inspect " + quote(folder.string()) + " --sort name"), {"column 'name' holds text"});
  expect_bad(testing::mindset("inspect " + quote(runs().flower.string()) + " --sort final_cost"),
             {"--sort applies to a sweep folder"});
  auto none = testing::mindset("inspect");
  BOOST_TEST(none.exit_code == 2);
  BOOST_TEST(contains(none.err, "path is required"), none.err);
}

BOOST_AUTO_TEST_CASE(sweep_folder_table) {
  // A real sweep: its summary's rows, sorted by test accuracy, the swept keys as columns.
  testing::TempDir dir;
  dir.write("flower.yaml", kFlower);
  const fs::path s = dir.write("s.yaml", "experiment: flower.yaml\nset: {training.iterations: 100}\n"
                                         "grid: {training.learning_rate: [0.1, 1.2], model.layers[0].units: [2, 4]}\n");
  auto sw = testing::mindset("sweep " + quote(s.string()) + " -o " + quote((dir / "sw").string()) + " -q --jobs 2");
  BOOST_REQUIRE_MESSAGE(sw.exit_code == 0, sw.err);
  auto r = testing::mindset("inspect " + quote((dir / "sw").string()));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto ls = lines(r.out);
  BOOST_REQUIRE_EQUAL(ls.size(), 6u);
  BOOST_TEST(contains(ls[0], "4 runs over training.learning_rate, model.layers[0].units, sorted by test_accuracy"), ls[0]);
  for (const char* col : {"run_id", "training.learning_rate", "model.layers[0].units", "status", "final_cost", "test_accuracy"})
    BOOST_TEST(contains(ls[1], col), ls[1]);
  BOOST_TEST(!contains(ls[1], "error"));  // file and error columns are left out of the table
  double prev = 2;
  for (std::size_t i = 2; i < ls.size(); ++i) {
    const std::string id = ls[i].substr(2, ls[i].find(' ', 2) - 2);
    const double acc = metric(dir / "sw" / "runs" / (id + ".h5"), "test_accuracy");
    BOOST_TEST(acc <= prev, ls[i]);
    prev = acc;
    BOOST_TEST((ls[i][0] == '*') == (i == 2), ls[i]);
  }
  auto c = testing::mindset("inspect " + quote((dir / "sw").string()) + " --sort wall_seconds");
  BOOST_TEST(c.exit_code == 0, c.err);
  BOOST_TEST(contains(c.out, "sorted by wall_seconds (lowest first)"), c.out);
  expect_bad(testing::mindset("inspect " + quote((dir / "sw").string()) + " --sort run_id"), {"column 'run_id' holds text"});
}
