#include "isolate.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

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

void run_isolated(const std::function<void(Channel&)>& child, const std::function<void(Channel&)>& parent) {
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

}  // namespace mindset
