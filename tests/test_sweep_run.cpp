// `mindset sweep` end to end: resume after SIGKILL (once, then at 10 random moments), failure
// isolation, --fail-fast, shards + merge, MPI (when built), summaries read by h5py and pandas,
// path safety, a changed sweep, CLI errors, and every sweep file in configs/.
#define BOOST_TEST_MODULE sweep_run
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <set>
#include <thread>

#include "fault_testing.hpp"
#include "sweep_testing.hpp"

using namespace sweep_testing;
namespace fs = std::filesystem;
using testing::quote;

BOOST_FIXTURE_TEST_CASE(summary_reads_in_h5py_and_pandas, Fixture) {
  const std::string text = "experiment: base.yaml\ngrid:\n  model.layers[0].units: [1, 3]\n  training.learning_rate: [1.2, 0.5]\n"
                           "  model.layers[0].activation: [tanh, relu]\n";
  fs::path s = dir.write("s.yaml", text);
  auto r = testing::mindset(sweep(s, dir / "out", "--jobs 2"));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.out + r.err);
  BOOST_TEST(contains(r.out, "8 completed (0 already done), 0 failed"));
  auto py = testing::run(testing::python() + " -c " + quote(R"(
import sys, h5py, pandas as pd
f = h5py.File(sys.argv[1] + '/summary.h5', 'r')
df = pd.DataFrame({k: f['summary'][k][:] for k in f['summary']})
print(list(df.columns))
print(df['model.layers[0].units'].dtype, df['training.learning_rate'].dtype, df['final_cost'].dtype)
print(list(df['model.layers[0].units']), list(df['training.learning_rate']))
print(f['summary']['status'].asstr()[0], f['summary']['model.layers[0].activation'].asstr()[1])
print(f.attrs['sweep'] == open(sys.argv[2]).read(), len(df))
csv = pd.read_csv(sys.argv[1] + '/summary.csv', float_precision='round_trip')
print(all(csv['final_cost'] == df['final_cost']), all(csv['run_id'] == df['run_id'].str.decode('utf-8')))
)") + " " + quote((dir / "out").string()) + " " + quote(s.string()));
  BOOST_REQUIRE_MESSAGE(py.exit_code == 0, py.err);
  BOOST_TEST(py.out == "['run_id', 'model.layers[0].units', 'training.learning_rate', 'model.layers[0].activation', 'status', "
                       "'final_cost', 'train_accuracy', 'test_accuracy', 'wall_seconds', 'file', 'error']\n"
                       "int64 float64 float64\n"
                       "[1, 1, 1, 1, 3, 3, 3, 3] [1.2, 1.2, 0.5, 0.5, 1.2, 1.2, 0.5, 0.5]\n"
                       "completed relu\nTrue 8\nTrue True\n");
}

BOOST_FIXTURE_TEST_CASE(a_killed_sweep_resumes_running_only_the_missing_runs, Fixture) {
  fs::path s = dir.write("s.yaml", "experiment: base.yaml\nset: {training.iterations: 5000}\n"
                                   "grid: {seed: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]}\n");
  fs::path out = dir / "killed";
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setsid();
    std::string log = (dir / "killed.log").string();
    std::freopen(log.c_str(), "w", stdout);
    std::freopen(log.c_str(), "a", stderr);
    ::execl(testing::mindset_bin().c_str(), "mindset", "sweep", s.c_str(), "-o", out.c_str(), "--jobs", "2", (char*)nullptr);
    ::_exit(127);
  }
  for (int i = 0; i < 3000 && count_files(out / "runs", ".h5") < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ::kill(-pid, SIGKILL);  // the sweep and its runs' processes
  ::waitpid(pid, nullptr, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto before = stamps(out / "runs");
  BOOST_TEST_MESSAGE(before.size() << " of 12 runs done when killed");
  BOOST_REQUIRE(before.size() >= 2u);
  BOOST_REQUIRE_MESSAGE(before.size() < 12u, "the sweep finished before the kill; resume not exercised");

  auto r = testing::mindset(sweep(s, out, "--jobs 2"));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.out + r.err);
  BOOST_TEST(contains(r.out, "12 runs: 12 completed (" + std::to_string(before.size()) + " already done)"));
  auto after = stamps(out / "runs");
  BOOST_TEST(after.size() == 12u);
  std::size_t ran = 0;
  for (const auto& [name, st] : after) {
    bool was_done = before.count(name) > 0;
    if (was_done) BOOST_TEST((before.at(name) == st), name << " was rewritten");  // never overwritten
    std::string id = name.substr(0, name.size() - 3);
    bool reported = contains(r.out, "] " + id + ": completed");
    BOOST_TEST(reported == !was_done, id << (was_done ? " ran again" : " did not run"));
    ran += reported;
  }
  BOOST_TEST(ran == 12 - before.size());
  for (const auto& e : fs::directory_iterator(out / "runs")) BOOST_TEST(!contains(e.path().string(), ".tmp-"), "stray " << e.path());
  auto rows = read_csv(out / "summary.csv");
  BOOST_REQUIRE(rows.size() == 12u);
  for (std::size_t i = 0; i < 12; ++i) {
    BOOST_TEST(rows[i].at("seed") == std::to_string(i + 1));  // grid order, whatever order they finished in
    BOOST_TEST(rows[i].at("status") == "completed");
  }
  // A third run has nothing to do.
  auto again = testing::mindset(sweep(s, out));
  BOOST_TEST(contains(again.out, "12 completed (12 already done)"));
  BOOST_TEST((stamps(out / "runs") == after));
}

