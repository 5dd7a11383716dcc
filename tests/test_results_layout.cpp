// What makes results files open in the tools users have (runner/results_layout.cpp): /history's
// dimension scales (read back through the C API and by xarray with h5netcdf), the long_name /
// units attributes, and the h5py, xarray and pandas snippets of docs/results-format.md, run as
// written against a fresh results/default.h5.
#define BOOST_TEST_MODULE results_layout
#include <hdf5_hl.h>

#include "h5.hpp"
#include "testing.hpp"

using namespace mindset;
namespace fs = std::filesystem;
using testing::quote;

namespace {

// Mini-batches of 20, 2 epochs, test and validation splits: every kind of history series.
const char* kConfig = R"(name: layout
seed: 3
data: {train: {type: flower, examples: 120}, test_fraction: 0.2, validation_fraction: 0.1}
model:
  layers: [{units: 3, activation: tanh}, {units: 1, activation: sigmoid}]
training: {learning_rate: 0.5, epochs: 2, batch_size: 20, record_every: 2, evaluate_every: 5}
)";

struct Runs {
  testing::TempDir dir;
  fs::path minibatch, empty, diverged;
  Runs() {
    auto cfg = dir.write("layout.yaml", kConfig);
    minibatch = dir / "minibatch.h5";
    empty = dir / "empty.h5";
    diverged = dir / "diverged.h5";
    auto train = [&](const fs::path& out, const std::string& args) {
      auto r = testing::mindset("train " + quote(cfg.string()) + " " + args + " -o " + quote(out.string()) + " --quiet");
      BOOST_REQUIRE_MESSAGE(r.exit_code == 0 || r.exit_code == 3, "mindset train failed: " + r.err);
    };
    train(minibatch, "");
    train(empty, "~training.epochs +training.iterations=0");
    train(diverged, "training.learning_rate=1e300 model.layers[0].activation=relu ~training.epochs +training.iterations=50");
  }
};
const Runs& runs() {
  static Runs r;
  return r;
}

std::string scale_of(hid_t f, const std::string& path) { return h5::attached_scale(f, path); }

}  // namespace

BOOST_AUTO_TEST_CASE(history_series_are_indexed_by_their_scales) {
  h5::Handle f = h5::open_file(runs().minibatch.string());
  const hid_t id = f.id();
  for (const char* scale : {"history/iteration", "history/evaluated_at", "history/epoch"}) {
    h5::Handle d = h5::open_dataset(id, scale);
    BOOST_TEST(H5DSis_scale(d.id()) > 0, scale << " is not a dimension scale");
  }
  const std::pair<const char*, const char*> attached[] = {
      {"history/cost", "iteration"},           {"history/learning_rate", "iteration"},
      {"history/train_accuracy", "evaluated_at"}, {"history/test_accuracy", "evaluated_at"},
      {"history/epoch_iteration", "epoch"},    {"history/epoch_cost", "epoch"},
      {"history/epoch_train_accuracy", "epoch"}, {"history/validation_cost", "epoch"},
      {"history/validation_accuracy", "epoch"}};
  for (const auto& [series, scale] : attached) BOOST_TEST(scale_of(id, series) == scale, series);
  // The parameters and metrics are not indexed.
  BOOST_TEST(scale_of(id, "model/layer_1/W").empty());
}

BOOST_AUTO_TEST_CASE(every_history_and_metrics_dataset_says_what_it_is) {
  h5::Handle f = h5::open_file(runs().minibatch.string());
  for (const char* group : {"history", "metrics"}) {
    h5::Handle g = h5::open_group(f.id(), group);
    BOOST_TEST(!h5::get_attr_string(g.id(), "description").empty());
    std::vector<std::string> names;
    H5Literate(g.id(), H5_INDEX_NAME, H5_ITER_INC, nullptr,
               [](hid_t, const char* n, const H5L_info_t*, void* out) -> herr_t {
                 static_cast<std::vector<std::string>*>(out)->push_back(n);
                 return 0;
               },
               &names);
    BOOST_TEST(names.size() >= 4u);
    for (const auto& n : names) {
      h5::Handle d = h5::open_dataset(g.id(), n);
      BOOST_TEST(h5::has_attr(d.id(), "long_name"), group << "/" << n << " has no long_name");
    }
  }
  h5::Handle cost = h5::open_dataset(f.id(), "history/cost");
  BOOST_TEST(h5::get_attr_string(cost.id(), "long_name") == "binary cross-entropy, mean over examples");
  h5::Handle acc = h5::open_dataset(f.id(), "metrics/test_accuracy");
  BOOST_TEST(h5::get_attr_string(acc.id(), "units") == "1");
  for (const char* p : {"model/layer_1/W", "model/layer_2/b"}) {
    h5::Handle d = h5::open_dataset(f.id(), p);
    BOOST_TEST(h5::get_attr_string(d.id(), "long_name").find("layer") != std::string::npos, p);
  }
}

