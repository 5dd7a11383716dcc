// Sweep fusion (runner/fused.hpp): fused runs' results equal lone runs' (parameters, histories,
// metrics: h5py compares the files), for learning-rate, seed and width grids and a float32 grid;
// runs that cannot fuse (mini-batches) train alone beside fused ones; a diverging member and a
// crashing member cost only themselves; which runs fuse (fusion_key).
#define BOOST_TEST_MODULE fused
#include "config.hpp"
#include "fused.hpp"
#include "sweep_testing.hpp"
#include "yaml_tree.hpp"

using namespace sweep_testing;
using namespace mindset;

namespace {

// Every dataset under /model, /history and /metrics of each run file equal in both sweeps.
std::string compare_runs(const fs::path& a, const fs::path& b) {
  const std::string script =
      "import sys, glob, os, h5py, numpy as np\n"
      "a, b = sys.argv[1], sys.argv[2]\n"
      "fa = sorted(os.path.basename(p) for p in glob.glob(a + '/runs/*.h5'))\n"
      "fb = sorted(os.path.basename(p) for p in glob.glob(b + '/runs/*.h5'))\n"
      "assert fa == fb and fa, (fa, fb)\n"
      "n = 0\n"
      "for name in fa:\n"
      "    x, y = h5py.File(a + '/runs/' + name, 'r'), h5py.File(b + '/runs/' + name, 'r')\n"
      "    assert x.attrs['status'] == y.attrs['status'], name\n"
      "    def visit(path, obj):\n"
      "        global n\n"
      "        if isinstance(obj, h5py.Dataset) and path.split('/')[0] in ('model', 'history', 'metrics'):\n"
      "            u, v = obj[()], y[path][()]\n"
      "            assert u.shape == v.shape and np.array_equal(u, v, equal_nan=True), (name, path)\n"
      "            n += 1\n"
      "    x.visititems(visit)\n"
      "print('equal', len(fa), n)\n";
  testing::TempDir t;
  const fs::path py = t.write("cmp.py", script);
  auto r = testing::run(testing::python() + " " + quote(py.string()) + " " + quote(a.string()) + " " + quote(b.string()));
  return r.out + r.err;
}

std::string log_of(const fs::path& out, const std::string& id) { return testing::slurp(out / "logs" / (id + ".log")); }

}  // namespace

BOOST_FIXTURE_TEST_CASE(fused_runs_equal_lone_runs, Fixture) {
  // Learning rates, seeds (initialisation) and widths (stacked first layers) in one grid.
  fs::path s = dir.write("s.yaml", "experiment: base.yaml\nset: {training.iterations: 150, training.evaluate_every: 50}\n"
                                   "grid:\n  training.learning_rate: [1.2, 0.3]\n  seed: [1, 2]\n"
                                   "  model.layers[0].units: [2, 5]\n");
  auto fused = testing::mindset(sweep(s, dir / "fused", "--jobs 2"));
  BOOST_REQUIRE_MESSAGE(fused.exit_code == 0, fused.err);
  auto plain = testing::mindset(sweep(s, dir / "plain", "--jobs 2 --no-fuse"));
  BOOST_REQUIRE_MESSAGE(plain.exit_code == 0, plain.err);
  BOOST_TEST(content(dir / "fused") == content(dir / "plain"));
  const std::string cmp = compare_runs(dir / "fused", dir / "plain");
  BOOST_TEST(cmp.rfind("equal 8 ", 0) == 0u, cmp);
  // Two jobs: two groups of four (equal first-layer units 2+5+2+5), one per core; each run has
  // its own log with its own progress.
  auto rows = read_csv(dir / "fused" / "summary.csv");
  for (const auto& r : rows) {
    const std::string log = log_of(dir / "fused", r.at("run_id"));
    BOOST_TEST(contains(log, "trained together with 3 other runs"), log);
    BOOST_TEST(contains(log, "iteration"), log);
    BOOST_TEST(!contains(log_of(dir / "plain", r.at("run_id")), "trained together"));
  }
  // One job: all eight in one group, the same results.
  auto one = testing::mindset(sweep(s, dir / "one", "--jobs 1"));
  BOOST_REQUIRE_MESSAGE(one.exit_code == 0, one.err);
  BOOST_TEST(compare_runs(dir / "one", dir / "plain").rfind("equal 8 ", 0) == 0u);
  for (const auto& r : rows)
    BOOST_TEST(contains(log_of(dir / "one", r.at("run_id")), "trained together with 7 other runs"), r.at("run_id"));
}

BOOST_FIXTURE_TEST_CASE(groups_are_split_by_width_to_fill_the_jobs, Fixture) {
  // Widths 1, 2, 3, 4, 5, 20, 50 on three jobs: the costliest group is halved until there are
  // three units, each cut where the first-layer units balance: {1..5, 20}, {50} first, then
  // {1..5} and {20}.
  fs::path s = dir.write("s.yaml", "experiment: base.yaml\nset: {training.iterations: 20}\n"
                                   "grid: {model.layers[0].units: [1, 2, 3, 4, 5, 20, 50]}\n");
  auto r = testing::mindset(sweep(s, dir / "out", "--jobs 3"));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto rows = read_csv(dir / "out" / "summary.csv");
  BOOST_REQUIRE(rows.size() == 7u);
  const char* want[] = {"with 4 other runs", "with 4 other runs", "with 4 other runs", "with 4 other runs",
                        "with 4 other runs", nullptr, nullptr};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::string log = log_of(dir / "out", rows[i].at("run_id"));
    if (want[i]) BOOST_TEST(contains(log, want[i]), i << ": " << log);
    else BOOST_TEST(!contains(log, "trained together"), i << ": " << log);
  }
}

