// Hostile input files (docs/reliability.md, section 8): absurd CSV lines and HDF5 shapes are
// refused before memory is spent on them; files on which libhdf5 itself crashes or loops forever
// (data files, results files, sweep summaries) are one line and exit 2, not a crash or a hang.
#define BOOST_TEST_MODULE hostile_input
#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>

#include "csv_reader.hpp"
#include "fault_testing.hpp"
#include "sweep_testing.hpp"

using sweep_testing::contains;
using testing::quote;
namespace fs = std::filesystem;

#if defined(__SANITIZE_ADDRESS__)
#define MINDSET_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MINDSET_ASAN 1
#endif
#endif

namespace {

// Peak memory (MiB) of a command and its exit code.
std::pair<int, long> measured(const std::string& command) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", (command + " >/dev/null 2>&1").c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  rusage ru{};
  ::wait4(pid, &status, 0, &ru);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), ru.ru_maxrss / 1024};
}

std::size_t lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

// A 1 GiB line streamed into the CSV reader, in a child whose address space is capped (under
// ASan, which reserves terabytes of shadow memory, only its peak memory is checked).
BOOST_AUTO_TEST_CASE(a_gigabyte_csv_line_is_refused_within_bounded_memory) {
  testing::TempDir t;
  const fs::path fifo = t / "stream.csv";
  BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  for (const std::string shape : {"field", "quoted", "fields"}) {
    BOOST_TEST_CONTEXT(shape) {
      pid_t writer = ::fork();
      if (writer == 0) {
        std::signal(SIGPIPE, SIG_DFL);
        std::FILE* f = std::fopen(fifo.c_str(), "wb");
        if (!f) ::_exit(1);
        std::string chunk = shape == "fields" ? std::string(1 << 20, ',') : std::string(1 << 20, 'x');
        std::fputs(shape == "quoted" ? "a,y\n1,\"" : "a,y\n1,", f);
        for (int i = 0; i < 1024; ++i)  // 1 GiB, unless the reader hangs up first
          if (std::fwrite(chunk.data(), 1, chunk.size(), f) != chunk.size()) ::_exit(0);
        std::fputs("\n", f);
        ::_exit(2);  // the reader read it all: no cap
      }
      pid_t reader = ::fork();
      if (reader == 0) {
#ifndef MINDSET_ASAN
        rlimit as{std::size_t(512) << 20, std::size_t(512) << 20};  // far below the line's 1 GiB
        rlimit now{};
        ::getrlimit(RLIMIT_AS, &now);
        std::ifstream status("/proc/self/status");
        std::string key;
        long kb = 0;
        while (status >> key && key != "VmSize:") status.ignore(1 << 10, '\n');
        status >> kb;
        as.rlim_cur = as.rlim_max = std::min<rlim_t>(now.rlim_max, static_cast<rlim_t>(kb) * 1024 + (std::size_t(256) << 20));
        ::setrlimit(RLIMIT_AS, &as);
#endif
        try {
          mindset::CsvReader r(fifo.string());
          std::vector<mindset::CsvField> fields;
          std::size_t n = 0;
          while (r.next(fields, n)) {
          }
          ::_exit(3);  // read to the end: no cap
        } catch (const mindset::UserError& e) {
          const std::string m = e.what();
          ::_exit(m.find("longer than") != std::string::npos || m.find("more than 65536 fields") != std::string::npos ? 0 : 4);
        } catch (const std::bad_alloc&) {
          ::_exit(5);
        }
      }
      int rs = 0, ws = 0;
      rusage ru{};
      ::wait4(reader, &rs, 0, &ru);
      ::waitpid(writer, &ws, 0);
      BOOST_TEST(WIFEXITED(rs));
      BOOST_TEST(WEXITSTATUS(rs) == 0, "reader exit " << WEXITSTATUS(rs) << " (3: no cap, 4: wrong message, 5: out of memory)");
      BOOST_TEST(ru.ru_maxrss / 1024 < 400, "peak " << ru.ru_maxrss / 1024 << " MiB");
      BOOST_TEST(!(WIFEXITED(ws) && WEXITSTATUS(ws) == 2), "the whole line was read");
    }
  }
  // From the command line: a 1 GiB file (sparse past its first MiBs), one clear line, exit 2.
  const fs::path big = t / "big.csv";
  {
    std::ofstream f(big, std::ios::binary);
    f << "a,y\n1,0\n2," << std::string(std::size_t(3) << 20, 'x');
  }
  fs::resize_file(big, std::size_t(1) << 30);
  const fs::path cfg = t.write("big.yaml", "data: {train: {type: csv, path: big.csv, label: y}}\n"
                                           "model: {layers: [{units: 1, activation: sigmoid}]}\n"
                                           "training: {learning_rate: 0.1, iterations: 2}\n");
  auto [code, peak] = measured(testing::mindset_bin() + " train " + quote(cfg.string()) + " -o " + quote((t / "o.h5").string()));
  BOOST_TEST(code == 2);
  BOOST_TEST(peak < 400, "peak " << peak << " MiB");
  auto r = testing::mindset("train " + quote(cfg.string()) + " -o " + quote((t / "o.h5").string()));
  BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, r.err);
  BOOST_TEST(contains(r.err, "error: " + big.string() + ":3:3: "), r.err);
  BOOST_TEST(contains(r.err, "a field longer than 1 MiB starts here"), r.err);
  BOOST_TEST(!fs::exists(t / "o.h5"));
}

