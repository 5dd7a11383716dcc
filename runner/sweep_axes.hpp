// Internal to the sweep planner: the swept keys and their values, before runs are resolved.
#pragma once

#include <string>
#include <vector>

#include "errors.hpp"
#include "options.hpp"

namespace mindset {

// One value a swept key takes, and how it reads in a run id.
struct Choice {
  ConfigNode value;
  std::string token;  // "0.01", "tanh", "v2" (the 2nd value, for lists and maps)
};

// A swept key: its override path as written ("+key" adds a key), where it was written, its values.
struct Axis {
  std::string key;
  Mark mark;
  std::vector<Choice> choices;
};

// The token of a value: numbers short, strings made file-name safe, sub-trees by position.
std::string choice_token(const ConfigNode& v, std::size_t position);

// Checks `random:` (already validated against its Spec) and draws its samples, numpy-exact:
// samples[trial][param], params in the order written (appended to `axes` with no choices).
// Problems go to `diags`.
std::vector<std::vector<Choice>> sample_random(const ConfigNode& random, std::vector<Axis>& axes, Diagnostics& diags);

}  // namespace mindset
