// `mpirun -np P mindset sweep SWEEP.yaml --mpi`: rank 0 plans the sweep, writes the manifest and
// hands units of work out one at a time to whichever rank asks (itself included, --jobs at a
// time, default 1); every rank trains its runs in forked processes exactly as a local sweep does,
// into the same folder (which every rank must see), and rank 0 writes the one summary.
// Waiting is done by polling with short sleeps: OpenMPI's blocking receive spins a core, and
// sweeps often run with more ranks than cores.
// The C API only: OpenMPI's mpi.h would pull in the deprecated C++ bindings (and need their library).
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "commands.hpp"
#include "sweep_command.hpp"

namespace mindset {

namespace {

enum Tag { kReady = 1, kResult = 2, kWork = 3, kStop = 4 };

std::string encode(const std::vector<RunResult>& rs) {
  std::string s;
  for (const auto& r : rs) s += std::to_string(r.run) + "\t" + r.status + "\t" + format_double(r.wall_seconds) + "\t" + r.error + "\n";
  return s;
}

std::vector<RunResult> decode(const std::string& s) {
  std::vector<RunResult> out;
  std::size_t pos = 0;
  for (std::size_t nl; (nl = s.find('\n', pos)) != std::string::npos; pos = nl + 1) {
    std::string line = s.substr(pos, nl - pos);
    std::size_t t1 = line.find('\t'), t2 = line.find('\t', t1 + 1), t3 = line.find('\t', t2 + 1);
    if (t3 == std::string::npos) continue;
    out.push_back({std::stoul(line.substr(0, t1)), line.substr(t1 + 1, t2 - t1 - 1),
                   line.substr(t3 + 1), std::strtod(line.substr(t2 + 1, t3 - t2 - 1).c_str(), nullptr)});
  }
  return out;
}

void send(int to, Tag tag, const std::string& s) {
  MPI_Send(s.data(), static_cast<int>(s.size()), MPI_CHAR, to, tag, MPI_COMM_WORLD);
}

// A message, if one has arrived: returns false when none is waiting.
bool try_receive(int from, int& source, int& tag, std::string& body) {
  int flag = 0;
  MPI_Status st;
  MPI_Iprobe(from, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
  if (!flag) return false;
  int n = 0;
  MPI_Get_count(&st, MPI_CHAR, &n);
  body.assign(static_cast<std::size_t>(n), '\0');
  MPI_Recv(body.data(), n, MPI_CHAR, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  source = st.MPI_SOURCE;
  tag = st.MPI_TAG;
  return true;
}

std::string encode_unit(const WorkUnit& u) {
  std::string s;
  for (std::size_t i : u) s += (s.empty() ? "" : ",") + std::to_string(i);
  return s;
}

WorkUnit decode_unit(const std::string& s) {
  WorkUnit u;
  for (std::size_t pos = 0; pos < s.size();) {
    std::size_t comma = s.find(',', pos);
    if (comma == std::string::npos) comma = s.size();
    u.push_back(std::stoul(s.substr(pos, comma - pos)));
    pos = comma + 1;
  }
  return u;
}

// A worker rank: asks for work, trains it in a child, reports, until told to stop.
void worker(const SweepSetup& s) {
  std::string report;
  int tag = kReady;
  for (;;) {
    send(0, static_cast<Tag>(tag), report);
    int source = 0, got = 0;
    std::string body;
    while (!try_receive(0, source, got, body)) ::usleep(2000);
    if (got == kStop) return;
    Child c = launch_unit(s.plan, s.dir, decode_unit(body));
    std::vector<RunResult> results;
    for (;;) {
      pollfd p{c.fd, POLLIN, 0};
      int n = ::poll(&p, 1, 500);
      if (stop_signal()) {
        results = cancel_unit(c, s.plan, s.dir);
        break;
      }
      if (n > 0 && pump(c)) {
        results = finish_unit(c, s.plan, s.dir, false);
        break;
      }
    }
    report = encode(results);
    tag = kResult;
  }
}

// Rank 0: hands units out, trains its own share, collects the outcomes.
ExecReport coordinator(const SweepSetup& s, const ExecOptions& opts, int ranks) {
  ExecReport rep;
  Progress progress(s.slice.size(), s.skipped, opts.quiet);
  int workers = ranks - 1;
  std::vector<WorkUnit> units =
      make_units(s.plan, s.todo, opts.fuse, static_cast<std::size_t>(workers) + std::max<std::size_t>(1, opts.jobs));
  std::size_t next = 0;
  std::vector<Child> local;
  bool stop = false;
  std::size_t remote_busy = 0;
  auto record = [&](const std::vector<RunResult>& results, const std::string& where) {
    for (const auto& r : results) {
      if (r.status == "retry") {  // its fused unit crashed: on its own this time
        units.push_back({r.run});
        continue;
      }
      progress.finished(s.plan, s.dir, r, where);
      if (r.status == "failed" || r.status == "diverged") {
        ++rep.failed;
        if (opts.fail_fast) stop = rep.fail_fast_stop = true;
      }
      if (r.status != "cancelled") ++rep.ran;
    }
  };
  while (true) {
    if (stop_signal() && !rep.signal) rep.signal = stop_signal(), stop = true;
    while (!stop && local.size() < opts.jobs && next < units.size()) local.push_back(launch_unit(s.plan, s.dir, units[next++]));
    int source = 0, tag = 0;
    std::string body;
    while (workers > 0 && try_receive(MPI_ANY_SOURCE, source, tag, body)) {
      if (tag == kResult) {
        --remote_busy;
        record(decode(body), " on rank " + std::to_string(source));
      }
      if (!stop && next < units.size()) {
        send(source, kWork, encode_unit(units[next++]));
        ++remote_busy;
      } else {
        send(source, kStop, "");
        --workers;
      }
    }
    progress.running(local.size() + remote_busy);
    progress.redraw();
    if (local.empty() && workers == 0) break;
    std::vector<pollfd> fds;
    for (const Child& c : local) fds.push_back({c.fd, POLLIN, 0});
    int n = ::poll(fds.data(), fds.size(), workers > 0 ? 5 : 1000);
    for (std::size_t k = local.size(); k-- > 0;)
      if (n > 0 && fds[k].revents && pump(local[k])) {
        record(finish_unit(local[k], s.plan, s.dir, false), " on rank 0");
        local.erase(local.begin() + static_cast<std::ptrdiff_t>(k));
      }
    if (stop && !local.empty()) {
      for (Child& c : local) record(cancel_unit(c, s.plan, s.dir), "");
      local.clear();
    }
  }
  progress.clear();
  return rep;
}

}  // namespace

int cmd_sweep_mpi(const SweepArgs& a) {
  ::setenv("OMPI_MCA_mpi_warn_on_fork", "0", 0);  // run processes never touch MPI
  MPI_Init(nullptr, nullptr);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  int code = 0, ok = 1;
  SweepSetup s;
  if (rank == 0) {
    try {
      s = setup_sweep(a, true);
    } catch (...) {
      code = report_current_exception();
      ok = 0;
    }
  }
  MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (!ok) {
    MPI_Finalize();
    return rank == 0 ? code : 0;
  }
  try {
    install_stop_handlers();
    if (rank == 0) {
      ExecOptions opts;
      opts.jobs = a.jobs ? a.jobs : 1;
      opts.fail_fast = a.fail_fast;
      opts.fuse = a.fuse && !a.fail_fast;
      opts.quiet = a.quiet;
      if (!a.quiet)
        std::printf("sweep %s: %zu runs, %zu to run, over %d MPI ranks (%zu at a time on rank 0), into %s/\n",
                    s.plan.name.c_str(), s.slice.size(), s.todo.size(), ranks, opts.jobs, s.dir.root.c_str());
      ExecReport rep = coordinator(s, opts, ranks);
      code = finish_sweep(s, rep, a.quiet);
    } else {
      s = setup_sweep(a, false);  // the same plan: every rank reads the same files
      worker(s);
    }
  } catch (...) {
    std::fprintf(stderr, "rank %d: ", rank);
    code = report_current_exception();
    MPI_Abort(MPI_COMM_WORLD, code ? code : 1);
  }
  MPI_Finalize();
  return code;
}

}  // namespace mindset
