// mindset gradcheck: backprop against central differences, per layer, for the kinds of network
// configs describe (tanh/sigmoid, relu with dropout and L2, softmax, a linear regression). It
// passes on all of them, fails (exit 1, saying so) when the finite differences are too coarse to
// agree or the threshold is impossibly tight, and bad input is one line with exit 2.
#define BOOST_TEST_MODULE gradcheck
#include <regex>

#include "analysis_testing.hpp"

using namespace analysis_testing;

namespace {

testing::Result gradcheck(const fs::path& config, const std::string& args = "") {
  return testing::mindset("gradcheck " + quote(config.string()) + " " + args);
}

// The per-layer relative errors printed ("relative error 3.803e-09").
std::vector<double> relative_errors(const std::string& out) {
  std::vector<double> v;
  const std::regex re(R"(relative error ([0-9.e+-]+))");
  for (auto it = std::sregex_iterator(out.begin(), out.end(), re); it != std::sregex_iterator(); ++it)
    v.push_back(std::stod((*it)[1]));
  return v;
}

const char* kDeep = R"(name: deep
seed: 3
data: {train: {type: moons, examples: 40}}
model:
  init: he_normal
  layers:
    - {units: 6, activation: {type: leaky_relu, slope: 0.1}}
    - {type: dropout, rate: 0.3}
    - {units: 4, activation: tanh}
    - {units: 1, activation: sigmoid}
training: {learning_rate: 0.1, iterations: 10, l2: 0.7}
)";

}  // namespace

BOOST_AUTO_TEST_CASE(agrees_on_the_flower_network) {
  testing::TempDir dir;
  auto r = gradcheck(dir.write("f.yaml", kFlower));
  BOOST_TEST(r.exit_code == 0, r.out << r.err);
  BOOST_TEST(contains(r.out, "gradient check of flower_tanh: 17 parameters, 10 examples, float64, dropout off, l2 0"), r.out);
  BOOST_TEST(contains(r.out, "layer 1 (dense, tanh)"), r.out);
  BOOST_TEST(contains(r.out, "W (4, 2), b (4, 1)"), r.out);
  BOOST_TEST(contains(r.out, "layer 2 (dense, sigmoid)"), r.out);
  BOOST_TEST(contains(r.out, "ok: every layer's relative error is below 1e-07"), r.out);
  const auto errors = relative_errors(r.out);
  BOOST_REQUIRE_EQUAL(errors.size(), 2u);
  for (double e : errors) BOOST_TEST((e > 0 && e < 1e-7));
}

BOOST_AUTO_TEST_CASE(agrees_with_dropout_l2_softmax_and_regression) {
  testing::TempDir dir;
  auto deep = gradcheck(dir.write("deep.yaml", kDeep), "--examples 20");
  BOOST_TEST(deep.exit_code == 0, deep.out << deep.err);
  BOOST_TEST(contains(deep.out, "20 examples, float64, dropout off, l2 0.7"), deep.out);
  BOOST_TEST(relative_errors(deep.out).size() == 3u);  // the dropout layer has no parameters

  std::ostringstream three;
  three << "a,b,label\n";
  for (int i = 0; i < 30; ++i) three << std::cos(i * 2.1) << "," << std::sin(i * 1.7) << "," << i % 3 << "\n";
  auto soft = gradcheck(dir.write("soft.yaml", "data: {train: {type: csv, path: " + dir.write("t.csv", three.str()).string() +
                                                   ", label: label}}\nmodel: {layers: [{units: 4, activation: relu}, "
                                                   "{units: 3, activation: softmax}]}\nloss: categorical_cross_entropy\n"
                                                   "training: {learning_rate: 0.1, iterations: 1}\ndtype: float32\n"));
  BOOST_TEST(soft.exit_code == 0, soft.out << soft.err);
  BOOST_TEST(contains(soft.out, "float64 (the config trains in float32)"), soft.out);

  std::ostringstream reg;
  reg << "x,y\n";
  for (int i = 0; i < 12; ++i) reg << i * 0.3 << "," << 1.5 * i * 0.3 - 1 << "\n";
  auto mse = gradcheck(dir.write("mse.yaml", "data: {train: {type: csv, path: " + dir.write("r.csv", reg.str()).string() +
                                                 ", label: y}}\nmodel: {layers: [{units: 3, activation: tanh}, "
                                                 "{units: 1, activation: linear}]}\nloss: mse\n"
                                                 "training: {learning_rate: 0.1, iterations: 1}\n"));
  BOOST_TEST(mse.exit_code == 0, mse.out << mse.err);
}

