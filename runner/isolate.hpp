// Running a step that may crash in a child process, so that the crash becomes an error message.
// The step is a third-party library reading a file mindset did not write: libhdf5 1.10 can
// segfault on a damaged HDF5 file (found by fuzzing, fuzz/regressions/hdf5/), which no check
// before opening the file can rule out. The child does the reading and streams its result back
// through a pipe; the parent reads it as it comes (no second copy of big data sets in the child's
// buffers). Set MINDSET_IN_PROCESS=1 to read in the process itself (for a debugger, and for the
// fuzz targets, whose coverage must be seen by libFuzzer).
#pragma once

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

  struct Closed : std::runtime_error {
    Closed() : std::runtime_error("the child process ended before sending its result") {}
  };

 private:
  int fd_;
};

// The child died from a signal (or exited without sending its result).
struct ChildCrashed : std::runtime_error {
  explicit ChildCrashed(const std::string& what, int sig) : std::runtime_error(what), signal(sig) {}
  int signal;  // 0 when it exited
};

// False when MINDSET_IN_PROCESS is set (to anything but 0).
bool isolation_enabled();

// Forks: the child runs `child` writing to its Channel, then exits; here `parent` reads from its
// Channel. Returns once the child has exited cleanly. Throws ChildCrashed when the child died
// (or ended without writing what `parent` reads), and whatever `parent` throws (the child is
// then killed). `child` must not throw; it reports its errors through the channel.
void run_isolated(const std::function<void(Channel&)>& child, const std::function<void(Channel&)>& parent);

}  // namespace mindset
