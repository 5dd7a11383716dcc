#include "sweep_command.hpp"

#include <csignal>
#include <cstdio>
#include <filesystem>

#include "commands.hpp"
#include "results.hpp"

namespace fs = std::filesystem;

namespace mindset {

namespace {

std::pair<std::size_t, std::size_t> parse_shard(const std::string& s) {
  auto bad = [&] { return UserError("--shard '" + s + "': expected K/N with 1 <= K <= N, e.g. --shard 2/4"); };
  std::size_t slash = s.find('/');
  if (slash == std::string::npos) throw bad();
  std::string k = s.substr(0, slash), n = s.substr(slash + 1);
  auto digits = [](const std::string& t) { return !t.empty() && t.size() < 10 && t.find_first_not_of("0123456789") == std::string::npos; };
  if (!digits(k) || !digits(n)) throw bad();
  std::size_t K = std::stoul(k), N = std::stoul(n);
  if (K < 1 || N < 1 || K > N) throw bad();
  return {K, N};
}

void make_dirs(const SweepDir& d) {
  for (const std::string& p : {d.root, d.runs(), d.root + "/logs"}) {
    std::error_code ec;
    fs::create_directories(p, ec);
    if (ec || !fs::is_directory(p, ec)) throw UserError("cannot create the output folder " + p + (ec ? ": " + ec.message() : ""));
  }
}

std::string state_name(const RunRecord& r) { return r.state == RunRecord::State::Pending ? "pending" : r.status; }

int merge(const SweepArgs& a) {
  SweepDir dir{a.merge};
  Manifest m = read_manifest(dir);
  SummaryCounts c = write_summary(dir, m);
  if (!a.quiet) {
    std::printf("sweep %s: %zu runs: %zu completed, %zu failed, %zu pending\nsummary: %s/summary.csv, %s/summary.h5\n",
                m.name.c_str(), m.runs.size(), c.completed, c.failed, c.pending, dir.root.c_str(), dir.root.c_str());
    for (const auto& [id, why] : c.failures) std::printf("  failed %s: %s\n", id.c_str(), why.c_str());
  }
  return c.failed || c.pending ? 1 : 0;
}

}  // namespace

SweepSetup setup_sweep(const SweepArgs& a, bool write) {
  if (a.sweep.empty()) throw UserError("give a sweep file: mindset sweep SWEEP.yaml [-o DIR] (or --merge DIR)");
  auto [k, n] = a.shard.empty() ? std::pair<std::size_t, std::size_t>{1, 1} : parse_shard(a.shard);
  SweepSetup s;
  s.plan = load_sweep(a.sweep, a.overrides);
  s.dir.root = a.output.empty() ? "results/" + safe_file_name(s.plan.name) : a.output;
  while (s.dir.root.size() > 1 && s.dir.root.back() == '/') s.dir.root.pop_back();
  for (const auto& r : s.plan.runs)  // ids are made safe; this guards the one promise that matters
    if (r.id.empty() || r.id[0] == '.' || id_safe(r.id, r.id.size()) != r.id)
      throw std::logic_error("unsafe run id '" + r.id + "'");
  s.manifest = manifest_of(s.plan);
  std::error_code ec;
  if (fs::exists(s.dir.manifest(), ec)) {
    Manifest before = read_manifest(s.dir);
    std::string diff = manifest_difference(before, s.manifest);
    if (!diff.empty() && !a.update)
      throw UserError(s.dir.manifest() + ": this folder holds the runs of a different sweep (" + diff +
                      "); use another output folder (-o DIR), or --update to make this sweep the folder's sweep "
                      "(finished runs with the same config are kept)");
  } else if (fs::exists(s.dir.root, ec) && !fs::is_directory(s.dir.root, ec)) {
    throw UserError("the output path " + s.dir.root + " is a file, not a folder");
  }
  if (write) {
    make_dirs(s.dir);
    write_manifest(s.dir, s.manifest);
  }
  for (std::size_t i = 0; i < s.plan.runs.size(); ++i) {
    if (i % n != k - 1) continue;
    s.slice.push_back(i);
    RunRecord r = inspect_run(s.dir, s.manifest.runs[i]);
    if (r.state == RunRecord::State::Done || r.state == RunRecord::State::Foreign) ++s.skipped;
    else s.todo.push_back(i);
  }
  return s;
}

int finish_sweep(const SweepSetup& s, const ExecReport& rep, bool quiet) {
  SummaryCounts all = write_summary(s.dir, s.manifest);
  std::size_t completed = 0, failed = 0, pending = 0;
  std::vector<std::pair<std::string, std::string>> failures;
  for (std::size_t i : s.slice) {
    RunRecord r = inspect_run(s.dir, s.manifest.runs[i]);
    if (r.state == RunRecord::State::Pending) ++pending;
    else if (is_success(r.status)) ++completed;
    else ++failed, failures.emplace_back(s.manifest.runs[i].id, r.status + (r.error.empty() ? "" : ": " + r.error));
  }
  const bool sharded = s.slice.size() != s.plan.runs.size();
  if (!quiet || failed) {
    std::FILE* out = failed ? stderr : stdout;
    std::fprintf(out, "sweep %s: %zu run%s%s: %zu completed (%zu already done), %zu failed", s.plan.name.c_str(), s.slice.size(),
                 s.slice.size() == 1 ? "" : "s", sharded ? " in this shard" : "", completed, s.skipped, failed);
    if (pending) std::fprintf(out, ", %zu not run", pending);
    if (s.plan.duplicates) std::fprintf(out, " (%zu duplicate combination%s run once)", s.plan.duplicates, s.plan.duplicates == 1 ? "" : "s");
    std::fprintf(out, "\n");
    if (sharded && all.pending) std::fprintf(out, "the other shards' %zu runs are not all here yet; `mindset sweep --merge %s` rebuilds the summary\n", all.pending, s.dir.root.c_str());
    std::fprintf(out, "summary: %s/summary.csv, %s/summary.h5\n", s.dir.root.c_str(), s.dir.root.c_str());
    if (!failures.empty()) {
      std::fprintf(out, "failed runs (logs in %s/logs/):\n", s.dir.root.c_str());
      for (const auto& [id, why] : failures) std::fprintf(out, "  %s: %s\n", id.c_str(), why.c_str());
    }
    if (rep.fail_fast_stop) std::fprintf(out, "stopped at the first failure (--fail-fast); rerun the same command to go on\n");
    if (rep.signal) std::fprintf(out, "interrupted; rerun the same command to resume\n");
    std::fflush(out);
  }
  if (rep.signal) return 128 + rep.signal;
  return failed || pending ? 1 : 0;
}

int cmd_sweep(const SweepArgs& a) {
  try {
    if (!a.merge.empty()) {
      if (!a.sweep.empty() || !a.overrides.empty() || !a.shard.empty() || a.mpi || a.list)
        throw UserError("--merge DIR takes no sweep file, overrides, --shard, --mpi or --list");
      return merge(a);
    }
    if (a.mpi) {
#ifdef MINDSET_HAVE_MPI
      return cmd_sweep_mpi(a);
#else
      throw UserError("--mpi: this mindset was built without MPI; rebuild with ./scripts/build.sh -DMINDSET_MPI=ON");
#endif
    }
    if (a.list) {
      SweepSetup s = setup_sweep(a, false);
      for (std::size_t i : s.slice) {
        std::printf("%-8s %s", state_name(inspect_run(s.dir, s.manifest.runs[i])).c_str(), s.plan.runs[i].id.c_str());
        for (std::size_t k = 0; k < s.plan.keys.size(); ++k)
          std::printf("  %s=%s", s.plan.keys[k].c_str(), format_value(s.plan.runs[i].values[k]).c_str());
        std::printf("\n");
      }
      std::printf("%zu runs (%zu to run) into %s/\n", s.slice.size(), s.todo.size(), s.dir.root.c_str());
      return 0;
    }
    SweepSetup s = setup_sweep(a, true);
    ExecOptions opts;
    opts.jobs = a.jobs ? a.jobs : available_cpus();
    opts.fail_fast = a.fail_fast;
    opts.fuse = a.fuse && !a.fail_fast;  // --fail-fast: one run at a time, to stop at the first failure
    opts.quiet = a.quiet;
    if (!a.quiet)
      std::printf("sweep %s: %zu runs%s, %zu to run, %zu at a time, into %s/\n", s.plan.name.c_str(), s.slice.size(),
                  s.slice.size() != s.plan.runs.size() ? " in this shard" : "", s.todo.size(),
                  std::min(opts.jobs, std::max<std::size_t>(1, s.todo.size())), s.dir.root.c_str());
    install_stop_handlers();
    ExecReport rep = execute_local(s.plan, s.dir, s.todo, s.skipped, opts);
    return finish_sweep(s, rep, a.quiet);
  } catch (...) {
    return report_current_exception();
  }
}

}  // namespace mindset
