// YAML text <-> ConfigNode. Parsing keeps every value's file:line:column, rejects duplicate
// keys (YAML forbids them; yaml-cpp would keep one silently), and refuses documents that would
// blow up memory: over 1 MiB, nesting deeper than 64, or aliases expanding past a node budget.
#pragma once

#include <memory>
#include <string>

#include "errors.hpp"
#include "options.hpp"

namespace mindset {

struct YamlLimits {
  std::size_t max_bytes = 1 << 20;
  std::size_t max_depth = 64;
  std::size_t max_nodes = 200000;  // after alias expansion
};

// Parses one YAML document. `file` names the source in marks (may be null for overrides).
// Throws UserError with every problem found (syntax errors stop at the first).
ConfigNode parse_yaml(const std::string& text, std::shared_ptr<const std::string> file,
                      const YamlLimits& limits = {});

// Reads and parses a file; errors name the file.
ConfigNode load_yaml_file(const std::string& path, const YamlLimits& limits = {});

// Block-style YAML text that parses back to an equal tree.
std::string emit_yaml(const ConfigNode& node);
// Single-line flow style, for messages and summaries: {units: 3, activation: relu}.
std::string emit_flow(const ConfigNode& node);

}  // namespace mindset
