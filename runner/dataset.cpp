#include "dataset.hpp"

#include <fstream>

namespace mindset {

std::uint64_t available_memory() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::uint64_t kb = 0;
  std::string unit;
  while (in >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024;
  return std::uint64_t(8) << 30;  // unknown: assume 8 GiB
}

void check_data_config(const ConfigNode& data, Diagnostics& diags) {
  const ConfigNode* tf = data.find("test_fraction");
  const ConfigNode* vf = data.find("validation_fraction");
  if (tf && data.find("test"))
    diags.add(tf->mark(), "data.test_fraction",
              "data.test is given, so no test split is made from data.train; remove one of them");
  if (tf && vf && tf->is_number() && vf->is_number() && tf->as_number() + vf->as_number() >= 1)
    diags.add(vf->mark(), "data.validation_fraction",
              "test_fraction + validation_fraction must be below 1 (found " + tf->text() + " + " + vf->text() +
                  "), or nothing is left to train on");
}

}  // namespace mindset
