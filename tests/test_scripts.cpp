// The analysis scripts (scripts/plot_costs.py, plot_sweep.py, plot_decision_boundary.py,
// report.py) on small runs and sweeps made here: each writes a PNG that is not blank, the
// heatmap shows the summary's numbers, legends name the swept values, the report is one
// self-contained HTML page that headless Chromium renders (when installed), and bad input is
// one line with exit 2 and no output file.
#define BOOST_TEST_MODULE scripts
#include "analysis_testing.hpp"

using namespace analysis_testing;

namespace {

std::string script(const std::string& name) {
  return "MINDSET=" + quote(testing::mindset_bin()) + " " + testing::python() + " " +
         quote((testing::source_dir() / "scripts" / name).string());
}

testing::Result run_script(const std::string& name, const std::string& args) { return testing::run(script(name) + " " + args); }

struct Fixture {
  testing::TempDir dir;
  fs::path flower, table, sweep2, sweep1;
  std::vector<fs::path> lrs;
  Fixture() {
    const fs::path cfg = dir.write("flower.yaml", kFlower);
    flower = train(dir, "flower", kFlower);
    for (const char* lr : {"0.1", "0.5", "1.2"})
      lrs.push_back(train(dir, std::string("lr") + lr, kFlower, std::string("training.learning_rate=") + lr));
    table = train(dir, "table", table_config(dir.write("table.csv", table_csv(60))));
    auto sweep = [&](const std::string& name, const std::string& grid) {
      const fs::path s = dir.write(name + ".yaml", "experiment: flower.yaml\nset: {training.iterations: 150}\ngrid:\n" + grid);
      auto r = testing::mindset("sweep " + quote(s.string()) + " -o " + quote((dir / name).string()) + " -q --jobs 2");
      BOOST_REQUIRE_MESSAGE(r.exit_code == 0, "sweep failed: " + r.err);
      return dir / name;
    };
    sweep2 = sweep("sweep2", "  training.learning_rate: [0.1, 1.2]\n  model.layers[0].units: [2, 4, 6]\n");
    sweep1 = sweep("sweep1", "  training.learning_rate: [0.05, 0.5, 5.0]\n");
  }
};
const Fixture& fx() {
  static Fixture f;
  return f;
}

// A PNG larger than 100 x 100 pixels whose pixels vary (not blank).
void expect_png(const fs::path& png) {
  BOOST_REQUIRE_MESSAGE(fs::exists(png), png.string() + " was not written");
  auto r = testing::run(testing::python() + " -c " + quote(
      "import sys, matplotlib.image as im\n"
      "a = im.imread(sys.argv[1])\n"
      "rgb = a[..., :3]\n"
      "assert a.shape[0] > 100 and a.shape[1] > 100, a.shape\n"
      "assert rgb.std() > 0.05, rgb.std()\n"
      "assert (rgb.min(axis=2) < 0.9).mean() > 0.02, 'mostly white'\n"
      "print('png ok', a.shape)\n") + " " + quote(png.string()));
  BOOST_TEST(r.exit_code == 0, png << ": " << r.out << r.err);
}

// Exit 2, one line "<script>: error: ..." naming every part, and no output file.
void expect_script_error(const testing::Result& r, const std::string& name, const std::vector<std::string>& parts,
                         const fs::path& output = {}) {
  BOOST_TEST(r.exit_code == 2, name << ": exit " << r.exit_code << " " << r.err);
  BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, "not one line: " << r.err);
  BOOST_TEST(r.err.rfind(name + ": error: ", 0) == 0, r.err);
  for (const auto& p : parts) BOOST_TEST(contains(r.err, p), "stderr lacks '" << p << "': " << r.err);
  if (!output.empty()) BOOST_TEST(!fs::exists(output), output << " was written");
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_script_has_help) {
  for (const char* s : {"plot_costs.py", "plot_sweep.py", "plot_decision_boundary.py", "report.py"}) {
    auto r = run_script(s, "--help");
    BOOST_TEST(r.exit_code == 0, s << ": " << r.err);
    BOOST_TEST(contains(r.out, std::string("usage: ") + s), r.out);
    BOOST_TEST(contains(r.out, "-o OUTPUT"), r.out);
  }
}

