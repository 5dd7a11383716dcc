// What mindset promises when things go wrong around it (docs/reliability.md): a full disk, a
// read-only folder or a file size limit during a write of results, checkpoints, sweep manifests
// and summaries is a clear error, exit non-zero, the previous file untouched and no temporary
// file left; stale temporary files of killed writers never block a run; hostile run names stay
// in the output folder. (Kills at random moments: test_checkpoint.cpp and test_sweep_run.cpp;
// hostile data and results files: test_hostile_input.cpp.)
#define BOOST_TEST_MODULE reliability
#include <sys/stat.h>

#include <csignal>
#include <set>

#include "fault_testing.hpp"
#include "sweep_testing.hpp"

using namespace fault_testing;
using sweep_testing::contains;
using testing::quote;
namespace fs = std::filesystem;

namespace {

const char* kRun = R"(seed: 3
data: {train: {type: flower}}
model:
  init: he_normal
  layers: [{units: 8, activation: tanh}, {units: 1, activation: sigmoid}]
training: {optimizer: adam, learning_rate: 0.01, iterations: 400, batch_size: 50, checkpoint_every: 20}
)";

std::string train(const fs::path& cfg, const fs::path& out, const std::string& more = "") {
  return "train " + quote(cfg.string()) + " -o " + quote(out.string()) + " --quiet " + more;
}

// The folder's entries, names only (for "nothing else was left here").
std::set<std::string> entries(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

std::string host() {
  char buf[256] = {};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

// `mindset <args>` under `ulimit -f kib` (in bash, which counts KiB; dash counts 512-byte
// blocks). Its output goes through a pipe: the limit would stop it reaching a file too.
testing::Result limited(int kib, const std::string& args) {
  return testing::run("bash -c " + quote("set -o pipefail; { (ulimit -f " + std::to_string(kib) + "; exec " +
                                         testing::mindset_bin() + " " + args + ") 2>&1 1>&3 | cat >&2; } 3>&1 | cat"));
}

}  // namespace

// ---- write failures -------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_full_disk_keeps_the_previous_results_and_checkpoint) {
  testing::TempDir t;
  const fs::path cfg = t.write("c.yaml", kRun);
  Tmpfs disk(t / "disk", 1024);
  if (!disk.ok()) {
    BOOST_TEST_MESSAGE("skipped: cannot mount a small tmpfs (" << disk.why_not() << "); run the suite as root");
    return;
  }
  const fs::path out = t / "disk" / "r.h5", ckpt = t / "disk" / "r.h5.ckpt.h5";
  BOOST_REQUIRE(testing::mindset(train(cfg, t / "ref.h5")).exit_code == 0);
  // An interrupted run leaves its results and a checkpoint on the disk...
  pid_t pid = spawn({cfg.string(), "-o", out.string(), "--quiet"}, t / "log.txt");
  int code = -1;
  BOOST_REQUIRE_MESSAGE(wait_for_checkpoint(pid, ckpt, 100, &code), "run ended early, exit " << code);
  ::kill(pid, SIGINT);
  BOOST_REQUIRE(wait_for(pid) == 130);
  const std::string results_before = testing::slurp(out), ckpt_before = testing::slurp(ckpt);
  // ...then the disk fills up: the resumed run warns at each checkpoint, fails at the results.
  disk.fill(4);
  auto r = testing::mindset(train(cfg, out, "--resume"));
  BOOST_TEST(r.exit_code == 1, r.err);
  BOOST_TEST(contains(r.err, "warning: writing checkpoint to " + ckpt.string()), r.err);
  BOOST_TEST(contains(r.err, "No space left on device; training goes on without it"), r.err);
  BOOST_TEST(contains(r.err, "error: writing results to " + out.string() + " failed: No space left on device"), r.err);
  BOOST_TEST(testing::slurp(out) == results_before);
  BOOST_TEST(testing::slurp(ckpt) == ckpt_before);
  BOOST_TEST((entries(t / "disk") == std::set<std::string>{"r.h5", "r.h5.ckpt.h5", "filler"}));
  // Space again: the run resumes from the checkpoint that survived and ends as if never stopped.
  disk.unfill();
  auto again = testing::mindset(train(cfg, out, "--resume"));
  BOOST_REQUIRE_MESSAGE(again.exit_code == 0, again.err);
  BOOST_TEST(compare_in_process(t / "ref.h5", out) == "");
  BOOST_TEST((entries(t / "disk") == std::set<std::string>{"r.h5"}));
}