// SIGKILL to the sweep and its runs at random moments (10 trials): the rerun runs exactly the
// runs without a results file, never rewrites a finished one, and the summary is complete, in
// grid order, without duplicates, its numbers those of an uninterrupted sweep.
BOOST_FIXTURE_TEST_CASE(a_sweep_killed_at_random_moments_reruns_exactly_the_missing_runs, Fixture) {
  fs::path s = dir.write("s.yaml", "experiment: base.yaml\nset: {training.iterations: 1500}\n"
                                   "grid: {seed: [1, 2, 3, 4, 5, 6, 7, 8]}\n");
  const auto t0 = std::chrono::steady_clock::now();
  auto ref = testing::mindset(sweep(s, dir / "ref", "--jobs 2 -q"));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  BOOST_REQUIRE_MESSAGE(ref.exit_code == 0, ref.err);
  const auto expected = content(dir / "ref");
  std::mt19937 rng(77);
  std::uniform_real_distribution<double> moment(0.0, 0.8 * seconds);  // the last moments write the summary
  std::size_t killed_mid_way = 0;
  for (int trial = 0; trial < 10; ++trial) {
    BOOST_TEST_CONTEXT("trial " << trial) {
      const fs::path out = dir / ("t" + std::to_string(trial));
      pid_t pid = fault_testing::spawn_mindset({"sweep", s.string(), "-o", out.string(), "--jobs", "2", "-q"}, dir / "k.log");
      std::this_thread::sleep_for(std::chrono::duration<double>(moment(rng)));
      ::kill(-pid, SIGKILL);  // the sweep and its runs' processes
      fault_testing::wait_for(pid);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      auto before = stamps(out / "runs");
      killed_mid_way += before.size() < 8;
      auto r = testing::mindset(sweep(s, out, "--jobs 2"));
      BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.out + r.err);
      BOOST_TEST(contains(r.out, "8 runs: 8 completed (" + std::to_string(before.size()) + " already done)"), r.out);
      auto after = stamps(out / "runs");
      BOOST_TEST(after.size() == 8u);
      for (const auto& [name, st] : after) {
        const bool was_done = before.count(name) > 0;
        if (was_done) BOOST_TEST((before.at(name) == st), name << " was rewritten");
        const std::string id = name.substr(0, name.size() - 3);
        BOOST_TEST(contains(r.out, "] " + id + ": completed") == !was_done, id << (was_done ? " ran again" : " did not run"));
      }
      BOOST_TEST((content(out) == expected), "the summary differs from an uninterrupted sweep's");
      std::set<std::string> ids;
      for (const auto& row : read_csv(out / "summary.csv")) BOOST_TEST(ids.insert(row.at("run_id")).second, row.at("run_id"));
      BOOST_TEST(fault_testing::temp_files(out).empty(), "stray " << fault_testing::first_temp_file(out));
      BOOST_TEST(count_files(out / "runs", ".failed") == 0u);
    }
  }
  BOOST_TEST_MESSAGE("10 trials (a sweep takes " << seconds << " s), " << killed_mid_way << " killed before all runs were done");
  BOOST_TEST(killed_mid_way >= 3u);
}