BOOST_AUTO_TEST_CASE(relu_kinks_are_left_out_and_counted) {
  // configs/default.yaml: relu layers with zero biases. An example whose layer-1 units are all
  // off gives layer 2 an input of exactly 0, so moving b2 by epsilon crosses relu's kink: those
  // 3 entries are left out (and said to be); every other entry agrees.
  auto r = gradcheck(testing::source_dir() / "configs" / "default.yaml");
  BOOST_TEST(r.exit_code == 0, r.out << r.err);
  BOOST_TEST(contains(r.out, "3 at kinks"), r.out);
  BOOST_TEST(contains(r.out, "3 of 25 entries left out: moving them by epsilon moves a relu unit's input across 0"), r.out);
  for (double e : relative_errors(r.out)) BOOST_TEST(e < 1e-9);
}

BOOST_AUTO_TEST_CASE(a_sample_of_each_matrix) {
  testing::TempDir dir;
  auto r = gradcheck(dir.write("f.yaml", kFlower), "--entries 2");
  BOOST_TEST(r.exit_code == 0, r.out << r.err);
  // W1 (8 entries), b1 (4), W2 (4), b2 (1): 2 + 2 + 2 + 1 checked.
  BOOST_TEST(contains(r.out, "7 of 17 parameters (--entries 2 per matrix)"), r.out);
}

BOOST_AUTO_TEST_CASE(fails_when_differences_cannot_agree) {
  testing::TempDir dir;
  const fs::path cfg = dir.write("f.yaml", kFlower);
  // A step of 0.5: the central difference's truncation error is far above 1e-7.
  auto coarse = gradcheck(cfg, "--epsilon 0.5 model.init.scale=1.0");
  BOOST_TEST(coarse.exit_code == 1, coarse.out << coarse.err);
  BOOST_TEST(contains(coarse.out, "FAILED"), coarse.out);
  BOOST_TEST(contains(coarse.out, "FAILED: relative errors at or above 1e-07"), coarse.out);
  auto tight = gradcheck(cfg, "--threshold 1e-30");
  BOOST_TEST(tight.exit_code == 1, tight.out);
  // The reported errors are the same with any threshold.
  auto normal = gradcheck(cfg);
  BOOST_TEST(relative_errors(tight.out) == relative_errors(normal.out), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(bad_input) {
  testing::TempDir dir;
  const fs::path cfg = dir.write("f.yaml", kFlower);
  expect_bad(gradcheck(dir / "missing.yaml"), {"missing.yaml"});
  expect_bad(gradcheck(cfg, "--entries -1"), {"--entries: must be 0 (all) or more, found -1"});
  expect_bad(gradcheck(cfg, "--examples 0"), {"--examples: must be at least 1, found 0"});
  expect_bad(gradcheck(cfg, "--epsilon -1"), {"--epsilon: must be a positive number"});
  expect_bad(gradcheck(cfg, "--threshold 0"), {"--threshold: must be a positive number"});
  expect_bad(gradcheck(cfg, "training.learning_rat=2"), {"learning_rat", "did you mean 'training.learning_rate'"});
  expect_bad(gradcheck(dir.write("bad.yaml", "data: {train: {type: flower}}\nmodel: {layers: [{units: 0, activation: relu}]}\n"
                                             "training: {learning_rate: 0.1, iterations: 1}\n")),
             {"model.layers[0].units"});
  auto none = testing::mindset("gradcheck");
  BOOST_TEST(none.exit_code == 2);
  BOOST_TEST(contains(none.err, "config is required"), none.err);
}
