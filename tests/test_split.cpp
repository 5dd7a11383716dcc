// Seeded, stratified splits against the numpy algorithm of runner/split.hpp (reference made by
// tests/reference/make_data_reference.py), and the splits load_data makes from a config.
#define BOOST_TEST_MODULE split
#include "split.hpp"

#include "data_testing.hpp"

using testing::TempDir;

namespace {

const std::vector<double>& reference(const std::string& label) {
  static const auto r = testing::read_reference("data_reference.txt");
  auto it = r.find(label);
  BOOST_REQUIRE_MESSAGE(it != r.end(), "reference lacks " + label);
  return it->second;
}

std::vector<double> as_doubles(const std::vector<std::size_t>& v) { return {v.begin(), v.end()}; }

}  // namespace

BOOST_AUTO_TEST_CASE(plans_match_numpy) {
  const std::vector<double>& y = reference("split_y");
  struct Case {
    double test, val;
    std::uint32_t seed;
    bool stratify;
    const char* label;
  };
  for (const Case& c : {Case{0.25, 0.0, 1, true, "split_0.25_0_1_1"}, Case{0.25, 0.0, 1, false, "split_0.25_0_1_0"},
                        Case{0.2, 0.1, 7, true, "split_0.2_0.1_7_1"},
                        Case{0.3, 0.15, 4294967295u, false, "split_0.3_0.15_4294967295_0"}}) {
    mindset::SplitPlan p = mindset::plan_split(y, c.test, c.val, c.seed, c.stratify);
    BOOST_TEST_CONTEXT(c.label) {
      BOOST_TEST(as_doubles(p.train) == reference(std::string(c.label) + "_train"), boost::test_tools::per_element());
      BOOST_TEST(as_doubles(p.test) == reference(std::string(c.label) + "_test"), boost::test_tools::per_element());
      // An empty reference line reads as an empty vector.
      BOOST_TEST(as_doubles(p.validation) == reference(std::string(c.label) + "_validation"), boost::test_tools::per_element());
      BOOST_TEST(p.train.size() + p.test.size() + p.validation.size() == y.size());
    }
  }
}

BOOST_AUTO_TEST_CASE(stratified_splits_keep_class_shares) {
  std::vector<double> y(1000, 0.0);
  for (std::size_t j = 0; j < 1000; j += 10) y[j] = 1;  // 10% positives
  mindset::SplitPlan p = mindset::plan_split(y, 0.2, 0.1, 3, true);
  auto positives = [&](const std::vector<std::size_t>& idx) {
    std::size_t n = 0;
    for (auto j : idx) n += y[j] == 1;
    return n;
  };
  BOOST_TEST(p.test.size() == 200u);
  BOOST_TEST(positives(p.test) == 20u);
  BOOST_TEST(positives(p.validation) == 10u);
  BOOST_TEST(positives(p.train) == 70u);
}

BOOST_AUTO_TEST_CASE(take_examples_selects_columns) {
  mindset::Dataset d;
  d.x = {{1, 2, 3, 4}, {5, 6, 7, 8}};
  d.y = {0, 1, 0, 1};
  d.classes = {"a", "b"};
  mindset::Dataset t = mindset::take_examples(d, {1, 3});
  xt::xtensor<double, 2> expect = {{2, 4}, {6, 8}};
  BOOST_TEST((t.x == expect));
  BOOST_TEST((t.y == std::vector<double>{1, 1}));
  BOOST_TEST(t.classes == d.classes, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(load_data_splits_train_test_and_validation) {
  TempDir d;
  auto b = testing::load_bundle(d, "seed: 9\n"
                                   "data: {train: {type: blobs, examples: 100, seed: 1}, test_fraction: 0.2, validation_fraction: 0.1}\n" +
                                       std::string(testing::kTinyModel));
  BOOST_REQUIRE(b.test);
  BOOST_REQUIRE(b.validation);
  BOOST_TEST(b.train.m() == 70u);
  BOOST_TEST(b.test->m() == 20u);
  BOOST_TEST(b.validation->m() == 10u);
  BOOST_TEST(b.test->provenance.get_string("split") == "test");
  BOOST_TEST(b.test->provenance.get_integer("split_seed") == 9);  // the experiment's seed by default
  BOOST_TEST(b.train.provenance.get_string("class_balance") == "0: 35 (50.0%), 1: 35 (50.0%)");
  // The same examples as the plan from the seed: the test split's first point.
  auto whole = testing::load_source(d, "{type: blobs, examples: 100, seed: 1}");
  auto plan = mindset::plan_split(whole.y, 0.2, 0.1, 9, true);
  BOOST_TEST(b.test->x(0, 0) == whole.x(0, plan.test[0]));
  BOOST_TEST(b.validation->x(1, 3) == whole.x(1, plan.validation[3]));
  // split_seed overrides; stratify: false changes the plan.
  auto c = testing::load_bundle(d, "data: {train: {type: blobs, examples: 100, seed: 1}, test_fraction: 0.2, split_seed: 4, stratify: false}\n" +
                                       std::string(testing::kTinyModel));
  auto plan2 = mindset::plan_split(whole.y, 0.2, 0, 4, false);
  BOOST_TEST(c.test->x(0, 5) == whole.x(0, plan2.test[5]));
  BOOST_TEST(!c.validation);
}

BOOST_AUTO_TEST_CASE(split_errors) {
  TempDir d;
  auto err = [&](const std::string& data) {
    return testing::user_error([&] { testing::load_bundle(d, data + "\n" + testing::kTinyModel); });
  };
  MINDSET_CHECK_ERROR(err("data: {train: {type: blobs, examples: 20}, test_fraction: 0.01}"), "exp.yaml:1:",
                      "data.test_fraction:", "leaves the test split empty");
  MINDSET_CHECK_ERROR(err("data: {train: {type: blobs, examples: 20}, validation_fraction: 0.02}"),
                      "data.validation_fraction:", "leaves the validation split empty");
  MINDSET_CHECK_ERROR(err("data: {train: {type: blobs}, test: {type: moons}, test_fraction: 0.2}"), "data.test_fraction",
                      "remove one of them");
  MINDSET_CHECK_ERROR(err("data: {train: {type: blobs}, test_fraction: 0.6, validation_fraction: 0.4}"),
                      "data.validation_fraction", "must be below 1");
  MINDSET_CHECK_ERROR(err("data: {train: {type: blobs}, test_fraction: 1.5}"), "data.test_fraction", "< 1");
}