BOOST_AUTO_TEST_CASE(cost_curves) {
  testing::TempDir out;
  auto one = run_script("plot_costs.py", quote(fx().flower.string()) + " -o " + quote((out / "one.png").string()));
  BOOST_TEST(one.exit_code == 0, one.err);
  expect_png(out / "one.png");
  std::string many = "";
  for (const auto& p : fx().lrs) many += quote(p.string()) + " ";
  auto m = run_script("plot_costs.py", many + "--log -o " + quote((out / "many.png").string()));
  BOOST_TEST(m.exit_code == 0, m.err);
  expect_png(out / "many.png");
  auto s = run_script("plot_costs.py", quote(fx().sweep2.string()) + " -o " + quote((out / "sweep.png").string()));
  BOOST_TEST(s.exit_code == 0, s.err);
  expect_png(out / "sweep.png");
  // The legends: the differing config value of separate runs, the swept values of a sweep's runs;
  // the curves are the files' costs.
  auto py = testing::run("cd " + quote((testing::source_dir() / "scripts").string()) + " && " + testing::python() + " -c " + quote(
      "import sys, h5py, numpy as np, plot_costs\n"
      "labelled, title = plot_costs.collect(sys.argv[1:4])\n"
      "assert [l for l, _ in labelled] == ['learning_rate=0.1', 'learning_rate=0.5', 'learning_rate=1.2'], labelled\n"
      "fig = plot_costs.make_figure(labelled)\n"
      "for line, path in zip(fig.axes[0].get_lines(), sys.argv[1:4]):\n"
      "    c = h5py.File(path, 'r')['history/cost'][:]\n"
      "    assert np.array_equal(line.get_ydata(), c) and line.get_label() in [l for l, _ in labelled]\n"
      "labelled, title = plot_costs.collect([sys.argv[4]])\n"
      "labels = sorted(l for l, _ in labelled)\n"
      "assert labels == sorted('learning_rate=%s, units=%d' % (lr, u) for lr in (0.1, 1.2) for u in (2, 4, 6)), labels\n"
      "assert title == 'sweep2: cost per iteration', title\n"
      "print('legends ok')\n") + " " + many + quote(fx().sweep2.string()));
  BOOST_TEST(py.exit_code == 0, py.out << py.err);
}

BOOST_AUTO_TEST_CASE(sweep_heatmap_and_line) {
  testing::TempDir out;
  auto h = run_script("plot_sweep.py", quote(fx().sweep2.string()) + " -o " + quote((out / "h.png").string()));
  BOOST_TEST(h.exit_code == 0, h.err);
  expect_png(out / "h.png");
  auto l = run_script("plot_sweep.py", quote(fx().sweep1.string()) + " --metric final_cost -o " + quote((out / "l.png").string()));
  BOOST_TEST(l.exit_code == 0, l.err);
  expect_png(out / "l.png");
  // The heatmap's cells are the summary's test accuracies: rows learning rates, columns widths.
  auto py = testing::run("cd " + quote((testing::source_dir() / "scripts").string()) + " && " + testing::python() + " -c " + quote(
      "import sys, numpy as np, pandas as pd, mindset_results as mr, plot_sweep\n"
      "sweep = mr.Sweep(sys.argv[1])\n"
      "fig = plot_sweep.make_figure(sweep)\n"
      "cells = np.asarray(fig.axes[0].images[0].get_array())\n"
      "t = pd.read_csv(sys.argv[1] + '/summary.csv', float_precision='round_trip')\n"
      "want = t.pivot(index='training.learning_rate', columns='model.layers[0].units', values='test_accuracy')\n"
      "assert cells.shape == (2, 3) and np.array_equal(cells, want.to_numpy()), (cells, want)\n"
      "assert fig.axes[0].get_xlabel() == 'model.layers[0].units' and fig.axes[0].get_ylabel() == 'training.learning_rate'\n"
      "fig = plot_sweep.make_figure(mr.Sweep(sys.argv[2]), 'final_cost')\n"
      "x, y = fig.axes[0].get_lines()[0].get_data()\n"
      "t = pd.read_csv(sys.argv[2] + '/summary.csv', float_precision='round_trip')\n"
      "assert list(x) == [0.05, 0.5, 5.0] and list(y) == list(t.sort_values('training.learning_rate')['final_cost'])\n"
      "print('plot values ok')\n") + " " + quote(fx().sweep2.string()) + " " + quote(fx().sweep1.string()));
  BOOST_TEST(py.exit_code == 0, py.out << py.err);
}

