#include "signals.hpp"

#include <unistd.h>

#include <cstring>

namespace mindset {

namespace {

volatile std::sig_atomic_t g_stop = 0;
volatile std::sig_atomic_t g_quiet = 0;
// The temporary file to remove on a hard exit; written only outside the handler, with the flag
// cleared first, so the handler never sees a half-written name.
char g_temp[4096];
volatile std::sig_atomic_t g_temp_set = 0;
struct sigaction g_old_int, g_old_term;

void say(const char* s) {
  if (!g_quiet) {
    ssize_t r = ::write(STDERR_FILENO, s, std::strlen(s));
    (void)r;
  }
}

extern "C" void on_stop_signal(int sig) {
  if (g_stop) {
    if (g_temp_set) ::unlink(g_temp);
    say("\nmindset: stopped at once\n");
    ::_exit(128 + sig);
  }
  g_stop = sig;
  say("\nmindset: stopping after this iteration and writing a checkpoint (again to quit at once)\n");
}

}  // namespace

StopSignals::StopSignals(bool quiet) {
  g_stop = 0;
  g_quiet = quiet;
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, &g_old_int);
  sigaction(SIGTERM, &sa, &g_old_term);
}

StopSignals::~StopSignals() {
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
}

const volatile std::sig_atomic_t* StopSignals::flag() { return &g_stop; }

TempFileGuard::TempFileGuard(const std::string& path) {
  g_temp_set = 0;
  if (path.size() < sizeof g_temp) {
    std::memcpy(g_temp, path.c_str(), path.size() + 1);
    g_temp_set = 1;
  }
}

TempFileGuard::~TempFileGuard() { g_temp_set = 0; }

}  // namespace mindset