BOOST_FIXTURE_TEST_CASE(float32_runs_fuse_too, Fixture) {
  fs::path s = dir.write("s.yaml", "experiment: base.yaml\nset: {dtype: float32, training.iterations: 100}\n"
                                   "grid: {training.learning_rate: [1.2, 0.6, 0.1]}\n");
  BOOST_REQUIRE(testing::mindset(sweep(s, dir / "fused", "--jobs 1")).exit_code == 0);
  BOOST_REQUIRE(testing::mindset(sweep(s, dir / "plain", "--jobs 1 --no-fuse")).exit_code == 0);
  BOOST_TEST(content(dir / "fused") == content(dir / "plain"));
  const std::string cmp = compare_runs(dir / "fused", dir / "plain");
  BOOST_TEST(cmp.rfind("equal 3 ", 0) == 0u, cmp);
}

BOOST_FIXTURE_TEST_CASE(mini_batch_runs_train_alone_beside_fused_ones, Fixture) {
  fs::path s = dir.write("s.yaml", "experiment: base.yaml\nset: {training.iterations: 60}\n"
                                   "grid:\n  training.learning_rate: [1.2, 0.5]\n  +training.batch_size: [400, 64]\n");
  BOOST_REQUIRE(testing::mindset(sweep(s, dir / "fused")).exit_code == 0);
  BOOST_REQUIRE(testing::mindset(sweep(s, dir / "plain", "--no-fuse")).exit_code == 0);
  BOOST_TEST(content(dir / "fused") == content(dir / "plain"));
  BOOST_TEST(compare_runs(dir / "fused", dir / "plain").rfind("equal 4 ", 0) == 0u);
  for (const auto& r : read_csv(dir / "fused" / "summary.csv"))
    BOOST_TEST(!contains(log_of(dir / "fused", r.at("run_id")), "trained together"), r.at("run_id"));
}

BOOST_FIXTURE_TEST_CASE(a_diverging_member_stops_alone, Fixture) {
  fs::path s = dir.write("s.yaml", "experiment: base.yaml\nset: {training.iterations: 100, model.init: {type: normal, scale: 0.5}}\n"
                                   "grid: {training.learning_rate: [1.0e+307, 1.2, 0.5]}\n");
  auto fused = testing::mindset(sweep(s, dir / "fused"));
  auto plain = testing::mindset(sweep(s, dir / "plain", "--no-fuse"));
  BOOST_TEST(fused.exit_code == plain.exit_code);
  auto rows = read_csv(dir / "fused" / "summary.csv");
  BOOST_REQUIRE(rows.size() == 3u);
  BOOST_TEST(rows[0].at("status") == "diverged");
  BOOST_TEST(rows[1].at("status") == "completed");
  BOOST_TEST(content(dir / "fused") == content(dir / "plain"));
  BOOST_TEST(compare_runs(dir / "fused", dir / "plain").rfind("equal 3 ", 0) == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_crash_in_a_fused_group_costs_only_its_run, Fixture) {
  fs::path s = dir.write("s.yaml", "experiment: base.yaml\nset: {training.iterations: 50}\n"
                                   "grid: {training.learning_rate: [1.2, 0.6, 0.3]}\n");
  auto r = testing::run("MINDSET_TEST_CRASH_RUN=lr=0.6 " + testing::mindset_bin() + " " + sweep(s, dir / "out", "--jobs 1"));
  BOOST_TEST(r.exit_code == 1, r.err);
  auto rows = read_csv(dir / "out" / "summary.csv");
  BOOST_REQUIRE(rows.size() == 3u);
  BOOST_TEST(rows[0].at("status") == "completed");  // retried alone after the group's process died
  BOOST_TEST(rows[1].at("status") == "failed");
  BOOST_TEST(contains(rows[1].at("error"), "crashed"));
  BOOST_TEST(rows[2].at("status") == "completed");
}

BOOST_AUTO_TEST_CASE(which_runs_fuse) {
  auto key = [](const std::string& overrides) {
    std::vector<std::string> o;
    std::string cur;
    for (char c : overrides + " ")
      if (c == ' ') {
        if (!cur.empty()) o.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    return fusion_key(resolve_experiment(parse_yaml(kBase, nullptr), "base.yaml", o));
  };
  const std::string base = key("");
  BOOST_TEST(!base.empty());
  BOOST_TEST(key("training.learning_rate=0.1 seed=9 model.layers[0].units=7 model.init=he_normal") == base);
  BOOST_TEST(key("+training.optimizer=adam training.iterations=5") == base);
  BOOST_TEST(key("dtype=float32") != base);
  BOOST_TEST(key("data.train.examples=200") != base);
  BOOST_TEST(key("+training.batch_size=32").empty());  // each run's batches are its own
  // A split drawn with the run's seed: the seed is part of the examples.
  BOOST_TEST(key("+data.test_fraction=0.2") != key("+data.test_fraction=0.2 seed=7"));
  BOOST_TEST(key("+data.test_fraction=0.2 +data.split_seed=3") == key("+data.test_fraction=0.2 +data.split_seed=3 seed=7"));
}