BOOST_AUTO_TEST_CASE(a_read_only_folder_is_refused_before_training) {
  testing::TempDir t;
  const fs::path cfg = t.write("c.yaml", kRun);
  Tmpfs ro(t / "ro", 1024);  // read-only even for root
  const bool mounted = ro.ok();
  if (!mounted && ::geteuid() == 0) {
    BOOST_TEST_MESSAGE("skipped: root ignores permissions and no tmpfs can be mounted (" << ro.why_not() << ")");
    return;
  }
  const fs::path out = t / "ro" / "r.h5";
  BOOST_REQUIRE(testing::mindset(train(cfg, out, "training.iterations=5")).exit_code == 0);
  const std::string sweep_file = t.write("ro/s.yaml", "experiment: ../c.yaml\nset: {training.iterations: 5}\ngrid: {seed: [1, 2]}\n");
  BOOST_REQUIRE(testing::mindset(sweep_testing::sweep(sweep_file, t / "ro" / "sw", "-q")).exit_code == 0);
  const std::string before = testing::slurp(out), manifest = testing::slurp(t / "ro" / "sw" / "manifest.yaml");
  if (mounted) BOOST_REQUIRE(ro.read_only());
  else fs::permissions(t / "ro", fs::perms::owner_write, fs::perm_options::remove);
  auto r = testing::mindset(train(cfg, out, "training.iterations=6"));
  BOOST_TEST(r.exit_code == 2, r.err);
  BOOST_TEST(r.err == "error: cannot write to the output folder " + (t / "ro").string() + ": " +
                          (mounted ? "Read-only file system" : "Permission denied") + "\n");
  BOOST_TEST(testing::slurp(out) == before);
  // The default output folder (results/) cannot be made there either.
  auto d = testing::run("cd " + quote((t / "ro").string()) + " && " + testing::mindset_bin() + " train ../c.yaml --quiet");
  BOOST_TEST(d.exit_code == 2, d.err);
  BOOST_TEST(contains(d.err, "error: cannot create the output folder results"), d.err);
  // A sweep whose folder cannot be written: one clear line, nothing changed.
  auto s = testing::mindset(sweep_testing::sweep(sweep_file, t / "ro" / "sw", "-q") + " training.iterations=6 --update");
  BOOST_TEST(s.exit_code != 0);
  BOOST_TEST(std::count(s.err.begin(), s.err.end(), '\n') == 1, s.err);
  BOOST_TEST(contains(s.err, "manifest.yaml"), s.err);
  BOOST_TEST(testing::slurp(t / "ro" / "sw" / "manifest.yaml") == manifest);
  if (!mounted) fs::permissions(t / "ro", fs::perms::owner_write, fs::perm_options::add);
}

BOOST_AUTO_TEST_CASE(sweep_manifest_and_summary_write_failures_keep_the_previous_files) {
  testing::TempDir t;
  t.write("base.yaml", sweep_testing::kBase);
  const fs::path s = t.write("s.yaml", "experiment: base.yaml\nset: {training.iterations: 20}\ngrid: {seed: [1, 2, 3]}\n");
  const fs::path out = t / "out";
  BOOST_REQUIRE(testing::mindset(sweep_testing::sweep(s, out, "-q")).exit_code == 0);
  const std::string manifest = testing::slurp(out / "manifest.yaml"), csv = testing::slurp(out / "summary.csv"),
                    h5 = testing::slurp(out / "summary.h5");
  BOOST_REQUIRE(csv.size() < 2048 && h5.size() > 2048);
  // No byte may be written (as on a full disk): the manifest is the first write.
  auto m = limited(0, sweep_testing::sweep(s, out, "-q"));
  BOOST_TEST(m.exit_code == 1, m.err);
  BOOST_TEST(m.err == "error: writing manifest.yaml to " + (out / "manifest.yaml").string() + " failed: File too large\n");
  // 2 KiB: summary.csv fits, summary.h5 does not.
  auto h = limited(2, "sweep --merge " + quote(out.string()) + " -q");
  BOOST_TEST(h.exit_code == 1, h.err);
  BOOST_TEST(h.err == "error: writing summary to " + (out / "summary.h5").string() + " failed: File too large\n");
  BOOST_TEST(testing::slurp(out / "manifest.yaml") == manifest);
  BOOST_TEST(testing::slurp(out / "summary.csv") == csv);
  BOOST_TEST(testing::slurp(out / "summary.h5") == h5);
  BOOST_TEST(temp_files(out).empty());
}

