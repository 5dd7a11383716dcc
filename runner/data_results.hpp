// The /data group of a results file: per split its provenance (source type, path, SHA-256, m,
// n, class balance, split), the feature names, the encoding of tabular data and the fitted
// preprocessing steps (enough for `predict` to prepare new examples the same way).
#pragma once

#include <hdf5.h>

#include "dataset.hpp"

namespace mindset {

void write_data_group(hid_t root, const DataBundle& data);

}  // namespace mindset
