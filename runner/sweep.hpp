// Sweeps: one experiment, many runs. A sweep file names a base experiment, fixed overrides
// (`set`), a grid (Cartesian product, in the order written) and/or a seeded random search; every
// run is resolved and validated before any run starts. docs: README "Sweeps".
//
//   experiment: logistic_regression.yaml   # relative to the sweep file, or an inline map
//   set: {training.iterations: 1500}
//   grid: {training.learning_rate: [0.01, 0.001, 0.0001]}
//   random: {trials: 20, seed: 7, params: {training.learning_rate: {distribution: log_uniform, min: 1.0e-4, max: 1}}}
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "config.hpp"

namespace mindset {

struct SweepRun {
  std::size_t index = 0;           // position in grid order, 0-based
  std::string id;                  // readable and file-system safe: lr=0.01_units=20-3f9a1c
  std::string hash;                // 16 hex digits: config_hash of the resolved config
  std::vector<ConfigNode> values;  // one per SweepPlan::keys
  Experiment experiment;           // resolved and validated
};

struct SweepPlan {
  std::string name;                    // `name:` in the sweep file, else its stem
  std::string file;                    // the sweep file, absolute ("" when planned from text)
  std::string text;                    // the sweep file as written
  std::vector<std::string> overrides;  // from the command line, applied to every run
  std::vector<std::string> keys;       // swept keys: grid keys in order, then random params
  std::vector<SweepRun> runs;          // grid order; a combination equal to an earlier one is dropped
  std::size_t duplicates = 0;          // how many were dropped
};

// Reads, validates and expands a sweep file. Throws UserError naming file:line:column and, for a
// combination that does not validate, the run.
SweepPlan load_sweep(const std::string& path, const std::vector<std::string>& overrides);
// The same from text; `origin` names it in messages and anchors relative paths.
SweepPlan plan_sweep(const std::string& text, const std::string& origin, const std::vector<std::string>& overrides);

// Identity of a run: FNV-1a 64 of the resolved config written canonically (plain numbers as
// format_value writes them, so 0.10 and 0.1 are one run), as 16 hex digits.
std::string config_hash(const ConfigNode& resolved);
// A double as Python's repr() writes it: the shortest text that reads back to the same value.
std::string format_double(double v);
// A swept value as the summary writes it: numbers so they read back exactly, strings as they are,
// lists and maps in YAML flow style.
std::string format_value(const ConfigNode& v);
// Characters safe in a file name (letters, digits, . + - , @); others become '_'.
std::string id_safe(const std::string& s, std::size_t max_len);

}  // namespace mindset
