// Flow-map keys such as model.layers[0].units (see yaml_flow_keys.cpp): parse_yaml's retry.
#pragma once

#include <set>
#include <string>
#include <utility>

#include "options.hpp"

namespace mindset {

// The text with the brackets of every override-path key with an index inside a flow map read as
// parentheses; `keys` gets each such key's 1-based (line, column).
std::string swap_flow_key_brackets(const std::string& text, std::set<std::pair<int, int>>& keys);

// Turns those keys' parentheses back into brackets in the parsed tree.
void restore_flow_keys(ConfigNode& node, const std::set<std::pair<int, int>>& keys);

}  // namespace mindset
