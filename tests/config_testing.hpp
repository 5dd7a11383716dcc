// Helpers for the config tests (test_config.cpp, test_yaml_tree.cpp): a small valid experiment
// and running `mindset validate` on variants of it, checking each error line's location.
#pragma once

#include <memory>

#include "testing.hpp"

namespace testing {

// A small valid experiment. Line numbers matter to the tests below.
const std::string kBase =
    "data: {train: {type: flower, examples: 40}}\n"   // 1
    "model:\n"                                        // 2
    "  layers:\n"                                     // 3
    "    - {units: 3, activation: tanh}\n"            // 4
    "    - {units: 1, activation: sigmoid}\n"         // 5
    "training: {learning_rate: 0.1, iterations: 2}\n";  // 6

inline std::string replace(std::string s, const std::string& from, const std::string& to) {
  std::size_t at = s.find(from);
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, "test bug: '" + from + "' not in the config");
  return s.replace(at, from.size(), to);
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

inline std::vector<std::string> error_lines(const Result& r) {
  std::vector<std::string> out;
  for (const auto& l : lines_of(r.err))
    if (l.rfind("error: ", 0) == 0) out.push_back(l);
  return out;
}

struct Checked {
  TempDir dir;
  fs::path file;
  Result r;
};

// Writes `yaml` as config.yaml in a fresh folder and runs `mindset validate` on it from `/`.
inline std::unique_ptr<Checked> validate(const std::string& yaml, const std::string& args = "") {
  auto c = std::make_unique<Checked>();
  c->file = c->dir.write("config.yaml", yaml);
  c->r = testing::run("cd / && " + testing::mindset_bin() + " validate " + testing::quote(c->file.string()) + " " + args);
  return c;
}

// Exit 2 and a line "error: FILE:WHERE: PATH: ...WHAT...".
inline void expect_error(const Checked& c, const std::string& where, const std::string& path, const std::string& what) {
  BOOST_TEST(c.r.exit_code == 2);
  BOOST_TEST(c.r.out.empty());
  std::string prefix = "error: " + c.file.string() + ":" + where + ": " + (path.empty() ? "" : path + ": ");
  bool found = false;
  for (const auto& l : error_lines(c.r))
    found = found || (l.rfind(prefix, 0) == 0 && l.find(what) != std::string::npos);
  BOOST_TEST(found, "no line starting '" << prefix << "' containing '" << what << "' in:\n" << c.r.err);
}


}  // namespace testing
