// Checkpoints and resume: the file round trip; SIGKILL at several iterations, then --resume,
// ends bit-identical (parameters and history) to an uninterrupted run for every optimiser with
// mini-batches and dropout; SIGINT/SIGTERM leave a valid `interrupted` file; a checkpoint of
// another config is refused; --resume with nothing to resume, or nothing left to do; SIGKILL at
// random moments (20 trials) never leaves a partial file at the final path.
#define BOOST_TEST_MODULE checkpoint
#include <random>

#include "checkpoint.hpp"
#include "config.hpp"
#include "fault_testing.hpp"
#include "random.hpp"
#include "trainer.hpp"
#include "yaml_tree.hpp"

using namespace mindset;
using namespace fault_testing;
namespace fs = std::filesystem;

namespace {

const char* kConfig = R"(
seed: 4
data: {train: {type: flower, examples: 200}}
model:
  init: he_normal
  layers:
    - {units: 16, activation: relu}
    - {type: dropout, rate: 0.2}
    - {units: 8, activation: tanh}
    - {units: 1, activation: sigmoid}
training: {optimizer: adam, learning_rate: 0.01, iterations: 600, batch_size: 16, checkpoint_every: 20}
)";

}  // namespace

BOOST_AUTO_TEST_CASE(file_round_trip_and_differences) {
  h5::quiet();
  testing::TempDir t;
  Checkpoint c;
  c.config = "seed: 1\n";
  c.strings["started_at"] = "2026-01-01T00:00:00Z";
  c.reals["gauss"] = -0.1234567890123456789;
  c.reals["best"] = std::numeric_limits<double>::infinity();
  c.integers["iteration"] = 123456789012LL;
  c.int_vectors["rng/key"] = {0, 4294967295LL, 17};
  c.real_vectors["history/cost"] = {0.1, 1e-300, std::nan("")};
  c.arrays["model/layer_1/W"] = xt::xtensor<double, 2>{{1.0 / 3, 2}, {3, 4}};
  const std::string path = (t / "c.ckpt.h5").string();
  write_checkpoint(path, c);
  Checkpoint r = read_checkpoint(path);
  BOOST_TEST(r.config == c.config);
  BOOST_TEST(r.strings["started_at"] == c.strings["started_at"]);
  BOOST_TEST(r.real("gauss") == c.reals["gauss"]);
  BOOST_TEST(std::isinf(r.real("best")));
  BOOST_TEST(r.integer("iteration") == 123456789012LL);
  BOOST_TEST(r.int_vectors["rng/key"] == c.int_vectors["rng/key"], boost::test_tools::per_element());
  BOOST_TEST(r.real_vectors["history/cost"][1] == 1e-300);
  BOOST_TEST(std::isnan(r.real_vectors["history/cost"][2]));
  BOOST_TEST(r.array("model/layer_1/W") == c.arrays["model/layer_1/W"]);
  BOOST_CHECK_THROW(r.integer("missing"), std::runtime_error);
  BOOST_TEST(!has_temp_files(t.path));

  t.write("bad.ckpt.h5", "not hdf5");
  BOOST_CHECK_THROW(read_checkpoint((t / "bad.ckpt.h5").string()), UserError);

  auto a = parse_yaml("{training: {learning_rate: 0.01, iterations: 5}, model: {layers: [{units: 3}]}}", nullptr);
  auto b = parse_yaml("{training: {learning_rate: 0.02, iterations: 5}, model: {layers: [{units: 3}]}}", nullptr);
  BOOST_TEST(first_difference(a, b) == "training.learning_rate: 0.01 in the checkpoint, 0.02 now");
  auto c2 = parse_yaml("{training: {learning_rate: 0.01, iterations: 5}, model: {layers: [{units: 4}]}}", nullptr);
  BOOST_TEST(first_difference(a, c2) == "model.layers[0].units: 3 in the checkpoint, 4 now");
  BOOST_TEST(first_difference(a, a) == "");
}

