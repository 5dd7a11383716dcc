#include "sweep_exec.hpp"

#include <cblas.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <thread>

#include "fused.hpp"
#include "run.hpp"

namespace mindset {

namespace {

volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_stop(int sig) { g_stop = sig; }

std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = c == '\t' ? ' ' : '|';
  return s;
}

void write_all(int fd, const std::string& s) {
  std::size_t done = 0;
  while (done < s.size()) {
    ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

// The child of a fused unit: its runs trained together (run_fused), each with its own log file;
// one report line per run at the end. Never returns.
[[noreturn]] void fused_child(const SweepPlan& plan, const SweepDir& dir, const WorkUnit& unit, int fd) {
  std::vector<const Experiment*> runs;
  std::vector<std::string> outputs;
  std::vector<RunOptions> opts;
  std::vector<std::FILE*> logs;
  for (std::size_t i : unit) {
    const SweepRun& run = plan.runs[i];
    runs.push_back(&run.experiment);
    outputs.push_back(dir.run_file(run.id));
    std::FILE* log = std::fopen(dir.log_file(run.id).c_str(), "w");
    if (log) std::fprintf(log, "trained together with %zu other runs of this sweep (sweep fusion; --no-fuse trains each alone)\n",
                          unit.size() - 1);
    logs.push_back(log);
    RunOptions o;
    o.log = log;
    opts.push_back(o);
  }
  if (logs.front()) {  // anything else the process prints goes to the first run's log
    std::fflush(logs.front());
    ::dup2(::fileno(logs.front()), STDOUT_FILENO);
    ::dup2(::fileno(logs.front()), STDERR_FILENO);
  }
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<FusedRunResult> results;
  try {
    if (const char* crash = std::getenv("MINDSET_TEST_CRASH_RUN"))  // fault injection (tests)
      for (std::size_t i : unit)
        if (*crash && plan.runs[i].id.rfind(crash, 0) == 0) {
          std::signal(SIGSEGV, SIG_DFL);
          std::raise(SIGSEGV);
        }
    results = run_fused(runs, outputs, opts);
  } catch (...) {
    results.assign(unit.size(), FusedRunResult{std::nullopt, error_text(std::current_exception())});
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (std::size_t k = 0; k < unit.size(); ++k) {
    std::string status = "failed", error = results[k].error;
    if (results[k].summary) {
      status = results[k].summary->status;
      if (status == "diverged") error = results[k].summary->stop_reason;
    }
    if (logs[k]) {
      if (!error.empty()) std::fprintf(logs[k], "error: %s\n", error.c_str());
      std::fclose(logs[k]);
    }
    write_all(fd, std::to_string(unit[k]) + "\t" + status + "\t" + format_double(secs) + "\t" + one_line(error) + "\n");
  }
  ::_exit(0);
}

// The child: trains its runs one after the other, each logging to DIR/logs/<id>.log, and reports
// "index <TAB> status <TAB> seconds <TAB> error" per run on `fd`. Never returns.
[[noreturn]] void child_main(const SweepPlan& plan, const SweepDir& dir, const WorkUnit& unit, int fd, int threads) {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  // N processes at a time share the cores: each gets its share (one thread when N = jobs).
  // The fast kernels (simd.hpp) follow OpenBLAS's setting.
  openblas_set_num_threads(std::max(1, threads));
  if (unit.size() > 1) fused_child(plan, dir, unit, fd);
  for (std::size_t i : unit) {
    const SweepRun& run = plan.runs[i];
    int log = ::open(dir.log_file(run.id).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log >= 0) {
      ::dup2(log, STDOUT_FILENO);
      ::dup2(log, STDERR_FILENO);
      ::close(log);
    }
    const auto t0 = std::chrono::steady_clock::now();
    std::string status = "completed", error;
    try {
      // Fault injection for the tests: a crash of the run's process, as a segfault would be.
      if (const char* crash = std::getenv("MINDSET_TEST_CRASH_RUN"); crash && *crash && run.id.rfind(crash, 0) == 0) {
        std::signal(SIGSEGV, SIG_DFL);  // not a sanitizer's handler: the kernel's
        std::raise(SIGSEGV);
      }
      RunSummary s = run_experiment(run.experiment, dir.run_file(run.id), RunOptions{});
      status = s.status;
      if (status == "diverged") error = s.stop_reason;  // "diverged at iteration N: the cost is inf"
    } catch (...) {
      status = "failed";
      error = error_text(std::current_exception());
    }
    if (!error.empty()) std::fprintf(stderr, "error: %s\n", error.c_str());
    std::fflush(stdout);
    std::fflush(stderr);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    write_all(fd, std::to_string(i) + "\t" + status + "\t" + format_double(secs) + "\t" + one_line(error) + "\n");
  }
  ::_exit(0);
}

std::string describe_exit(int st) {
  if (WIFSIGNALED(st))
    return "the run's process crashed (killed by signal " + std::to_string(WTERMSIG(st)) + ": " + strsignal(WTERMSIG(st)) + ")";
  return "the run's process exited with code " + std::to_string(WEXITSTATUS(st)) + " before reporting a result";
}

std::string clock_text(double s) {
  long t = std::lround(s);
  char buf[32];
  if (t >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
  else std::snprintf(buf, sizeof buf, "%ld:%02ld", t / 60, t % 60);
  return buf;
}

}  // namespace

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int stop_signal() { return g_stop; }

std::size_t available_cpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return static_cast<std::size_t>(std::max(1, CPU_COUNT(&set)));
  return std::max(1u, std::thread::hardware_concurrency());
}

Child launch_unit(const SweepPlan& plan, const SweepDir& dir, const WorkUnit& unit, int threads) {
  for (std::size_t i : unit) remove_stale_temps(dir, plan.runs[i].id);
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) throw std::runtime_error(std::string("cannot create a pipe: ") + std::strerror(errno));
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(p[0]);
    ::close(p[1]);
    throw std::runtime_error(std::string("cannot start a run's process: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::close(p[0]);
    child_main(plan, dir, unit, p[1], threads);
  }
  ::close(p[1]);
  ::fcntl(p[0], F_SETFL, ::fcntl(p[0], F_GETFL) | O_NONBLOCK);
  Child c;
  c.pid = pid;
  c.fd = p[0];
  c.unit = unit;
  c.start = std::chrono::steady_clock::now();
  return c;
}

bool pump(Child& c) {
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(c.fd, buf, sizeof buf);
    if (n > 0) {
      c.out.append(buf, static_cast<std::size_t>(n));
      if (static_cast<std::size_t>(n) < sizeof buf) return false;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return false;
    return true;  // EOF (or an error: the child is gone either way)
  }
}

std::vector<RunResult> finish_unit(Child& c, const SweepPlan& plan, const SweepDir& dir, bool cancelled) {
  ::fcntl(c.fd, F_SETFL, ::fcntl(c.fd, F_GETFL) & ~O_NONBLOCK);  // the child is exiting: read to the end
  while (!pump(c)) {
  }
  ::close(c.fd);
  c.fd = -1;
  int st = 0;
  while (::waitpid(c.pid, &st, 0) < 0 && errno == EINTR) {
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - c.start).count();
  std::vector<RunResult> results;
  std::vector<bool> reported(c.unit.size(), false);
  std::size_t pos = 0;
  for (std::size_t nl; (nl = c.out.find('\n', pos)) != std::string::npos; pos = nl + 1) {
    std::string line = c.out.substr(pos, nl - pos);
    std::size_t t1 = line.find('\t'), t2 = line.find('\t', t1 + 1), t3 = line.find('\t', t2 + 1);
    if (t3 == std::string::npos) continue;
    RunResult r;
    r.run = std::stoul(line.substr(0, t1));
    r.status = line.substr(t1 + 1, t2 - t1 - 1);
    r.wall_seconds = std::strtod(line.substr(t2 + 1, t3 - t2 - 1).c_str(), nullptr);
    r.error = line.substr(t3 + 1);
    for (std::size_t k = 0; k < c.unit.size(); ++k)
      if (c.unit[k] == r.run) reported[k] = true;
    results.push_back(r);
  }
  // A fused unit's process that died takes all its unreported runs down: they go back to the
  // queue to run alone ("retry"), so that a crash costs only the run that causes it.
  const bool retry = !cancelled && c.unit.size() > 1;
  for (std::size_t k = 0; k < c.unit.size(); ++k)
    if (!reported[k])
      results.push_back({c.unit[k], cancelled ? "cancelled" : retry ? "retry" : "failed", cancelled || retry ? "" : describe_exit(st), secs});
  for (RunResult& r : results) {
    if (r.status == "retry") {
      remove_stale_temps(dir, plan.runs[r.run].id);
      continue;
    }
    const SweepRun& run = plan.runs[r.run];
    ManifestRun mr{run.id, run.hash, {}};
    if (r.status == "failed" && inspect_run(dir, mr).state == RunRecord::State::Done) r.status = "completed", r.error.clear();
    if (r.status == "cancelled") remove_stale_temps(dir, run.id);
    else if (r.status == "failed") record_failure(dir, mr, r.status, r.error, r.wall_seconds);
    else clear_failure(dir, run.id);
  }
  return results;
}

std::vector<RunResult> cancel_unit(Child& c, const SweepPlan& plan, const SweepDir& dir) {
  ::kill(c.pid, SIGTERM);
  for (int i = 0; i < 100; ++i) {  // up to 2 s to stop on its own (the zombie keeps its pid ours)
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(c.pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == c.pid) break;
    ::usleep(20000);
  }
  ::kill(c.pid, SIGKILL);
  return finish_unit(c, plan, dir, true);
}

Progress::Progress(std::size_t total, std::size_t skipped, bool quiet)
    : total_(total), skipped_(skipped), quiet_(quiet), tty_(!quiet && ::isatty(STDERR_FILENO)),
      start_(std::chrono::steady_clock::now()) {}

void Progress::clear() {
  if (tty_) std::fprintf(stderr, "\r\033[K");
}

void Progress::redraw() {
  if (!tty_) return;
  const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const std::size_t todo = total_ - skipped_;
  std::string eta = finished_ && finished_ < todo ? clock_text(el / static_cast<double>(finished_) * static_cast<double>(todo - finished_)) : "?";
  std::fprintf(stderr, "\r\033[Ksweep: %zu/%zu runs done, %zu failed, %zu running, elapsed %s, ETA %s", skipped_ + finished_,
               total_, failed_, running_, clock_text(el).c_str(), finished_ >= todo ? "0:00" : eta.c_str());
  std::fflush(stderr);
}

void Progress::finished(const SweepPlan& plan, const SweepDir& dir, const RunResult& r, const std::string& where) {
  if (r.status == "cancelled") return;
  ++finished_;
  const SweepRun& run = plan.runs[r.run];
  RunRecord rec = inspect_run(dir, {run.id, run.hash, {}});
  const bool ok = is_success(r.status);
  if (!ok) ++failed_;
  if (quiet_ && ok) return;
  clear();
  std::string what;
  if (ok) {
    for (const char* m : {"train_accuracy", "test_accuracy", "final_cost"})
      if (auto it = rec.metrics.find(m); it != rec.metrics.end()) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%s%s %.4g", what.empty() ? "" : ", ", m, it->second);
        what += buf;
      }
  } else {
    what = r.error.empty() ? rec.error : r.error;
  }
  std::FILE* out = ok ? stdout : stderr;
  if (ok)
    std::fprintf(out, "[%zu/%zu] %s: %s (%s%s%.1f s%s)\n", skipped_ + finished_, total_, run.id.c_str(), r.status.c_str(),
                 what.c_str(), what.empty() ? "" : ", ", r.wall_seconds, where.c_str());
  else
    std::fprintf(out, "[%zu/%zu] %s: FAILED, %s: %s (%.1f s%s)\n", skipped_ + finished_, total_, run.id.c_str(),
                 r.status.c_str(), what.c_str(), r.wall_seconds, where.c_str());
  std::fflush(out);
  redraw();
}

ExecReport execute_local(const SweepPlan& plan, const SweepDir& dir, const std::vector<std::size_t>& todo,
                         std::size_t skipped, const ExecOptions& opts) {
  ExecReport rep;
  Progress progress(todo.size() + skipped, skipped, opts.quiet);
  std::vector<WorkUnit> units = make_units(plan, todo, opts.fuse, std::max<std::size_t>(1, opts.jobs));
  // Fewer units than jobs (fused groups): the cores go to the units' own threads.
  const std::size_t jobs = std::max<std::size_t>(1, opts.jobs);
  const int threads = static_cast<int>(std::max<std::size_t>(1, jobs / std::max<std::size_t>(1, std::min(jobs, units.size()))));
  std::vector<Child> running;
  std::size_t next = 0;
  bool stop = false;
  auto done = [&](Child& c, bool cancelled) {
    auto results = cancelled ? cancel_unit(c, plan, dir) : finish_unit(c, plan, dir, false);
    for (const auto& r : results) {
      if (r.status == "retry") {  // its fused unit crashed: on its own this time
        units.push_back({r.run});
        continue;
      }
      progress.finished(plan, dir, r);
      if (r.status == "failed" || r.status == "diverged") {
        ++rep.failed;
        if (opts.fail_fast && !stop) stop = rep.fail_fast_stop = true;
      }
      if (r.status != "cancelled") ++rep.ran;
    }
  };
  for (;;) {
    while (!stop && !stop_signal() && running.size() < std::max<std::size_t>(1, opts.jobs) && next < units.size())
      running.push_back(launch_unit(plan, dir, units[next++], threads));
    progress.running(running.size());
    progress.redraw();
    if (running.empty()) break;
    std::vector<pollfd> fds;
    for (const Child& c : running) fds.push_back({c.fd, POLLIN, 0});
    int n = ::poll(fds.data(), fds.size(), 1000);
    if (n < 0 && errno != EINTR) throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    for (std::size_t k = running.size(); k-- > 0;)
      if (n > 0 && fds[k].revents && pump(running[k])) {
        done(running[k], false);
        running.erase(running.begin() + static_cast<std::ptrdiff_t>(k));
      }
    if (stop_signal() && !rep.signal) {
      rep.signal = stop_signal();
      for (const Child& c : running) ::kill(c.pid, SIGTERM);
    }
    if ((stop || rep.signal) && !running.empty()) {
      for (Child& c : running) done(c, true);
      running.clear();
    }
  }
  progress.clear();
  return rep;
}

}  // namespace mindset
