// Dimension scales and descriptive attributes of a results file (see results_layout.cpp).
#pragma once

#include <hdf5.h>

#include "trainer.hpp"

namespace mindset {

// Called on a results file once every dataset is written: makes /history/iteration,
// /history/evaluated_at and /history/epoch dimension scales attached to the series measured at
// them, and adds long_name/units/description attributes (keeping any already set).
void describe_results(hid_t root, const TrainOutcome& out);

}  // namespace mindset