BOOST_AUTO_TEST_CASE(sigkill_then_resume_is_bit_identical_for_every_optimizer) {
  testing::TempDir t;
  const std::string cfg = t.write("c.yaml", kConfig).string();
  const std::vector<std::string> optimizers = {"gd", "{type: momentum, beta: 0.9, nesterov: true}", "rmsprop", "adam"};
  for (const auto& opt : optimizers) {
    BOOST_TEST_CONTEXT(opt) {
      const std::string set = "training.optimizer=" + opt;
      auto full = testing::mindset("train " + cfg + " -o " + (t / "full.h5").string() + " --quiet training.checkpoint_every=0 " +
                                    testing::quote(set));
      BOOST_REQUIRE_MESSAGE(full.exit_code == 0, full.err);
      BOOST_TEST(!fs::exists(t / "full.h5.ckpt.h5"));  // removed when the run completes

      const fs::path part = t / "part.h5", ckpt = t / "part.h5.ckpt.h5";
      int kills = 0;
      long long last = -1;
      // Kills land early enough that a loaded machine still catches the runs mid-way; a run
      // that nevertheless finished first ends the series (and is still compared below).
      for (long long target : {60, 150, 240}) {
        pid_t pid = spawn({cfg, "-o", part.string(), "--quiet", "--resume", set}, t / "log.txt");
        int code = -1;
        if (!wait_for_checkpoint(pid, ckpt, target, &code)) {
          BOOST_TEST_MESSAGE("run ended (exit " << code << ") before iteration " << target);
          break;
        }
        ::kill(pid, SIGKILL);
        if (wait_for(pid) != 128 + SIGKILL) {
          BOOST_TEST_MESSAGE("run finished before the kill at iteration " << target);
          break;
        }
        ++kills;
        BOOST_TEST(!fs::exists(part), "a killed run left a file at its final path");
        const long long at = checkpoint_iteration(ckpt);
        BOOST_TEST(at >= target);
        BOOST_TEST(at > last);
        last = at;
      }
      BOOST_TEST(kills >= 1);
      auto resumed = testing::mindset("train " + cfg + " -o " + part.string() + " --quiet --resume " + testing::quote(set));
      BOOST_REQUIRE_MESSAGE(resumed.exit_code == 0, resumed.err);
      BOOST_TEST(compare(t / "full.h5", part) == "");
      BOOST_TEST(attr(part, "resumed_from") == std::to_string(last));
      BOOST_TEST(attr(part, "status") == "completed");
      BOOST_TEST(!fs::exists(ckpt));
      BOOST_TEST(!has_temp_files(t.path), "temporary files of killed writes are cleaned up");
      fs::remove(part);
    }
  }
}

BOOST_AUTO_TEST_CASE(sigint_and_sigterm_leave_an_interrupted_file) {
  testing::TempDir t;
  const std::string cfg = t.write("c.yaml", kConfig).string();
  auto full = testing::mindset("train " + cfg + " -o " + (t / "full.h5").string() + " --quiet training.checkpoint_every=0");
  BOOST_REQUIRE_MESSAGE(full.exit_code == 0, full.err);
  for (int sig : {SIGINT, SIGTERM}) {
    const fs::path out = t / "int.h5", ckpt = t / "int.h5.ckpt.h5";
    pid_t pid = spawn({cfg, "-o", out.string()}, t / "log.txt");
    int code = -1;
    BOOST_REQUIRE_MESSAGE(wait_for_checkpoint(pid, ckpt, 150, &code), "run ended early, exit " << code);
    ::kill(pid, sig);
    BOOST_TEST(wait_for(pid) == 128 + sig);
    BOOST_TEST(attr(out, "status") == "interrupted");
    BOOST_TEST(attr(out, "interrupted_by") == (sig == SIGINT ? "SIGINT" : "SIGTERM"));
    const std::string done = attr(out, "iterations_done");
    BOOST_TEST(std::stoll(done) >= 150);
    BOOST_TEST(std::stoll(done) < 600);
    BOOST_TEST(checkpoint_iteration(ckpt) == std::stoll(done));  // the checkpoint is that very state
    const std::string log = testing::slurp(t / "log.txt");
    BOOST_TEST(log.find("--resume") != std::string::npos, log);
    // The interrupted file is whole: every dataset reads.
    auto py = testing::run(testing::python() + " -c \"import h5py; f=h5py.File('" + out.string() +
                           "','r'); f.visititems(lambda n,o: o[()] if isinstance(o, h5py.Dataset) else None); "
                           "print(len(f['history/cost']), f['model/layer_1/W'].shape)\"");
    BOOST_TEST(py.out == done + " (16, 2)\n", py.out + py.err);
    if (sig == SIGINT) {
      auto resumed = testing::mindset("train " + cfg + " -o " + out.string() + " --resume");
      BOOST_REQUIRE_MESSAGE(resumed.exit_code == 0, resumed.err);
      BOOST_TEST(resumed.err.find("resuming from the checkpoint at iteration " + done) != std::string::npos, resumed.err);
      BOOST_TEST(compare(t / "full.h5", out) == "");
    }
    fs::remove(out);
    fs::remove(ckpt);
  }
  // Two Ctrl-Cs in a row: the process exits 130 at once, and leaves no temporary file.
  pid_t pid = spawn({cfg, "-o", (t / "twice.h5").string()}, t / "log.txt");
  int code = -1;
  BOOST_REQUIRE(wait_for_checkpoint(pid, t / "twice.h5.ckpt.h5", 100, &code));
  ::kill(pid, SIGINT);
  ::kill(pid, SIGINT);
  BOOST_TEST(wait_for(pid) == 130);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  BOOST_TEST(!has_temp_files(t.path));
}