BOOST_AUTO_TEST_CASE(absurd_hdf5_shapes_and_types_are_refused_before_allocating) {
  testing::TempDir t;
  auto py = testing::run(testing::python() + " -c " + quote(R"(
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], 'w') as f:
    f['x'] = np.zeros((4, 2)); f['y'] = np.array([0, 1, 0, 1])
    f.create_dataset('x_huge', shape=(10**12, 10**6), dtype='f8', chunks=(1, 1000))
    f.create_dataset('y_huge', shape=(10**15,), dtype='i8', chunks=(1000,))
    f.create_dataset('names_huge', shape=(10**13,), dtype=h5py.string_dtype(), chunks=(1000,))
    f.create_dataset('names_wide', shape=(3,), dtype='S1000000000', chunks=(1,))
    f['compound'] = np.zeros(4, dtype=[('a', 'f8'), ('b', 'i4')])
    f['enum'] = np.array([0, 1, 0, 1], dtype=h5py.enum_dtype({'no': 0, 'yes': 1}, basetype='i1'))
    f['opaque'] = np.zeros(4, dtype='V8')
    f['ragged'] = np.array([np.zeros(2), np.zeros(3), np.zeros(1), np.zeros(2)], dtype=h5py.vlen_dtype('f8'))
    f['half'] = np.array([[0.5, 1.5]] * 4, dtype='f2')
)") + " " + quote((t / "a.h5").string()));
  BOOST_REQUIRE_MESSAGE(py.exit_code == 0, py.err);
  struct Case {
    std::string source, message;
  };
  const std::vector<Case> cases = {
      {"features: x_huge, labels: y", "declares shape (1000000000000, 1000000)"},
      {"features: x, labels: y_huge", "features have 4 examples but labels have 1000000000000000"},
      {"features: x, labels: y, classes: names_huge", "declares 10000000000000 class names; at most 1000000 are read"},
      {"features: x, labels: y, classes: names_wide", "declares class names of 1000000000 bytes each; at most 65536"},
      {"features: compound, labels: y", "holds non-numeric values; expected integers or floats"},
      {"features: x, labels: enum", "holds non-numeric values"},
      {"features: opaque, labels: y", "holds non-numeric values"},
      {"features: ragged, labels: y", "holds non-numeric values"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.source) {
      fs::remove(t / "o.h5");
      const fs::path cfg = t.write("h.yaml", "data: {train: {type: hdf5, path: a.h5, " + c.source + "}}\n"
                                             "model: {layers: [{units: 1, activation: sigmoid}]}\n"
                                             "training: {learning_rate: 0.1, iterations: 2}\n");
      const std::string cmd = testing::mindset_bin() + " train " + quote(cfg.string()) + " -o " + quote((t / "o.h5").string());
      auto [code, peak] = measured(cmd);
      BOOST_TEST(code == 2);
      BOOST_TEST(peak < 400, "peak " << peak << " MiB");
      auto r = testing::run(cmd);
      BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, r.err);
      BOOST_TEST(contains(r.err, c.message), r.err);
      BOOST_TEST(!fs::exists(t / "o.h5"));
    }
  }
  // Half floats are floats: read and trained on.
  const fs::path cfg = t.write("h.yaml", "data: {train: {type: hdf5, path: a.h5, features: half, labels: y}}\n"
                                         "model: {layers: [{units: 1, activation: sigmoid}]}\n"
                                         "training: {learning_rate: 0.1, iterations: 2}\n");
  auto r = testing::mindset("train " + quote(cfg.string()) + " -o " + quote((t / "o.h5").string()) + " --quiet");
  BOOST_TEST(r.exit_code == 0, r.err);
}