BOOST_AUTO_TEST_CASE(a_sweep_on_a_full_disk_fails_cleanly_and_resumes) {
  testing::TempDir t;
  t.write("base.yaml", sweep_testing::kBase);
  const fs::path s = t.write("s.yaml", "experiment: base.yaml\nset: {training.iterations: 20}\ngrid: {seed: [1, 2, 3, 4]}\n");
  BOOST_REQUIRE(testing::mindset(sweep_testing::sweep(s, t / "ref", "-q")).exit_code == 0);
  Tmpfs disk(t / "disk", 1024);
  if (!disk.ok()) {
    BOOST_TEST_MESSAGE("skipped: cannot mount a small tmpfs (" << disk.why_not() << "); run the suite as root");
    return;
  }
  const fs::path out = t / "disk" / "out";
  fs::create_directories(out);
  disk.fill(24);  // the manifest fits; runs' results (tens of KiB each) do not
  auto r = testing::mindset(sweep_testing::sweep(s, out, "--jobs 2 -q"));
  BOOST_TEST(r.exit_code != 0);
  BOOST_TEST(r.exit_code < 128, "crashed: " << r.err);
  BOOST_TEST(contains(r.err, "No space left on device"), r.err);
  BOOST_TEST(temp_files(out).empty(), first_temp_file(out));
  disk.unfill();
  auto again = testing::mindset(sweep_testing::sweep(s, out, "--jobs 2"));
  BOOST_TEST(again.exit_code == 0, again.out + again.err);
  BOOST_TEST((sweep_testing::content(out) == sweep_testing::content(t / "ref")));
  BOOST_TEST(temp_files(out).empty());
}

// ---- stale temporary files ------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(stale_temporary_files_are_cleaned_and_live_ones_kept) {
  testing::TempDir t;
  const fs::path cfg = t.write("c.yaml", kRun);
  const std::string dead = std::to_string(dead_pid()), alive = std::to_string(::getpid());
  const std::vector<std::string> stale = {".r.h5.tmp-" + dead + "-0000dead@" + host(), ".r.h5.tmp-" + dead + "-0000beef",
                                          ".r.h5.ckpt.h5.tmp-" + dead + "-00c0ffee@" + host()};
  const std::vector<std::string> kept = {".r.h5.tmp-" + alive + "-00000a11@" + host(),  // a writer still at work
                                         ".r.h5.tmp-" + dead + "-00000e15@another-host"};  // pid of another machine
  for (const auto& n : stale) t.write(n, "half a file");
  for (const auto& n : kept) t.write(n, "half a file");
  auto r = testing::mindset(train(cfg, t / "r.h5", "training.iterations=5"));
  BOOST_TEST(r.exit_code == 0, r.err);
  for (const auto& n : stale) BOOST_TEST(!fs::exists(t / n), n);
  for (const auto& n : kept) BOOST_TEST(fs::exists(t / n), n);
  BOOST_TEST(attr(t / "r.h5", "status") == "completed");

  // Sweeps: the manifest's, the summaries', and a pending run's results, checkpoint and failure.
  t.write("base.yaml", sweep_testing::kBase);
  const fs::path s = t.write("s.yaml", "experiment: base.yaml\nset: {training.iterations: 5}\ngrid: {seed: [1, 2]}\n");
  const fs::path out = t / "out";
  BOOST_REQUIRE(testing::mindset(sweep_testing::sweep(s, out, "-q")).exit_code == 0);
  const std::string id = sweep_testing::read_csv(out / "summary.csv").at(1).at("run_id");
  fs::remove(out / "runs" / (id + ".h5"));
  std::vector<std::string> sweep_stale = {".manifest.yaml.tmp-" + dead + "-00000001@" + host(),
                                          ".summary.csv.tmp-" + dead + "-00000002@" + host(),
                                          ".summary.h5.tmp-" + dead + "-00000003@" + host(),
                                          "runs/." + id + ".h5.tmp-" + dead + "-00000004@" + host(),
                                          "runs/." + id + ".h5.ckpt.h5.tmp-" + dead + "-00000005@" + host(),
                                          "runs/." + id + ".failed.tmp-" + dead + "-00000006@" + host()};
  for (const auto& n : sweep_stale) t.write("out/" + n, "half a file");
  auto sw = testing::mindset(sweep_testing::sweep(s, out));
  BOOST_TEST(sw.exit_code == 0, sw.err);
  BOOST_TEST(contains(sw.out, "2 runs: 2 completed (1 already done)"), sw.out);
  BOOST_TEST(temp_files(out).empty(), first_temp_file(out));
}