BOOST_AUTO_TEST_CASE(resume_refuses_another_config_and_knows_when_it_is_done) {
  testing::TempDir t;
  const std::string cfg = t.write("c.yaml", kConfig).string();
  const std::string out = (t / "r.h5").string(), ckpt = out + ".ckpt.h5";
  auto full = testing::mindset("train " + cfg + " -o " + (t / "full.h5").string() + " --quiet training.checkpoint_every=0");
  BOOST_REQUIRE(full.exit_code == 0);

  // No checkpoint: --resume starts from scratch.
  auto fresh = testing::mindset("train " + cfg + " -o " + out + " --quiet --resume");
  BOOST_REQUIRE_MESSAGE(fresh.exit_code == 0, fresh.err);
  BOOST_TEST(compare(t / "full.h5", out) == "");
  // Complete, same config: nothing to do, the file untouched.
  const auto mtime = fs::last_write_time(out);
  auto again = testing::mindset("train " + cfg + " -o " + out + " --resume");
  BOOST_TEST(again.exit_code == 0, again.err);
  BOOST_TEST(again.out.find("already completed, nothing to do") != std::string::npos, again.out);
  BOOST_TEST((fs::last_write_time(out) == mtime));
  // Complete but another config: trained again.
  auto other = testing::mindset("train " + cfg + " -o " + out + " --quiet --resume training.iterations=50");
  BOOST_TEST(other.exit_code == 0, other.err);
  BOOST_TEST(attr(out, "iterations_done") == "50");

  // A checkpoint of another config is refused, and nothing is touched.
  pid_t pid = spawn({cfg, "-o", out}, t / "log.txt");
  int code = -1;
  BOOST_REQUIRE(wait_for_checkpoint(pid, ckpt, 100, &code));
  ::kill(pid, SIGINT);
  BOOST_TEST(wait_for(pid) == 130);
  const std::string before = testing::slurp(ckpt), results_before = testing::slurp(out);
  auto refused = testing::mindset("train " + cfg + " -o " + out + " --resume training.learning_rate=0.02");
  BOOST_TEST(refused.exit_code == 2);
  BOOST_TEST(refused.err.find("was written for a different config (training.learning_rate: 0.01 in the checkpoint, "
                              "0.02 now)") != std::string::npos, refused.err);
  BOOST_TEST(testing::slurp(ckpt) == before);
  BOOST_TEST(testing::slurp(out) == results_before);
  // An unreadable checkpoint is an error too, with the way out.
  const std::string saved = before;
  t.write("r.h5.ckpt.h5", "garbage");
  auto garbage = testing::mindset("train " + cfg + " -o " + out + " --resume");
  BOOST_TEST(garbage.exit_code == 2);
  BOOST_TEST(garbage.err.find("remove it") != std::string::npos, garbage.err);
  // Without --resume a run starts from scratch (saying so) and removes the old checkpoint.
  auto scratch = testing::mindset("train " + cfg + " -o " + out);
  BOOST_TEST(scratch.exit_code == 0, scratch.err);
  BOOST_TEST(scratch.err.find("starting from scratch") != std::string::npos, scratch.err);
  BOOST_TEST(!fs::exists(ckpt));
  BOOST_TEST(compare(t / "full.h5", out) == "");
}

