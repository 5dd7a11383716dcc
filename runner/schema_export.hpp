// The config schema for people and editors: a JSON Schema (draft 2020-12) for editors and CI,
// the Markdown config reference (docs/config-reference.md), and the short texts `mindset list`
// prints. All are generated from experiment_spec() and the registries, never kept by hand, so a
// newly registered type or a new schema field appears everywhere at once.
#pragma once

#include <string>

#include "json.hpp"
#include "options.hpp"

namespace mindset {

// The JSON Schema of experiment configs. A config with `extends` is checked as a partial config
// (no required keys; it is completed by its base); one without is checked in full.
Json json_schema();
std::string json_schema_text();  // json_schema() pretty-printed, with a final newline

// docs/config-reference.md.
std::string config_reference_markdown();

// "integer >= 1", "number > 0, finite", "one of: float64, float32", "list of layer, at least 1".
std::string spec_type_text(const Spec& s);
// "required", a default value in YAML flow style, a computed default ("iterations/20"), or "".
std::string spec_default_text(const Spec& s);

}  // namespace mindset