BOOST_FIXTURE_TEST_CASE(a_failed_run_is_recorded_and_the_others_go_on, Fixture) {
  dir.write("bad.h5", "this is not an HDF5 file\n");
  fs::path s = dir.write("s.yaml",
                         "experiment: base.yaml\ngrid:\n"
                         "  data.train: [{type: flower}, {type: hdf5, path: bad.h5, features: x, labels: y}]\n"
                         "  training.learning_rate: [1.2, 1.0e+308, 0.5, 0.3]\n");  // 1e308: the weights overflow
  fs::path out = dir / "out";
  auto r = testing::run("MINDSET_TEST_CRASH_RUN=train=v1_lr=0.5- " + testing::mindset_bin() + " " + sweep(s, out, "--jobs 2"));
  BOOST_TEST(r.exit_code == 1);
  auto rows = read_csv(out / "summary.csv");
  BOOST_REQUIRE(rows.size() == 8u);
  const char* expect[] = {"completed", "diverged", "failed", "completed", "failed", "failed", "failed", "failed"};
  for (std::size_t i = 0; i < 8; ++i) BOOST_TEST(rows[i].at("status") == expect[i], "row " << i << ": " << rows[i].at("error"));
  BOOST_TEST(contains(rows[1].at("error"), "diverged at iteration"));
  BOOST_TEST(contains(rows[2].at("error"), "crashed (killed by signal 11"));
  BOOST_TEST(contains(rows[4].at("error"), "bad.h5"));
  BOOST_TEST(rows[4].at("file") == "");
  BOOST_TEST(rows[0].at("file") == "runs/" + rows[0].at("run_id") + ".h5");
  BOOST_TEST(contains(r.err, "failed runs (logs in"));
  BOOST_TEST(contains(r.err, "6 failed"));
  BOOST_TEST(contains(r.err, rows[2].at("run_id") + ": failed: the run's process crashed"));
  BOOST_TEST(contains(testing::slurp(out / "logs" / (rows[4].at("run_id") + ".log")), "bad.h5"));
  BOOST_TEST(fs::exists(out / "runs" / (rows[4].at("run_id") + ".failed")));

  // A rerun retries the failed runs only; the crash is gone now, the bad file is not.
  auto stamps_before = stamps(out / "runs");
  auto again = testing::mindset(sweep(s, out, "--jobs 2"));
  BOOST_TEST(again.exit_code == 1);
  BOOST_TEST(contains(again.out + again.err, "8 runs: 3 completed (3 already done), 5 failed"));
  rows = read_csv(out / "summary.csv");
  BOOST_TEST(rows[2].at("status") == "completed");
  BOOST_TEST(!fs::exists(out / "runs" / (rows[2].at("run_id") + ".failed")));
  for (const auto& [name, st] : stamps_before) BOOST_TEST((stamps(out / "runs").at(name) == st));
}

BOOST_FIXTURE_TEST_CASE(fail_fast_stops_at_the_first_failure, Fixture) {
  dir.write("bad.h5", "not HDF5");
  fs::path s = dir.write("s.yaml", "experiment: base.yaml\ngrid:\n"
                                   "  data.train: [{type: hdf5, path: bad.h5, features: x, labels: y}, {type: flower}]\n"
                                   "  seed: [1, 2]\n");
  auto r = testing::mindset(sweep(s, dir / "out", "--jobs 1 --fail-fast"));
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(contains(r.err, "stopped at the first failure (--fail-fast)"));
  auto rows = read_csv(dir / "out" / "summary.csv");
  BOOST_REQUIRE(rows.size() == 4u);
  BOOST_TEST(rows[0].at("status") == "failed");
  for (std::size_t i = 1; i < 4; ++i) BOOST_TEST(rows[i].at("status") == "pending");
  BOOST_TEST(count_files(dir / "out" / "logs", ".log") == 1u);
}

