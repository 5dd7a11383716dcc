// The fuzz targets' inputs replayed in the normal suite (and under ASan/UBSan in the sanitizer
// suite): every seed in fuzz/corpus/<target>/ and every input that once crashed a target,
// kept in fuzz/regressions/<target>/ (named after the bug it found). Each goes through the
// very code the fuzzer runs (fuzz/targets.cpp): only UserErrors may come out; a property
// failure aborts (the last checkpoint names the input).
#define BOOST_TEST_MODULE fuzz_corpus
#include <algorithm>

#include "targets.hpp"
#include "testing.hpp"

namespace fs = std::filesystem;

namespace {

using Target = int (*)(const std::uint8_t*, std::size_t);

// The inputs of one target, seeds and regressions, in name order.
std::vector<fs::path> inputs(const std::string& target, const std::string& kind) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(testing::source_dir() / "fuzz" / kind / target, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file() && it->path().filename().string()[0] != '.') out.push_back(it->path());
  std::sort(out.begin(), out.end());
  return out;
}

std::size_t replay(const std::string& target, Target run) {
  std::size_t n = 0;
  for (const std::string kind : {"corpus", "regressions"})
    for (const fs::path& p : inputs(target, kind)) {
      const std::string bytes = testing::slurp(p);
      BOOST_TEST_CHECKPOINT(p.string());
      try {
        run(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
      } catch (const std::exception& e) {
        BOOST_ERROR(p.string() << ": a " << typeid(e).name() << " escaped (only UserErrors are expected): " << e.what());
      }
      ++n;
    }
  BOOST_TEST_MESSAGE(target << ": " << n << " inputs replayed");
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(config_inputs) { BOOST_TEST(replay("config", mindset_fuzz::config) >= 20u); }
BOOST_AUTO_TEST_CASE(csv_inputs) { BOOST_TEST(replay("csv", mindset_fuzz::csv) >= 5u); }
BOOST_AUTO_TEST_CASE(hdf5_inputs) { BOOST_TEST(replay("hdf5", mindset_fuzz::hdf5) >= 5u); }
BOOST_AUTO_TEST_CASE(sweep_inputs) { BOOST_TEST(replay("sweep", mindset_fuzz::sweep) >= 5u); }
BOOST_AUTO_TEST_CASE(results_inputs) { BOOST_TEST(replay("results", mindset_fuzz::results) >= 7u); }

BOOST_AUTO_TEST_CASE(override_lines_are_split_off) {
  std::string text;
  std::vector<std::string> o;
  mindset_fuzz::split_overrides("a: 1\n#overrides\nx=1\n\ny=2", text, o);
  BOOST_TEST(text == "a: 1\n");
  BOOST_TEST((o == std::vector<std::string>{"x=1", "y=2"}));
  mindset_fuzz::split_overrides("#overrides\nx=1\n", text, o);
  BOOST_TEST(text == "");
  BOOST_TEST((o == std::vector<std::string>{"x=1"}));
  mindset_fuzz::split_overrides("a: 1 #overrides\n", text, o);
  BOOST_TEST(text == "a: 1 #overrides\n");
  BOOST_TEST(o.empty());
}