// In process, through TrainOptions: interrupted mid-epoch at several points, float32, with every
// piece of loop state in play (partial-epoch sums, early stopping's best and patience, the
// evaluation and recording schedules, a cosine schedule, L2, dropout) — resumed runs end equal.
BOOST_AUTO_TEST_CASE(every_piece_of_loop_state_survives_a_resume) {
  const char* cfg = R"(
seed: 8
dtype: float32
data: {train: {type: flower}}
model:
  init: he_normal
  layers: [{units: 24, activation: relu}, {type: dropout, rate: 0.3}, {units: 1, activation: sigmoid}]
training:
  optimizer: {type: rmsprop, beta: 0.95}
  learning_rate: 0.02
  epochs: 60
  batch_size: 7
  l2: 0.01
  schedule: cosine
  record_every: 2
  evaluate_every: 9
  early_stopping: {patience: 6, min_delta: 0.001}
)";
  Experiment e = resolve_experiment(parse_yaml(cfg, nullptr), "s.yaml", {});
  NumpyRandom r(3);
  auto make = [&](std::size_t m) {
    Dataset d;
    d.x = xt::xtensor<double, 2>::from_shape({2, m});
    d.y.resize(m);
    for (std::size_t j = 0; j < m; ++j) {
      d.x(0, j) = r.standard_normal();
      d.x(1, j) = r.standard_normal();
      d.y[j] = (d.x(0, j) * d.x(1, j) > 0) != (r.random_sample() < 0.2) ? 1.0 : 0.0;
    }
    return d;
  };
  DataBundle b;
  b.train = make(45);
  b.validation = make(30);
  b.test = make(30);
  TrainOptions plain;
  plain.quiet = true;
  TrainOutcome full = train_experiment(e, b, plain);
  BOOST_TEST_MESSAGE("full run: " << full.stop_reason);
  BOOST_REQUIRE(full.iterations_done > 40);

  testing::TempDir t;
  volatile std::sig_atomic_t stop = 0;
  TrainOptions o = plain;
  o.checkpoint = (t / "s.ckpt.h5").string();
  o.stop = &stop;
  TrainOutcome last;
  for (long long k : {5LL, 17LL, full.iterations_done / 2, full.iterations_done - 3}) {
    stop = 0;
    o.resume = fs::exists(o.checkpoint);
    o.after_iteration = [&](long long it) {
      if (it == k) stop = SIGTERM;
    };
    TrainOutcome part = train_experiment(e, b, o);
    BOOST_TEST(part.status == "interrupted");
    BOOST_TEST(part.iterations_done == k);
    BOOST_TEST(part.signal == SIGTERM);
  }
  stop = 0;
  o.resume = true;
  o.after_iteration = nullptr;
  last = train_experiment(e, b, o);
  BOOST_TEST(last.status == "completed");
  BOOST_TEST(last.resumed_from == full.iterations_done - 3);
  BOOST_TEST(last.stop_reason == full.stop_reason);
  BOOST_TEST((last.best_epoch == full.best_epoch));
  full.history.for_each([&](const char* name, auto& v) {
    bool same = false;
    last.history.for_each([&](const char* n2, auto& w) {
      if (std::string(n2) == name) {
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::decay_t<decltype(w)>>) same = v == w;
      }
    });
    BOOST_TEST(same, "history/" << name);
  });
  for (std::size_t k = 0; k < full.parameters.size(); ++k) BOOST_TEST(full.parameters[k].second == last.parameters[k].second);
  BOOST_TEST((last.test_metric == full.test_metric));
}

