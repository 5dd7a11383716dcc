// Helpers shared by the tests of the analysis commands (inspect, predict, gradcheck) and scripts:
// small configs, training them, and the checks every bad input gets.
#pragma once

#include <cmath>
#include <sstream>

#include "h5.hpp"
#include "testing.hpp"

namespace analysis_testing {

namespace fs = std::filesystem;
using testing::quote;

// The acceptance check's flower network: 2 -> 4 tanh -> 1 sigmoid, a 25% test split.
inline const char* kFlower = R"(name: flower_tanh
seed: 2
data: {train: {type: flower}, test_fraction: 0.25}
model:
  init: {type: normal, scale: 0.01}
  layers: [{units: 4, activation: tanh}, {units: 1, activation: sigmoid}]
training: {learning_rate: 1.2, iterations: 400, evaluate_every: 100}
)";

// A table: numeric x1, x2 (x2 sometimes missing), a categorical colour; label y. The label is
// mostly determined by the features, so a logistic regression learns it.
inline std::string table_csv(int rows, bool with_label = true, bool swap_columns = false) {
  std::ostringstream s;
  const char* colours[] = {"red", "green", "blue"};
  s << (swap_columns ? "colour,x2,x1" : "x1,x2,colour") << (with_label ? ",y" : "") << "\n";
  for (int i = 0; i < rows; ++i) {
    const double x1 = std::sin(i * 0.7) * 3, x2 = std::cos(i * 1.3) * 2;
    const std::string colour = colours[(i * 7) % 3];
    const bool missing = i % 9 == 4;
    const int y = (x1 + 0.5 * x2 + (colour == "red" ? 1.0 : -0.5)) > 0;
    std::ostringstream x2s;
    if (!missing) x2s << x2;
    if (swap_columns) s << colour << "," << x2s.str() << "," << x1;
    else s << x1 << "," << x2s.str() << "," << colour;
    if (with_label) s << "," << y;
    s << "\n";
  }
  return s.str();
}

inline std::string table_config(const fs::path& csv) {
  return "name: table\nseed: 4\ndata:\n  train: {type: csv, path: " + csv.string() +
         ", label: y, categorical: [colour], missing: {x2: median}}\n  preprocess: [standardize]\n"
         "model:\n  layers: [{units: 1, activation: sigmoid}]\ntraining: {learning_rate: 0.5, iterations: 200}\n";
}

// Trains `config` (text) into dir/out; returns the results file.
inline fs::path train(const testing::TempDir& dir, const std::string& name, const std::string& config,
                      const std::string& args = "") {
  const fs::path cfg = dir.write(name + ".yaml", config);
  const fs::path out = dir / (name + ".h5");
  auto r = testing::mindset("train " + quote(cfg.string()) + " " + args + " -o " + quote(out.string()) + " --quiet");
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0 || r.exit_code == 3, "mindset train " + name + " failed: " + r.err);
  return out;
}

inline bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// Exit 2, one line "error: ..." on stderr with every part, nothing on stdout.
inline void expect_bad(const testing::Result& r, const std::vector<std::string>& parts) {
  BOOST_TEST(r.exit_code == 2, "exit " << r.exit_code << ", stderr: " << r.err);
  BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, "not one line: " << r.err);
  BOOST_TEST(r.err.rfind("error: ", 0) == 0, r.err);
  for (const auto& p : parts) BOOST_TEST(contains(r.err, p), "stderr lacks '" << p << "': " << r.err);
  BOOST_TEST(r.out.empty(), r.out);
}

inline double metric(const fs::path& run, const std::string& name) {
  mindset::h5::Handle f = mindset::h5::open_file(run.string());
  return mindset::h5::read_scalar(f.id(), "metrics/" + name);
}

// "%.6g" as inspect prints numbers.
inline std::string g6(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace analysis_testing