// ---- hostile names --------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(run_names_never_escape_the_results_folder) {
  testing::TempDir t;
  fs::create_directories(t / "box");
  const std::vector<std::string> names = {"../../escape1", (t / "escape2").string(), "a/../../escape3", "..", ".", "/",
                                          "\\u0000escape4", "c\\x01\\x1b[31m\\nescape5", "~/escape6", std::string(300, 'n'),
                                          "-o", "${HOME}"};
  std::set<std::string> files;
  for (const auto& n : names) {
    BOOST_TEST_CONTEXT("name: \"" << n << "\"") {
      const fs::path cfg = t.write("n.yaml", "name: \"" + n + "\"\n" + kRun);
      auto r = testing::run("cd " + quote((t / "box").string()) + " && " + testing::mindset_bin() + " train " +
                            quote(cfg.string()) + " training.iterations=2");
      BOOST_TEST(r.exit_code == 0, r.err);
      const std::string line = r.out.substr(r.out.find("results: ") + 9);
      const fs::path written = line.substr(0, line.find('\n'));
      BOOST_TEST(written.parent_path() == "results");
      BOOST_TEST(written.filename().string().size() <= 203u);
      BOOST_TEST(fs::exists(t / "box" / written));
      files.insert(written.string());
    }
  }
  // As a command-line override, too.
  auto o = testing::run("cd " + quote((t / "box").string()) + " && " + testing::mindset_bin() + " train " +
                        quote((t / "n.yaml").string()) + " training.iterations=2 --quiet " + quote("name=../../../escape7"));
  BOOST_TEST(o.exit_code == 0, o.err);
  for (const auto& e : fs::recursive_directory_iterator(t.path)) {
    const std::string p = e.path().string();
    BOOST_TEST((!contains(p, "escape") || p.rfind((t / "box" / "results").string() + "/", 0) == 0), p);
  }
  BOOST_TEST(files.size() >= names.size() - 3);  // "..", "." and "/" may share a name
  // Sweeps: `name:` of the sweep names its default folder.
  t.write("base.yaml", sweep_testing::kBase);
  t.write("box/s.yaml", "name: ../../../sweep_escape\nexperiment: ../base.yaml\nset: {training.iterations: 2}\n"
                        "grid: {name: [\"\\0x\", \"../y\"]}\n");
  auto s = testing::run("cd " + quote((t / "box").string()) + " && " + testing::mindset_bin() + " sweep s.yaml -q");
  BOOST_TEST(s.exit_code == 0, s.err);
  for (const auto& e : fs::recursive_directory_iterator(t.path)) {
    const std::string p = e.path().string();
    BOOST_TEST((!contains(p, "sweep_escape") || p.rfind((t / "box" / "results").string() + "/", 0) == 0), p);
  }
}
