// The synthetic data sets against the numpy code of docs/data.md (tests/reference/
// make_data_reference.py): random draws bit for bit; values through sin/cos within a few ulp,
// because numpy's own sin/cos differ between CPUs (SVML on AVX-512, libm elsewhere).
#define BOOST_TEST_MODULE synthetic
#include <cmath>

#include "data_testing.hpp"

using testing::TempDir;

namespace {

const std::vector<double>& reference(const std::string& label) {
  static const auto r = testing::read_reference("data_reference.txt");
  auto it = r.find(label);
  BOOST_REQUIRE_MESSAGE(it != r.end(), "reference lacks " + label);
  return it->second;
}

// x (n x m, C order) and y against the reference; `ulps` = 0 demands bit equality.
void check(const std::string& label, const std::string& yaml, double tolerance) {
  TempDir d;
  mindset::Dataset ds = testing::load_source(d, yaml);
  const auto& x = reference(label + "_x");
  const auto& y = reference(label + "_y");
  BOOST_REQUIRE_EQUAL(ds.n() * ds.m(), x.size());
  BOOST_REQUIRE_EQUAL(ds.m(), y.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double got = ds.x.data()[i];
    if (tolerance == 0) BOOST_TEST(got == x[i], label << " x[" << i << "]");
    else BOOST_TEST(std::abs(got - x[i]) <= tolerance, label << " x[" << i << "]: " << got << " vs " << x[i]);
  }
  BOOST_TEST(ds.y == y, boost::test_tools::per_element());
  BOOST_TEST((ds.classes == std::vector<std::string>{"0", "1"}));
}

}  // namespace

BOOST_AUTO_TEST_CASE(moons) {
  check("moons_7_0.3_0", "{type: moons, examples: 7, noise: 0.3, seed: 0}", 4e-16);
  check("moons_10_0_3", "{type: moons, examples: 10, noise: 0, seed: 3}", 4e-16);
}

BOOST_AUTO_TEST_CASE(circles) {
  check("circles_9_0.1_2_0.5", "{type: circles, examples: 9, noise: 0.1, seed: 2, factor: 0.5}", 4e-16);
  check("circles_6_0.05_4294967295_0.3", "{type: circles, examples: 6, noise: 0.05, seed: 4294967295, factor: 0.3}", 4e-16);
}

BOOST_AUTO_TEST_CASE(blobs_bit_exact) {
  check("blobs_7_1.5_1_3d", "{type: blobs, examples: 7, noise: 1.5, seed: 1, centers: [[-1, 0.5, 2], [3, -2, 0.25]]}", 0);
  check("blobs_8_1_5_2d", "{type: blobs, examples: 8, seed: 5}", 0);  // default centres and noise
}

BOOST_AUTO_TEST_CASE(xor_bit_exact) {
  check("xor_9_0.1_1", "{type: xor, examples: 9, noise: 0.1, seed: 1}", 0);
  check("xor_6_0_42", "{type: xor, examples: 6, noise: 0, seed: 42}", 0);
}

BOOST_AUTO_TEST_CASE(gaussian_quantiles_bit_exact) {
  check("gaussian_quantiles_9_0_1_2", "{type: gaussian_quantiles, examples: 9, seed: 1}", 0);
  check("gaussian_quantiles_12_0.2_7_3", "{type: gaussian_quantiles, examples: 12, noise: 0.2, seed: 7, features: 3}", 0);
}

BOOST_AUTO_TEST_CASE(flower_matches_the_notebook) {
  check("flower_10_0.2_1", "{type: flower, examples: 10, seed: 1}", 1e-14);
}

BOOST_AUTO_TEST_CASE(seeds_decide_and_provenance_records_options) {
  TempDir d;
  auto a = testing::load_source(d, "{type: moons, examples: 50, seed: 4}");
  auto b = testing::load_source(d, "{type: moons, examples: 50, seed: 4}");
  auto c = testing::load_source(d, "{type: moons, examples: 50, seed: 5}");
  BOOST_TEST((a.x == b.x));
  BOOST_TEST(!(a.x == c.x));
  BOOST_TEST(a.provenance.get_string("type") == "moons");
  BOOST_TEST(a.provenance.get_integer("seed") == 4);
  BOOST_TEST(a.provenance.get_number("noise") == 0.2);
}

BOOST_AUTO_TEST_CASE(bad_options_and_impossible_sizes) {
  TempDir d;
  MINDSET_CHECK_ERROR(testing::user_error([&] { testing::load_source(d, "{type: blobs, centers: [[0, 0], [1]]}"); }),
                      "centers", "same number of coordinates");
  MINDSET_CHECK_ERROR(testing::user_error([&] {
                        testing::load_source(d, "{type: gaussian_quantiles, examples: 1000000000, features: 1000000}");
                      }),
                      "examples", "more memory than is available");
  MINDSET_CHECK_ERROR(testing::user_error([&] { testing::load_source(d, "{type: moons, examples: 1}"); }), "examples",
                      "must be >= 2");
  MINDSET_CHECK_ERROR(testing::user_error([&] { testing::load_source(d, "{type: circles, nosie: 0.1}"); }),
                      "unknown key 'nosie'", "did you mean 'noise'?");
}

BOOST_AUTO_TEST_CASE(every_generator_trains_from_the_cli) {
  TempDir d;
  for (const char* g : {"moons", "circles", "blobs", "xor", "gaussian_quantiles"}) {
    auto r = testing::train(d, std::string(g) + ".yaml",
                            std::string("data: {train: {type: ") + g + ", examples: 60, seed: 2}, test_fraction: 0.25}\n" +
                                "model: {init: he_normal, layers: [{units: 4, activation: relu}, {units: 1, activation: sigmoid}]}\n"
                                "training: {learning_rate: 0.5, iterations: 20}\n",
                            std::string(g) + ".h5");
    BOOST_TEST(r.exit_code == 0, g << ": " << r.err);
  }
}
