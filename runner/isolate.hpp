// Running a step that may crash in a child process, so that the crash becomes an error message.
// The step is a third-party library reading a file mindset did not write: libhdf5 1.10 can
// segfault on a damaged HDF5 file (found by fuzzing, fuzz/regressions/hdf5/), which no check
// before opening the file can rule out. The child does the reading and streams its result back
// through a pipe; the parent reads it as it comes (no second copy of big data sets in the child's
// buffers). libhdf5 can also loop forever on a damaged file: the parent waits only so long
// (read_timeout()) before it kills the child. Set MINDSET_IN_PROCESS=1 to read in the process itself (for a debugger, and for the
// fuzz targets, whose coverage must be seen by libFuzzer).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

namespace mindset {

// One end of the pipe between the child and the parent.
class Channel {
 public:
  explicit Channel(int fd) : fd_(fd) {}
  void write(const void* data, std::size_t bytes);
  void read(void* data, std::size_t bytes);  // throws Channel::Closed when the writer is gone
  void put_u64(std::uint64_t v) { write(&v, sizeof v); }
  std::uint64_t get_u64();
  void put_string(const std::string& s);
  std::string get_string();
  // Reads give up (TimedOut) at this moment.
  void set_deadline(std::chrono::steady_clock::time_point t) { deadline_ = t, has_deadline_ = true; }

  struct Closed : std::runtime_error {
    Closed() : std::runtime_error("the child process ended before sending its result") {}
  };
  struct TimedOut : std::runtime_error {
    TimedOut() : std::runtime_error("the child process did not finish in time") {}
  };

 private:
  int fd_;
  bool has_deadline_ = false;
  std::chrono::steady_clock::time_point deadline_;
};

// The child died from a signal, exited without sending its result, or did not finish in time.
struct ChildCrashed : std::runtime_error {
  explicit ChildCrashed(const std::string& what, int sig, double timeout = 0)
      : std::runtime_error(what), signal(sig), timed_out_after(timeout) {}
  int signal;              // 0 when it exited
  double timed_out_after;  // seconds, when the parent gave up waiting (then killed it); else 0
};

// What went wrong reading an HDF5 file in a child, for a message "reading FILE <this>; the file
// is damaged...": "crashed the HDF5 library (the reading process was killed by signal 11 (...))"
// or "did not finish within 60 s in the HDF5 library (...)".
std::string hdf5_failure(const ChildCrashed& c);

// How long reading `path` in a child may take: MINDSET_READ_TIMEOUT seconds when set, else 60 s
// plus a second per 16 MiB of the file.
double read_timeout(const std::string& path);

// False when MINDSET_IN_PROCESS is set (to anything but 0).
bool isolation_enabled();

// Forks: the child runs `child` writing to its Channel, then exits; here `parent` reads from its
// Channel. Returns once the child has exited cleanly. Throws ChildCrashed when the child died
// (or ended without writing what `parent` reads), and whatever `parent` throws (the child is
// then killed). `child` must not throw; it reports its errors through the channel. With
// `timeout` > 0 the child is killed (ChildCrashed, timed_out_after) when it has not sent
// everything within that many seconds.
void run_isolated(const std::function<void(Channel&)>& child, const std::function<void(Channel&)>& parent,
                  double timeout = 0);

// Reads a file once in a child process before the caller reads it here: when that crashes or
// hangs (a damaged HDF5 file can do both to libhdf5), a UserError "PATH: reading it crashed the
// HDF5 library (...)". `read` should do every read the caller will do; its exceptions are ignored (the
// caller's own reading reports them). Does nothing when isolation is off.
void screen_file(const std::string& path, const std::function<void()>& read);

}  // namespace mindset