BOOST_FIXTURE_TEST_CASE(shards_and_merge_equal_the_whole_sweep, Fixture) {
  fs::path s = dir.write("s.yaml", "experiment: base.yaml\ngrid:\n  model.layers[0].units: [1, 2, 5]\n"
                                   "  training.learning_rate: [1.2, 0.5]\n");
  auto full = testing::mindset(sweep(s, dir / "full", "--jobs 2"));
  BOOST_REQUIRE_MESSAGE(full.exit_code == 0, full.err);
  auto one = testing::mindset(sweep(s, dir / "sh", "--shard 1/2 --jobs 1"));
  BOOST_TEST(one.exit_code == 0, one.err);
  BOOST_TEST(contains(one.out, "3 runs in this shard: 3 completed"));
  BOOST_TEST(contains(one.out, "`mindset sweep --merge"));
  auto partial = testing::mindset("sweep --merge " + quote((dir / "sh").string()));
  BOOST_TEST(partial.exit_code == 1);  // the other shard's runs are missing
  BOOST_TEST(contains(partial.out, "3 completed, 0 failed, 3 pending"));
  auto two = testing::mindset(sweep(s, dir / "sh", "--shard 2/2 --jobs 2"));
  BOOST_TEST(two.exit_code == 0, two.err);
  auto merged = testing::mindset("sweep --merge " + quote((dir / "sh").string()));
  BOOST_TEST(merged.exit_code == 0, merged.out + merged.err);
  BOOST_TEST((content(dir / "full") == content(dir / "sh")));
  BOOST_TEST(content(dir / "full").size() == 6u);
  // The HDF5 summaries agree too, timings aside.
  auto py = testing::run(testing::python() + " -c " + quote(R"(
import sys, h5py, numpy as np
a, b = (h5py.File(d + '/summary.h5', 'r')['summary'] for d in sys.argv[1:3])
assert list(a) == list(b)
for k in a:
    if k != 'wall_seconds': assert np.array_equal(a[k][:], b[k][:], equal_nan=a[k].dtype.kind == 'f'), k
)") + " " + quote((dir / "full").string()) + " " + quote((dir / "sh").string()));
  BOOST_TEST(py.exit_code == 0, py.err);
}

BOOST_FIXTURE_TEST_CASE(slurm_array_script_submits_shards_and_a_merge, Fixture) {
  fs::path s = dir.write("s.yaml", "experiment: base.yaml\ngrid: {seed: [1, 2, 3]}\n");
  const std::string script = (testing::source_dir() / "scripts/slurm/sweep_array.sh").string();
  const std::string env = "MINDSET=" + quote(testing::mindset_bin()) + " ";
  // Submitting, with a stand-in sbatch that records what it was asked.
  fs::path fake = dir.write("bin/sbatch", "#!/bin/sh\necho \"$@\" >> \"$SBATCH_LOG\"\necho 4242\n");
  fs::permissions(fake, fs::perms::owner_all);
  auto sub = testing::run("PATH=" + quote((dir / "bin").string()) + ":$PATH SBATCH_LOG=" + quote((dir / "sbatch.log").string()) +
                          " SHARDS=2 " + env + script + " " + quote(s.string()) + " " + quote((dir / "out").string()));
  BOOST_REQUIRE_MESSAGE(sub.exit_code == 0, sub.err);
  std::string log = testing::slurp(dir / "sbatch.log");
  BOOST_TEST(contains(log, "--parsable --array=1-2 --cpus-per-task=4 --time=02:00:00 " + script + " " + s.string()), log);
  BOOST_TEST(contains(log, "--dependency=afterany:4242 --job-name=mindset-sweep-merge"), log);
  BOOST_TEST(contains(log, "sweep --merge " + (dir / "out").string()), log);
  // What each array task then runs.
  for (int k : {1, 2}) {
    auto t = testing::run("SLURM_ARRAY_TASK_ID=" + std::to_string(k + 4) + " SLURM_ARRAY_TASK_MIN=5 SLURM_ARRAY_TASK_COUNT=2 "
                          "SLURM_CPUS_PER_TASK=1 " + env + script + " " + quote(s.string()) + " " + quote((dir / "out").string()));
    BOOST_TEST(t.exit_code == 0, t.err);
    BOOST_TEST(contains(t.out, "runs in this shard"));
  }
  auto m = testing::mindset("sweep --merge " + quote((dir / "out").string()));
  BOOST_TEST(m.exit_code == 0, m.out + m.err);
  BOOST_TEST(contains(m.out, "3 runs: 3 completed, 0 failed, 0 pending"));
}

#ifdef MINDSET_MPIEXEC
BOOST_FIXTURE_TEST_CASE(mpi_hands_runs_out_and_writes_one_summary, Fixture) {
  fs::path s = dir.write("s.yaml", "experiment: base.yaml\ngrid:\n  model.layers[0].units: [1, 2, 5]\n"
                                   "  training.learning_rate: [1.2, 0.5]\n");
  auto full = testing::mindset(sweep(s, dir / "full", "--jobs 2"));
  BOOST_REQUIRE(full.exit_code == 0);
  auto r = testing::run("ASAN_OPTIONS=detect_leaks=0 " + std::string(MINDSET_MPIEXEC) + " --allow-run-as-root --oversubscribe -np 3 " + testing::mindset_bin() +
                        " " + sweep(s, dir / "mpi", "--mpi"));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.out + r.err);
  BOOST_TEST(contains(r.out, "over 3 MPI ranks"));
  BOOST_TEST(contains(r.out, "6 runs: 6 completed"));
  BOOST_TEST((content(dir / "full") == content(dir / "mpi")));
  // Resuming over MPI runs nothing again.
  auto again = testing::run("ASAN_OPTIONS=detect_leaks=0 " + std::string(MINDSET_MPIEXEC) + " --allow-run-as-root --oversubscribe -np 2 " + testing::mindset_bin() +
                            " " + sweep(s, dir / "mpi", "--mpi"));
  BOOST_TEST(again.exit_code == 0, again.err);
  BOOST_TEST(contains(again.out, "6 completed (6 already done)"));
}
#else
BOOST_AUTO_TEST_CASE(mpi_needs_an_mpi_build) {
  testing::TempDir d;
  d.write("base.yaml", kBase);
  fs::path s = d.write("s.yaml", "experiment: base.yaml\n");
  auto r = testing::mindset(sweep(s, d / "out", "--mpi"));
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(contains(r.err, "built without MPI; rebuild with ./scripts/build.sh -DMINDSET_MPI=ON"));
  BOOST_TEST_MESSAGE("MPI sweep test skipped: build with -DMINDSET_MPI=ON to run it");
}
#endif

