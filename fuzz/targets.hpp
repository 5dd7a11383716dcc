// The fuzz targets' bodies, shared by the libFuzzer executables (fuzz/fuzz_<target>.cpp, built
// with -DMINDSET_FUZZ=ON and clang) and the normal test suite, which replays every committed seed
// and every input that once crashed (fuzz/corpus/<target>/, fuzz/regressions/<target>/) through
// the same code (tests/test_fuzz_corpus.cpp).
//
// Each target feeds one input to mindset the way a user's file would reach it. Bad input must end
// in a UserError (the one-line message, exit 2); anything else escaping — another exception, a
// crash, a sanitizer report, a broken round trip (checked with MINDSET_FUZZ_CHECK) — is a bug.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mindset_fuzz {

// A failed property: prints `what` and aborts, which libFuzzer reports as a crash.
[[noreturn]] void property_failed(const char* what, const std::string& detail);
#define MINDSET_FUZZ_CHECK(cond, detail) \
  do {                                   \
    if (!(cond)) ::mindset_fuzz::property_failed(#cond, detail); \
  } while (0)

// A private folder for the targets' files (created once per process, removed at exit).
const std::string& work_dir();

// Input: a config (YAML), then optionally a line "#overrides" and one override per line.
// parse_yaml -> emit_yaml round trip -> resolve_experiment with the overrides -> the resolved
// config resolves to itself.
int config(const std::uint8_t* data, std::size_t size);

// Input: one line of extra csv-source options ("label: y, categorical: [c]"), then the CSV file.
// CsvReader over every record, then load_data through the csv source.
int csv(const std::uint8_t* data, std::size_t size);

// Input: one line of extra hdf5-source options ("features: x, labels: y"), then the HDF5 file.
// load_data through the hdf5 source, in process. libhdf5 1.10 itself crashes on some damaged
// files; mindset contains that by reading in a child process (runner/isolate.hpp). Unless
// MINDSET_FUZZ_PRESCREEN=0, each input is first tried in a child: when it crashes there inside
// libhdf5, the target checks instead that mindset's own (isolated) reading turns it into an error.
int hdf5(const std::uint8_t* data, std::size_t size);

// Input: a sweep file (YAML), then optionally "#overrides" and overrides. plan_sweep in a folder
// holding base.yaml, planar_tanh.yaml and logistic_regression.yaml (small flower experiments).
int sweep(const std::uint8_t* data, std::size_t size);

// Input: an HDF5 file, read as a results file (`mindset inspect`, `predict`'s reading of the
// network and data transforms) and as a sweep's summary.h5 (`mindset inspect DIR`). libhdf5's
// crashes and hangs are handled as in hdf5().
int results(const std::uint8_t* data, std::size_t size);

// Whether `step`, run in a child process, crashes inside libhdf5 (its stack holds a libhdf5
// frame), or is still inside libhdf5 after kHangSeconds. A crash elsewhere is not one: the caller
// reproduces it in process, for the sanitizer.
constexpr unsigned kHangSeconds = 5;
bool fails_in_libhdf5(const std::function<void()>& step);
// False when MINDSET_FUZZ_PRESCREEN=0 (scripts/fuzz.sh's fork mode: crashes are triaged after).
bool prescreen_enabled();

// Splits "text\n#overrides\nline\nline" into the text and the lines.
void split_overrides(const std::string& input, std::string& text, std::vector<std::string>& overrides);

}  // namespace mindset_fuzz
