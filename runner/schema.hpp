// The experiment config schema, declared once. Validation, defaults, `mindset validate`, the
// JSON Schema and the config reference are all generated from it; registry-backed fields take
// their allowed names (and each type's options) from the registries.
#pragma once

#include "errors.hpp"
#include "options.hpp"

namespace mindset {

const Spec& experiment_spec();

// Checks that span several keys (the loss and the output layer agree, ...), on a resolved
// config. Appends to diags.
void check_experiment(const ConfigNode& resolved, Diagnostics& diags);

}  // namespace mindset