BOOST_FIXTURE_TEST_CASE(no_value_writes_outside_the_output_folder, Fixture) {
  fs::create_directories(dir / "box");
  fs::path s = dir.write("box/evil.yaml", "experiment: ../base.yaml\nset: {training.iterations: 5}\n"
                                          "grid: {name: ['../../escaped', '" + (dir / "abs_escaped").string() + "', \"c\\x01\\n\", ok]}\n");
  auto r = testing::mindset(sweep(s, dir / "box" / "out", "-q"));
  BOOST_TEST(r.exit_code == 0, r.err);
  for (const auto& e : fs::recursive_directory_iterator(dir.path)) {
    std::string p = e.path().string();
    BOOST_TEST((!contains(p, "escaped") || p.rfind((dir / "box" / "out").string() + "/", 0) == 0), p);
  }
  BOOST_TEST(count_files(dir / "box" / "out" / "runs", ".h5") == 4u);
}

BOOST_FIXTURE_TEST_CASE(a_changed_sweep_is_detected_not_mixed, Fixture) {
  fs::path s = dir.write("s.yaml", "experiment: base.yaml\ngrid: {seed: [1, 2]}\n");
  BOOST_REQUIRE(testing::mindset(sweep(s, dir / "out", "-q")).exit_code == 0);
  dir.write("s.yaml", "experiment: base.yaml\ngrid: {seed: [1, 2, 3]}\n");
  auto r = testing::mindset(sweep(s, dir / "out"));
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(contains(r.err, "manifest.yaml: this folder holds the runs of a different sweep (1 run(s) not in it (seed=3-"));
  BOOST_TEST(contains(r.err, "--update"));
  auto o = testing::mindset(sweep(s, dir / "out") + " training.iterations=50");  // an override changes every run
  BOOST_TEST(o.exit_code == 2);
  BOOST_TEST(contains(o.err, "of its runs gone"));
  auto u = testing::mindset(sweep(s, dir / "out", "--update"));
  BOOST_TEST(u.exit_code == 0, u.err);
  BOOST_TEST(contains(u.out, "3 runs: 3 completed (2 already done)"));
  BOOST_TEST(read_csv(dir / "out" / "summary.csv").size() == 3u);
  auto list = testing::mindset(sweep(s, dir / "out", "--list"));
  BOOST_TEST(list.exit_code == 0);
  BOOST_TEST(contains(list.out, "completed seed=3-"));
  BOOST_TEST(contains(list.out, "3 runs (0 to run)"));
}