// A checkpoint that cannot be written (here: past the file size limit) is a warning: training
// goes on and the results are written.
BOOST_AUTO_TEST_CASE(a_failed_checkpoint_does_not_stop_the_run) {
  testing::TempDir t;
  const std::string cfg = t.write("c.yaml", kConfig).string();
  // 40 KiB (bash counts 1024-byte blocks): the results (~28 KiB) fit, the checkpoint with Adam's
  // moments and the RNG state does not.
  auto r = testing::run("bash -c " + testing::quote("ulimit -f 40; " + testing::mindset_bin() + " train " + cfg + " -o " +
                                                    (t / "f.h5").string() + " --quiet training.iterations=25"));
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.err.find("warning: writing checkpoint to") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("File too large; training goes on without it") != std::string::npos, r.err);
  BOOST_TEST(attr(t / "f.h5", "status") == "completed");
  BOOST_TEST(!fs::exists(t / "f.h5.ckpt.h5"));
  BOOST_TEST(!has_temp_files(t.path));
}

// SIGKILL at random moments — while loading data, between iterations, mid-checkpoint, mid-write
// of the results or after it — twice per trial, then --resume: a file at the final path is
// always complete (and the right one), and every trial ends bit-identical to an uninterrupted run,
// with no temporary file left.
BOOST_AUTO_TEST_CASE(sigkill_at_random_moments_never_leaves_a_partial_file) {
  testing::TempDir t;
  const std::string cfg = t.write("k.yaml", R"(
seed: 6
data: {train: {type: flower}}
model:
  init: he_normal
  layers: [{units: 32, activation: relu}, {units: 16, activation: relu}, {units: 1, activation: sigmoid}]
training: {optimizer: adam, learning_rate: 0.005, iterations: 2500, batch_size: 32, checkpoint_every: 40}
)").string();
  const fs::path ref = t / "ref.h5", part = t / "part.h5", ckpt = t / "part.h5.ckpt.h5";
  const auto t0 = std::chrono::steady_clock::now();
  auto full = testing::mindset("train " + cfg + " -o " + ref.string() + " --quiet");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  BOOST_REQUIRE_MESSAGE(full.exit_code == 0, full.err);
  std::mt19937 rng(20240607);
  std::uniform_real_distribution<double> moment(0.0, 1.2 * seconds);  // some land after the run ended
  int killed = 0, with_checkpoint = 0, with_temp = 0, with_results = 0, resumed = 0;
  const int trials = 20;
  for (int trial = 0; trial < trials; ++trial) {
    BOOST_TEST_CONTEXT("trial " << trial) {
      for (int round = 0; round < 2; ++round) {
        pid_t pid = spawn({cfg, "-o", part.string(), "--quiet", "--resume"}, t / "log.txt");
        std::this_thread::sleep_for(std::chrono::duration<double>(moment(rng)));
        ::kill(pid, SIGKILL);
        const int code = wait_for(pid);
        BOOST_TEST((code == 128 + SIGKILL || code == 0), "exit " << code << ": " << testing::slurp(t / "log.txt"));
        killed += code == 128 + SIGKILL;
        with_checkpoint += fs::exists(ckpt);
        with_temp += has_temp_files(t.path);
        if (fs::exists(part)) {  // only ever a whole file, of this very run
          ++with_results;
          BOOST_TEST(attr(part, "status") == "completed");
          BOOST_TEST(compare_in_process(ref, part) == "");
        }
      }
      auto resumed_run = testing::mindset("train " + cfg + " -o " + part.string() + " --quiet --resume");
      BOOST_REQUIRE_MESSAGE(resumed_run.exit_code == 0, resumed_run.err);
      BOOST_TEST(compare_in_process(ref, part) == "");
      resumed += !attr(part, "resumed_from").empty();
      BOOST_TEST(!fs::exists(ckpt));
      BOOST_TEST(temp_files(t.path).empty(), "left: " << first_temp_file(t.path));
      fs::remove(part);
    }
  }
  BOOST_TEST_MESSAGE(trials << " trials (a run takes " << seconds << " s): " << killed << " kills, " << with_checkpoint
                            << " left a checkpoint, " << with_temp << " a temporary file, " << with_results
                            << " found the results written; " << resumed << " resumed from a checkpoint");
  BOOST_TEST(killed >= trials / 2);   // most kills land while the run is going
  BOOST_TEST(resumed >= 1);           // and resume is exercised
}
