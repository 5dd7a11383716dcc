// libFuzzer entry for the sweep target (see targets.hpp); run with scripts/fuzz.sh.
#include "targets.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  mindset_fuzz::work_dir();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { return mindset_fuzz::sweep(data, size); }
