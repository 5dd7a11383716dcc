// The `results` fuzz target (targets.hpp): an HDF5 file read the ways `mindset inspect` and
// `mindset predict` read a results file, and as a sweep's summary.h5.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "analysis_commands.hpp"
#include "errors.hpp"
#include "h5.hpp"
#include "run_file.hpp"
#include "targets.hpp"

namespace fs = std::filesystem;
using namespace mindset;

namespace mindset_fuzz {

namespace {

// inspect's tables go to /dev/null while it runs. (Its error lines stay on stderr, which
// sanitizer reports need; scripts/fuzz.sh runs this target in libFuzzer's fork mode, whose jobs
// write to their own logs.)
class QuietStdout {
 public:
  QuietStdout() {
    std::fflush(stdout);
    saved_ = ::dup(1);
    const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    ::dup2(null, 1);
    ::close(null);
  }
  ~QuietStdout() {
    std::fflush(stdout);
    ::dup2(saved_, 1);
    ::close(saved_);
  }

 private:
  int saved_;
};

// What predict does with a results file before it reads any data: the network (in the given
// precision) with one forward pass.
template <class T>
void forward(const RunFile& r) {
  Network<T> net = load_network<T>(r, 3);
  std::vector<T> x(r.input_size * 3, T(0.5));
  CView<T> a = net.forward(CView<T>{x.data(), r.input_size, 3}, ForwardMode{false, nullptr});
  MINDSET_FUZZ_CHECK(a.cols == 3 && a.rows == net.output_size(), "the network's output has another shape");
}

// The results file as predict reads it. Only UserErrors may come out.
void read_run(const std::string& path) {
  try {
    const RunFile r = read_run_file(path);
    forward<double>(r);
    forward<float>(r);
    read_fitted_data(r);
  } catch (const UserError&) {
  }
}

int inspect(const std::string& path) {
  QuietStdout q;
  return cmd_inspect(InspectArgs{path, ""});
}

void check_exit(int code, const std::string& what) {
  MINDSET_FUZZ_CHECK(code == 0 || code == 2, "mindset inspect " + what + " exited " + std::to_string(code) +
                                                 " (1: an internal error, not a message about the file)");
}

}  // namespace

int results(const std::uint8_t* data, std::size_t size) {
  const std::string run = work_dir() + "/run.h5", sweep = work_dir() + "/sweep";
  std::error_code ec;
  fs::create_directories(sweep, ec);
  for (const std::string& path : {run, sweep + "/summary.h5"}) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    MINDSET_FUZZ_CHECK(out.good(), "writing " + path);
  }
  ::setenv("MINDSET_IN_PROCESS", "1", 1);  // in process, where coverage and ASan see mindset's code
  // As in hdf5(): an input on which libhdf5 itself crashes must be a one-line error when read as
  // users read it (mindset reads such files first in a child process).
  if (prescreen_enabled() && fails_in_libhdf5([&] { read_run(run), inspect(run); })) {
    ::setenv("MINDSET_IN_PROCESS", "0", 1);
    try {
      read_run_file(run);
      property_failed("a file that crashes libhdf5 was read", run);
    } catch (const UserError& e) {
      MINDSET_FUZZ_CHECK(std::string(e.what()).find("the HDF5 library") != std::string::npos,
                         std::string("not contained: ") + e.what());
    }
    MINDSET_FUZZ_CHECK(inspect(run) == 2, "inspect of a file that crashes libhdf5 did not exit 2");
    return 0;
  }
  read_run(run);
  check_exit(inspect(run), "FILE");
  ::setenv("MINDSET_IN_PROCESS", "1", 1);
  if (prescreen_enabled() && fails_in_libhdf5([&] { inspect(sweep); })) {
    ::setenv("MINDSET_IN_PROCESS", "0", 1);
    MINDSET_FUZZ_CHECK(inspect(sweep) == 2, "inspect of a summary that crashes libhdf5 did not exit 2");
    return 0;
  }
  check_exit(inspect(sweep), "SWEEP_DIR");
  MINDSET_FUZZ_CHECK(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) == 0, "HDF5 objects left open");
  return 0;
}

}  // namespace mindset_fuzz
