// Checks a config tree against a Spec: every error found (with file:line:column, key path, what
// is allowed and the closest valid name), defaults filled in, relative paths made absolute.
#pragma once

#include <string>

#include "errors.hpp"
#include "options.hpp"

namespace mindset {

// Validates `in` against `spec`, appending errors to `diags`. Returns the resolved value
// (defaults filled; names of registered types checked; paths absolute). Marks are kept.
ConfigNode validate(const ConfigNode& in, const Spec& spec, const std::string& path, Diagnostics& diags);

// The option spec of a registered type given as a name or {type: ...}, or null if unknown.
const Spec* object_options(const Spec& object_spec, const ConfigNode& value);

// Joins key paths: join_path("model", "layers") = "model.layers"; indices: "model.layers[0]".
std::string join_path(const std::string& base, const std::string& key);
std::string index_path(const std::string& base, std::size_t i);

// Absolute path of `p`, relative paths taken from the folder of the file that `mark` names (or
// the working directory for values given on the command line).
std::string resolve_path(const std::string& p, const Mark& mark);

}  // namespace mindset