BOOST_AUTO_TEST_CASE(xarray_opens_history_and_metrics) {
  const fs::path script = testing::source_dir() / "tests" / "check_results_xarray.py";
  auto py = testing::run(testing::python() + " " + quote(script.string()) + " " + quote(runs().minibatch.string()) + " " +
                         quote(runs().empty.string()) + " " + quote(runs().diverged.string()));
  BOOST_TEST(py.exit_code == 0, py.out << py.err);
  BOOST_TEST(py.out.find("xarray: ok") != std::string::npos, py.out);
}

BOOST_AUTO_TEST_CASE(the_docs_snippets_run_as_written) {
  // docs/results-format.md: the h5py, xarray and pandas blocks, against results/default.h5 made
  // by the default config (shortened).
  testing::TempDir dir;
  const fs::path out = dir / "results" / "default.h5";
  auto r = testing::mindset("train " + quote((testing::source_dir() / "configs" / "default.yaml").string()) +
                            " training.iterations=200 training.evaluate_every=50 -o " + quote(out.string()) + " --quiet");
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const fs::path runner = testing::source_dir() / "tests" / "run_doc_snippets.py";
  const fs::path doc = testing::source_dir() / "docs" / "results-format.md";
  auto py = testing::run(testing::python() + " " + quote(runner.string()) + " " + quote(doc.string()) + " " +
                         quote(dir.path.string()) + " --expect 3");
  BOOST_TEST(py.exit_code == 0, py.out << py.err);
  BOOST_TEST(py.out.find("snippets: ok") != std::string::npos, py.out);
}

BOOST_AUTO_TEST_CASE(h5dump_shows_the_scales_and_notes) {
  // The self-explanatory tree in the standard tool, when it is installed (Debian: hdf5-tools).
  if (testing::run("command -v h5dump").exit_code != 0) {
    BOOST_TEST_MESSAGE("h5dump not installed (apt-get install hdf5-tools): skipped");
    return;
  }
  auto d = testing::run("h5dump -A " + quote(runs().minibatch.string()));
  BOOST_REQUIRE_EQUAL(d.exit_code, 0);
  for (const char* s : {"DIMENSION_SCALE", "DIMENSION_LIST", "\"long_name\"", "binary cross-entropy, mean over examples",
                        "updates done when the metrics were measured"})
    BOOST_TEST(d.out.find(s) != std::string::npos, "h5dump -A lacks " << s);
}

BOOST_AUTO_TEST_CASE(sweep_summaries_open_in_xarray_indexed_by_run_id) {
  testing::TempDir dir;
  dir.write("base.yaml", kConfig);
  const fs::path s = dir.write("s.yaml", "experiment: base.yaml\ngrid: {training.learning_rate: [0.1, 0.5], "
                                         "model.layers[0].units: [2, 3]}\n");
  auto r = testing::mindset("sweep " + quote(s.string()) + " -o " + quote((dir / "sw").string()) + " -q --jobs 2");
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto py = testing::run(testing::python() + " -c " + quote(
      "import sys, xarray as xr, pandas as pd\n"
      "d = xr.open_dataset(sys.argv[1] + '/summary.h5', group='summary', engine='h5netcdf')\n"
      "t = pd.read_csv(sys.argv[1] + '/summary.csv', float_precision='round_trip', keep_default_na=False)\n"
      "assert list(d.coords) == ['run_id'] and list(d['run_id'].values) == list(t['run_id']), d\n"
      "for c in t.columns[1:]:\n"
      "    assert d[c].dims == ('run_id',), c\n"
      "assert list(d['model.layers[0].units'].values) == [2, 3, 2, 3]\n"
      "assert (d['test_accuracy'].values == t['test_accuracy'].values).all()\n"
      "print('summary: ok')\n") + " " + quote((dir / "sw").string()));
  BOOST_TEST(py.exit_code == 0, py.out << py.err);
}
