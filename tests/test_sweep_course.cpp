// The sweep files in configs/ against published and numpy numbers: the course's learning-rate
// table (skips without the cat data) and the flower width sweep. Apart from test_sweep_run so
// that ctest -j runs these longer trainings beside it.
#define BOOST_TEST_MODULE sweep_course
#include <sstream>

#include "sweep_testing.hpp"

using namespace sweep_testing;
namespace fs = std::filesystem;
using testing::quote;

BOOST_FIXTURE_TEST_CASE(course_learning_rate_sweep_reproduces_the_published_table, Fixture) {
  fs::path data = testing::dataset_dir("catvnoncat");
  if (data.empty()) {
    BOOST_TEST_MESSAGE("skipped: ../shared/datasets/catvnoncat not found");
    return;
  }
  fs::path out = dir / "lr";
  auto r = testing::mindset(sweep(testing::source_dir() / "configs/catvnoncat/lr_sweep.yaml", out, "--jobs 2 -q") +
                            " data.train.path=" + quote((data / "train_catvnoncat.h5").string()) +
                            " data.test.path=" + quote((data / "test_catvnoncat.h5").string()));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto rows = read_csv(out / "summary.csv");
  std::ifstream ref(testing::source_dir().parent_path() / "shared/reference/learning_rate_sweep_catvnoncat.csv");
  std::string line;
  std::getline(ref, line);  // learning_rate,iterations,train_accuracy,test_accuracy
  BOOST_REQUIRE(rows.size() == 3u);
  for (const Row& row : rows) {
    BOOST_REQUIRE(std::getline(ref, line));
    std::stringstream ls(line);
    std::string lr, it, train, test;
    std::getline(ls, lr, ','), std::getline(ls, it, ','), std::getline(ls, train, ','), std::getline(ls, test, ',');
    BOOST_TEST(row.at("training.learning_rate") == lr);
    BOOST_TEST(row.at("status") == "completed");
    BOOST_TEST(row.at("train_accuracy") == train);  // the same doubles, printed the same way
    BOOST_TEST(row.at("test_accuracy") == test);
  }
}

// configs/flower/width_sweep.yaml's runs against the course's notebook code in numpy
// (tests/reference/width_sweep.txt, made by tests/reference/make_width_sweep.py). Widths 20 and
// 50 drift from numpy over 5000 iterations (summation order), so they are not compared here.
BOOST_FIXTURE_TEST_CASE(width_sweep_agrees_with_numpy, Fixture) {
  const auto ref = testing::read_reference("width_sweep.txt");
  fs::path s = dir.write("w.yaml", "experiment: " + (testing::source_dir() / "configs/flower/planar_tanh.yaml").string() +
                                       "\nset: {training.iterations: 5000}\ngrid:\n  model.layers[0].units: [1, 2, 3, 4, 5]\n");
  auto r = testing::mindset(sweep(s, dir / "out", "-q --jobs 2"));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto rows = read_csv(dir / "out" / "summary.csv");
  BOOST_REQUIRE(rows.size() == 5u);
  for (const Row& row : rows) {
    const auto& e = ref.at("units_" + row.at("model.layers[0].units"));
    BOOST_TEST(std::stod(row.at("train_accuracy")) == e[1]);
    BOOST_TEST(std::stod(row.at("final_cost")) == e[0], boost::test_tools::tolerance(1e-13));
  }
}