BOOST_FIXTURE_TEST_CASE(command_line_errors, Fixture) {
  fs::path s = dir.write("s.yaml", "experiment: base.yaml\ngrid: {seed: [1, 2]}\n");
  auto expect = [](const std::string& args, const std::string& part) {
    auto r = testing::mindset(args);
    BOOST_TEST(r.exit_code == 2, args);
    BOOST_TEST(contains(r.err, part), args << " => " << r.err);
  };
  expect("sweep", "give a sweep file");
  expect("sweep " + quote((dir / "nowhere.yaml").string()), "sweep file not found");
  expect(sweep(s, dir / "o1", "--shard 3/2"), "--shard '3/2': expected K/N with 1 <= K <= N");
  expect(sweep(s, dir / "o1", "--shard x"), "expected K/N");
  expect(sweep(s, dir / "o1", "--jobs 0"), "jobs");
  expect("sweep --merge " + quote((dir / "o1").string()), "holds no sweep (no manifest.yaml)");
  expect("sweep " + quote(s.string()) + " --merge " + quote((dir / "o1").string()), "--merge DIR takes no sweep file");
  expect(sweep(s, dir / "o1") + " training.learnin_rate=1", "did you mean 'training.learning_rate'");
  dir.write("bad.yaml", "experiment: base.yaml\ngrid:\n  model.layers[0].units: [2, -1]\n");
  expect(sweep(dir / "bad.yaml", dir / "o1"), "bad.yaml:3:30: model.layers[0].units: must be >= 1, found -1 [run 2 of 2 (units=-1)]");
  BOOST_TEST(!fs::exists(dir / "o1"));  // nothing written for a sweep that does not validate
  dir.write("file", "x");
  expect(sweep(s, dir / "file"), "is a file, not a folder");
}

BOOST_FIXTURE_TEST_CASE(progress_line_on_a_tty, Fixture) {
  if (testing::run("command -v script").exit_code != 0) {
    BOOST_TEST_MESSAGE("skipped: no `script` to give the sweep a terminal");
    return;
  }
  fs::path s = dir.write("s.yaml", "experiment: base.yaml\ngrid: {seed: [1, 2, 3]}\n");
  auto r = testing::run("script -qefc " + quote(testing::mindset_bin() + " " + sweep(s, dir / "out", "--jobs 1")) + " /dev/null");
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(contains(r.out, "sweep: 0/3 runs done, 0 failed, 1 running, elapsed 0:00, ETA ?"));
  BOOST_TEST(contains(r.out, "3/3 runs done, 0 failed"));
}

BOOST_AUTO_TEST_CASE(every_sweep_file_in_configs_runs) {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(testing::source_dir() / "configs")) {
    const std::string text = testing::slurp(e.path());
    const bool is_sweep = text.rfind("experiment:", 0) == 0 || text.find("\nexperiment:") != std::string::npos;
    if (e.path().extension() != ".yaml" || !is_sweep) continue;
    if (contains(e.path().string(), "catvnoncat") && !fs::exists(testing::source_dir() / "data" / "catvnoncat")) {
      BOOST_TEST_MESSAGE("skipped " << e.path() << ": data/catvnoncat not linked (scripts/test.sh links it)");
      continue;
    }
    testing::TempDir t;
    auto r = testing::mindset(sweep(e.path(), t / "out", "-q") + " training.iterations=5");
    BOOST_TEST(r.exit_code == 0, e.path() << ": " << r.err);
    BOOST_TEST(read_csv(t / "out" / "summary.csv").size() >= 1u);
    ++n;
  }
  BOOST_TEST(n >= 1u);
}