BOOST_AUTO_TEST_CASE(decision_regions) {
  testing::TempDir out;
  auto r = run_script("plot_decision_boundary.py", quote(fx().flower.string()) + " --resolution 60 -o " + quote((out / "b.png").string()));
  BOOST_TEST(r.exit_code == 0, r.err);
  expect_png(out / "b.png");
  // Three classes (softmax): each class's region.
  std::ostringstream three;
  three << "a,b,label\n";
  for (int i = 0; i < 60; ++i) three << std::cos(i * 2.1) + (i % 3) * 2 << "," << std::sin(i * 1.7) + (i % 3 == 2) * 2 << "," << i % 3 << "\n";
  const fs::path softmax = train(out, "three", "data: {train: {type: csv, path: " + out.write("three.csv", three.str()).string() +
                                                   ", label: label}}\nmodel: {layers: [{units: 5, activation: tanh}, "
                                                   "{units: 3, activation: softmax}]}\nloss: categorical_cross_entropy\n"
                                                   "training: {learning_rate: 0.5, iterations: 100}\n");
  auto s = run_script("plot_decision_boundary.py", quote(softmax.string()) + " --resolution 40 -o " + quote((out / "s.png").string()));
  BOOST_TEST(s.exit_code == 0, s.err);
  expect_png(out / "s.png");
  expect_script_error(run_script("plot_decision_boundary.py", quote(fx().table.string()) + " -o " + quote((out / "t.png").string())),
                      "plot_decision_boundary.py", {"the network takes 5 features; decision regions need 2-D data"},
                      out / "t.png");
  expect_script_error(
      run_script("plot_decision_boundary.py", quote(fx().flower.string()) + " --mindset /nonexistent -o " + quote((out / "m.png").string())),
      "plot_decision_boundary.py", {"--mindset /nonexistent: not an executable file"}, out / "m.png");
  expect_script_error(run_script("plot_decision_boundary.py", quote(fx().flower.string()) + " --resolution 5"),
                      "plot_decision_boundary.py", {"--resolution 5: allowed 10 to 2000"});
}

