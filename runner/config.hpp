// Loading an experiment: read the YAML, follow `extends`, apply command-line overrides, validate
// against the schema, fill defaults. What comes out is the resolved config every later step
// reads, and what the results file stores.
#pragma once

#include <string>
#include <vector>

#include "errors.hpp"
#include "options.hpp"

namespace mindset {

struct Experiment {
  std::string config_path;             // absolute; "" for an experiment given inline
  std::vector<std::string> overrides;  // as given
  ConfigNode resolved;                 // validated, defaults filled, paths absolute
  std::string name;

  std::string yaml() const;            // the resolved config as YAML text
};

// One override: key.path=value (set), +key.path=value (add), ~key.path (remove).
struct Override {
  enum class Op { Set, Add, Remove };
  struct Segment {
    std::string key;       // a map key, or
    long long index = -1;  // a list index
  };
  Op op = Op::Set;
  std::string text;  // as given
  std::string path;  // "model.layers[0].units"
  std::vector<Segment> segments;
  ConfigNode value;
};

// Parses "key.path=value" (the value as YAML). Throws UserError.
Override parse_override(const std::string& text);
// An override of `path` ("key.path", "+key.path" to add, "~key.path" to remove) to a value already
// parsed, e.g. one read from a sweep file (its marks kept). `label` names it in messages (default
// "path=value"). Throws UserError for a bad path.
Override make_override(const std::string& path, ConfigNode value, const std::string& label = {});
// Applies one override to a config tree. Keys that are neither in the tree nor in the schema need
// `+`; errors name the closest existing key.
void apply_override(ConfigNode& root, const Override& o);

// Reads a config file and everything it extends, deep-merged (maps merge; lists and scalars
// replace). Throws UserError (cycles included).
ConfigNode load_with_extends(const std::string& path);
ConfigNode merge_configs(const ConfigNode& base, const ConfigNode& over);

// The whole pipeline from a file.
Experiment load_experiment(const std::string& path, const std::vector<std::string>& overrides);
// From a tree already read (sweeps build these); `origin` names it in messages and gives the
// default name.
Experiment resolve_experiment(ConfigNode raw, const std::string& origin, const std::vector<std::string>& overrides);

}  // namespace mindset