// A damaged file on which libhdf5 1.10 itself segfaults (found by fuzzing): mindset reads HDF5
// data in a child process, so this is one line naming the file, exit 2, and no results.
BOOST_AUTO_TEST_CASE(a_file_that_crashes_libhdf5_is_an_error_not_a_crash) {
  testing::TempDir t;
  const std::string input = testing::slurp(testing::source_dir() / "fuzz/regressions/hdf5/libhdf5_segfault_in_H5F__accum_read");
  BOOST_REQUIRE(input.find('\n') != std::string::npos);
  t.write("damaged.h5", input.substr(input.find('\n') + 1));
  const fs::path cfg = t.write("d.yaml", "data: {train: {type: hdf5, path: damaged.h5, features: x, labels: y}}\n"
                                         "model: {layers: [{units: 1, activation: sigmoid}]}\n"
                                         "training: {learning_rate: 0.1, iterations: 2}\n");
  // Reading in process, libhdf5 crashes: the reason for the child process.
  auto raw = testing::run("MINDSET_IN_PROCESS=1 " + testing::mindset_bin() + " train " + quote(cfg.string()) + " -o " +
                          quote((t / "o.h5").string()));
  BOOST_TEST((raw.exit_code != 0 && raw.exit_code != 2), "exit " << raw.exit_code << ": libhdf5 no longer crashes on this file?");
  auto r = testing::mindset("train " + quote(cfg.string()) + " -o " + quote((t / "o.h5").string()));
  BOOST_TEST(r.exit_code == 2, r.err);
#ifdef MINDSET_ASAN
  // The sanitizer reports the child's crash on stderr, then the child exits 1.
  BOOST_TEST(contains(r.err, "data.train.path: reading " + (t / "damaged.h5").string() +
                                 " crashed the HDF5 library (the reading process "), r.err);
#else
  BOOST_TEST(r.err == "error: " + cfg.string() + ":1:34: data.train.path: reading " + (t / "damaged.h5").string() +
                          " crashed the HDF5 library (the reading process was killed by signal 11 (Segmentation fault)); "
                          "the file is damaged, or not an HDF5 file this library can read\n");
#endif
  BOOST_TEST(!fs::exists(t / "o.h5"));
}

// Results files on which libhdf5 1.10 segfaults or loops forever (found by the results fuzz
// target, fuzz/regressions/results/): inspect, predict and train --resume read a results file
// first in a child process, killed after MINDSET_READ_TIMEOUT seconds.
BOOST_AUTO_TEST_CASE(results_files_that_crash_or_hang_libhdf5_are_errors) {
  testing::TempDir t;
  const fs::path regressions = testing::source_dir() / "fuzz/regressions/results";
  const fs::path crash = t.write("crash/run.h5", testing::slurp(regressions / "libhdf5_segfault_in_H5HG_read_of_a_string_attribute"));
  const fs::path hang = t.write("hang/run.h5", testing::slurp(regressions / "libhdf5_loops_forever_in_H5HG_read_of_a_string_attribute"));
  // Read in process, libhdf5 crashes: the reason for the child process.
  auto raw = testing::run("MINDSET_IN_PROCESS=1 " + testing::mindset_bin() + " inspect " + quote(crash.string()));
  BOOST_TEST((raw.exit_code != 0 && raw.exit_code != 2), "exit " << raw.exit_code << ": libhdf5 no longer crashes on this file?");

  const fs::path cfg = t.write("c.yaml", "data: {train: {type: flower, examples: 20}}\n"
                                         "model: {layers: [{units: 1, activation: sigmoid}]}\n"
                                         "training: {learning_rate: 0.1, iterations: 2}\n");
  for (const fs::path& file : {crash, hang}) {
    const bool hangs = file == hang;
#ifdef MINDSET_ASAN
    // The sanitizer reports the child's crash on stderr, then the child exits 1.
    const std::string why = hangs ? "did not finish within 1 s in the HDF5 library (which loops forever on some damaged files; "
                                    "MINDSET_READ_TIMEOUT=SECONDS allows more time); the file is damaged"
                                  : "crashed the HDF5 library (the reading process ";
#else
    const std::string why = hangs ? "did not finish within 1 s in the HDF5 library (which loops forever on some damaged files; "
                                    "MINDSET_READ_TIMEOUT=SECONDS allows more time); the file is damaged"
                                  : "crashed the HDF5 library (the reading process was killed by signal 11 (Segmentation "
                                    "fault)); the file is damaged, or not an HDF5 file this library can read\n";
#endif
    const std::string out = (t / "p.csv").string();
    std::vector<std::string> commands = {"inspect " + quote(file.string()), "inspect " + quote(file.parent_path().string()),
                                         "predict " + quote(file.string()) + " -o " + quote(out)};
    // --resume reads the status and config of a results file at -o (the crash is in another attribute).
    if (hangs) commands.push_back("train " + quote(cfg.string()) + " -o " + quote(file.string()) + " --resume --quiet");
    for (const std::string& args : commands) {
      BOOST_TEST_CONTEXT(args) {
        auto r = testing::run("MINDSET_READ_TIMEOUT=1 " + testing::mindset_bin() + " " + args);
        BOOST_TEST(r.exit_code == 2, r.err);
        BOOST_TEST(contains(r.err, "error: " + file.string() + ": reading it " + why), r.err);
        BOOST_TEST(r.out == "");
#ifndef MINDSET_ASAN
        BOOST_TEST(lines(r.err) == 1u, r.err);
#endif
        BOOST_TEST(!fs::exists(out));
      }
    }
  }
  // Without --resume the file at -o is not read: a new run replaces it.
  auto r = testing::mindset("train " + quote(cfg.string()) + " -o " + quote(crash.string()) + " --quiet");
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(testing::mindset("inspect " + quote(crash.string())).exit_code == 0);
}