BOOST_AUTO_TEST_CASE(html_reports) {
  testing::TempDir out;
  for (const auto& [what, path] : {std::make_pair("run", fx().flower), std::make_pair("sweep", fx().sweep2)}) {
    const fs::path html = out / (std::string(what) + ".html");
    auto r = run_script("report.py", quote(path.string()) + " -o " + quote(html.string()));
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const std::string page = testing::slurp(html);
    BOOST_TEST(page.rfind("<!DOCTYPE html>", 0) == 0);
    BOOST_TEST(page.size() > 10000u);
    BOOST_TEST(contains(page, "<img alt=\"cost per iteration"), what);
    BOOST_TEST(contains(page, "src=\"data:image/png;base64,"), what);
    BOOST_TEST((!contains(page, "src=\"http") && !contains(page, "href=\"http") && !contains(page, "<script")), what);
    BOOST_TEST(contains(page, "final_cost"), what);
  }
  const std::string run_page = testing::slurp(out / "run.html");
  BOOST_TEST(contains(run_page, "2→4→1 (tanh, sigmoid), 17 parameters"));
  BOOST_TEST(contains(run_page, "decision regions and examples"));  // 2-D data
  BOOST_TEST(contains(run_page, "<h3>Resolved config</h3><pre>name: flower_tanh"));
  // The sweep's best-run table starts with the summary's best test accuracy, marked.
  const std::string sweep_page = testing::slurp(out / "sweep.html");
  auto best = testing::run(testing::python() + " -c " + quote(
      "import sys, pandas as pd\n"
      "t = pd.read_csv(sys.argv[1], float_precision='round_trip')\n"
      "print(t.sort_values('test_accuracy', ascending=False, kind='stable').iloc[0]['run_id'])\n") + " " +
      quote((fx().sweep2 / "summary.csv").string()));
  BOOST_REQUIRE_EQUAL(best.exit_code, 0);
  const std::string best_id = best.out.substr(0, best.out.find('\n'));
  BOOST_TEST(contains(sweep_page, "<tr class=\"best\"><td>1</td><td>" + best_id + "</td>"), best_id);
  BOOST_TEST(contains(sweep_page, "6 runs (6 completed) over training.learning_rate, model.layers[0].units"));

  // Headless Chromium renders it: the screenshot is not blank.
  if (testing::run("command -v chromium").exit_code != 0) {
    BOOST_TEST_MESSAGE("chromium not installed (apt-get install chromium): the rendering check is skipped");
    return;
  }
  const fs::path shot = out / "shot.png";
  auto c = testing::run("cd " + quote(out.path.string()) + " && timeout 120 chromium --headless --no-sandbox --disable-gpu "
                        "--user-data-dir=" + quote((out / "profile").string()) + " --window-size=1100,1400 --screenshot=" +
                        quote(shot.string()) + " " + quote("file://" + (out / "sweep.html").string()));
  BOOST_TEST(c.exit_code == 0, c.err);
  expect_png(shot);
}

BOOST_AUTO_TEST_CASE(bad_input) {
  testing::TempDir out;
  const fs::path png = out / "x.png";
  const std::string o = " -o " + quote(png.string());
  expect_script_error(run_script("plot_costs.py", quote((out / "none.h5").string()) + o), "plot_costs.py",
                      {"none.h5: no such file"}, png);
  const fs::path text = out.write("notes.h5", "not hdf5");
  expect_script_error(run_script("plot_costs.py", quote(text.string()) + o), "plot_costs.py", {"notes.h5: not an HDF5 file"}, png);
  expect_script_error(run_script("plot_costs.py", quote(fx().flower.string()) + " -o " + quote((out / "no" / "x.png").string())),
                      "plot_costs.py", {"the folder", "does not exist"});
  expect_script_error(run_script("plot_sweep.py", quote(out.path.string()) + o), "plot_sweep.py",
                      {"no summary.csv; not a sweep folder"}, png);
  expect_script_error(run_script("plot_sweep.py", quote(fx().sweep2.string()) + " --metric test_acuracy" + o), "plot_sweep.py",
                      {"--metric test_acuracy: no such column (did you mean test_accuracy?)"}, png);
  expect_script_error(run_script("plot_sweep.py", quote(fx().sweep2.string()) + " --x units" + o), "plot_sweep.py",
                      {"--x units: not a swept key; swept keys: training.learning_rate, model.layers[0].units"}, png);
  expect_script_error(run_script("plot_sweep.py", quote(fx().sweep1.string()) + " --y training.learning_rate" + o),
                      "plot_sweep.py", {"--y: the sweep has one swept key"}, png);
  expect_script_error(run_script("report.py", quote(fx().flower.string()) + " --top 0 -o " + quote((out / "r.html").string())),
                      "report.py", {"--top 0: must be at least 1"}, out / "r.html");
  expect_script_error(run_script("report.py", quote(fx().flower.string()) + " --metric final_cost -o " + quote((out / "r.html").string())),
                      "report.py", {"--metric applies to a sweep folder"}, out / "r.html");
  auto noarg = run_script("report.py", quote(fx().flower.string()));  // -o is required
  BOOST_TEST(noarg.exit_code == 2);
  BOOST_TEST(contains(noarg.err, "the following arguments are required: -o/--output"), noarg.err);
  // Nothing left behind by the failures above.
  for (const auto& e : fs::directory_iterator(out.path))
    BOOST_TEST(e.path().filename().string().find(".tmp-") == std::string::npos, e.path());
}
