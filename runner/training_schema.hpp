// The training options beyond the core's (batch_size, epochs, schedule, l2, early_stopping,
// checkpoint_every), declared here and added to the schema's `training` map, with their
// cross-key checks.
#pragma once

#include "errors.hpp"
#include "options.hpp"

namespace mindset {

void add_training_fields(Spec& training);
// On a resolved config: exactly one of iterations/epochs, early stopping's monitor vs the loss.
void check_training(const ConfigNode& resolved, Diagnostics& diags);

}  // namespace mindset
