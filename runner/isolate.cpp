#include "isolate.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "errors.hpp"

namespace mindset {

void Channel::write(const void* data, std::size_t bytes) {
  const char* p = static_cast<const char*>(data);
  while (bytes > 0) {
    ssize_t n = ::write(fd_, p, bytes);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Closed();
    p += n;
    bytes -= static_cast<std::size_t>(n);
  }
}

void Channel::read(void* data, std::size_t bytes) {
  char* p = static_cast<char*>(data);
  while (bytes > 0) {
    if (has_deadline_) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - std::chrono::steady_clock::now());
      pollfd pfd{fd_, POLLIN, 0};
      const int r = left.count() > 0 ? ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left.count(), 1 << 30))) : 0;
      if (r < 0 && errno == EINTR) continue;
      if (r == 0) throw TimedOut();
    }
    ssize_t n = ::read(fd_, p, bytes);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Closed();
    p += n;
    bytes -= static_cast<std::size_t>(n);
  }
}

std::uint64_t Channel::get_u64() {
  std::uint64_t v = 0;
  read(&v, sizeof v);
  return v;
}

void Channel::put_string(const std::string& s) {
  put_u64(s.size());
  write(s.data(), s.size());
}

std::string Channel::get_string() {
  const std::uint64_t n = get_u64();
  if (n > (std::uint64_t(1) << 30)) throw Closed();  // not what a child sends: a garbled stream
  std::string s(static_cast<std::size_t>(n), '\0');
  read(s.data(), s.size());
  return s;
}

bool isolation_enabled() {
  const char* v = std::getenv("MINDSET_IN_PROCESS");
  return !v || !*v || std::strcmp(v, "0") == 0;
}

std::string hdf5_failure(const ChildCrashed& c) {
  if (c.timed_out_after > 0) {
    char secs[32];
    std::snprintf(secs, sizeof secs, "%g", c.timed_out_after);
    return std::string("did not finish within ") + secs + " s in the HDF5 library (which loops forever on some damaged "
           "files; MINDSET_READ_TIMEOUT=SECONDS allows more time)";
  }
  return std::string("crashed the HDF5 library (the reading process ") + c.what() + ")";
}

double read_timeout(const std::string& path) {
  if (const char* v = std::getenv("MINDSET_READ_TIMEOUT")) {
    char* end = nullptr;
    const double s = std::strtod(v, &end);
    if (end != v && *end == '\0' && s > 0) return s;
  }
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  return 60.0 + (ec ? 0.0 : static_cast<double>(bytes) / (16 << 20));
}

void run_isolated(const std::function<void(Channel&)>& child, const std::function<void(Channel&)>& parent,
                  double timeout) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error(std::string("fork: ") + std::strerror(err));
  }
  if (pid == 0) {
    ::close(fds[0]);
    std::signal(SIGPIPE, SIG_DFL);  // the parent gave up reading: nothing left to do
    // A crash kills the child, whatever handlers the parent set (a test framework's, a sanitizer's).
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) std::signal(sig, SIG_DFL);
    Channel out(fds[1]);
    try {
      child(out);
    } catch (...) {
      ::_exit(70);
    }
    ::_exit(0);  // no atexit handlers, no flush of stdio buffers inherited from the parent
  }
  ::close(fds[1]);
  Channel in(fds[0]);
  if (timeout > 0)
    in.set_deadline(std::chrono::steady_clock::now() +
                    std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(timeout)));
  auto reap = [&] {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
  };
  auto crashed = [](int status) {
    if (WIFSIGNALED(status))
      return ChildCrashed("was killed by signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")",
                          WTERMSIG(status));
    return ChildCrashed("exited with code " + std::to_string(WEXITSTATUS(status)) + " before sending its result", 0);
  };
  try {
    parent(in);
  } catch (const Channel::Closed&) {
    ::close(fds[0]);
    throw crashed(reap());
  } catch (const Channel::TimedOut&) {
    ::close(fds[0]);
    ::kill(pid, SIGKILL);
    reap();
    throw ChildCrashed("did not finish in time", 0, timeout);
  } catch (...) {
    ::close(fds[0]);
    ::kill(pid, SIGKILL);
    reap();
    throw;
  }
  ::close(fds[0]);
  const int status = reap();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw crashed(status);
}

void screen_file(const std::string& path, const std::function<void()>& read) {
  if (!isolation_enabled()) return;
  try {
    run_isolated(
        [&](Channel& out) {
          try {
            read();
          } catch (...) {
          }
          out.put_u64(1);
        },
        [](Channel& in) { in.get_u64(); }, read_timeout(path));
  } catch (const ChildCrashed& c) {
    throw UserError(path + ": reading it " + hdf5_failure(c) + "; the file is damaged, or not an HDF5 file this library can read");
  }
}

}  // namespace mindset
