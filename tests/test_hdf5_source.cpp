// The hdf5 source: groups, any numeric type, (m, ...) flattened in C order, examples_axis: last,
// label shapes, classes, size checks before allocating, and clear errors. Fixture files are
// written by h5py; the course's catvnoncat files are read when present.
#define BOOST_TEST_MODULE hdf5_source
#include <cmath>

#include "data_testing.hpp"

using testing::TempDir;
namespace fs = std::filesystem;

namespace {

// Writes the fixtures with h5py into `d`.
void make_fixtures(const TempDir& d) {
  auto script = d.write("make.py", R"PY(
import sys, h5py, numpy as np
w = sys.argv[1]
X = np.arange(5 * 2 * 3, dtype=np.uint8).reshape(5, 2, 3)      # m=5 images of 2x3
y = np.array([0, 1, 1, 0, 1], dtype=np.int64)
with h5py.File(w + "/a.h5", "w") as f:
    f.create_dataset("train/x", data=X, compression="gzip")
    f.create_dataset("train/y", data=y.reshape(1, 5))
    f.create_dataset("y_col", data=y.reshape(5, 1).astype(np.float32))
    f.create_dataset("y_flat", data=y.astype(np.int16))
    f.create_dataset("y_wide", data=np.zeros((2, 5)))
    f.create_dataset("y_short", data=y[:4])
    f.create_dataset("x_last", data=X.reshape(5, 6).T.astype(np.float32))   # stored n x m
    f.create_dataset("names", data=np.array([b"no", b"yes"]))
    f.create_dataset("text", data=np.array([b"a", b"b", b"c", b"d", b"e"]))
    f.create_dataset("x_nan", data=np.array([[1.0, np.nan], [2.0, 3.0], [0.5, 0.5], [1, 1], [2, 2]]))
    f.create_dataset("x_7", data=np.ones((5, 7)))
    f.create_dataset("scalar", data=3.0)
with h5py.File(w + "/huge.h5", "w") as f:
    f.create_dataset("x", shape=(10**7, 10**5), dtype="f8", chunks=(1, 1000))
    f.create_dataset("y", shape=(10**7,), dtype="i8")
open(w + "/not.h5", "w").write("plain text")
)PY");
  auto r = testing::run(testing::python() + " " + testing::quote(script.string()) + " " + testing::quote(d.path.string()));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
}

}  // namespace

BOOST_AUTO_TEST_CASE(groups_types_and_c_order_flattening) {
  TempDir d;
  make_fixtures(d);
  auto ds = testing::load_source(d, "{type: hdf5, path: a.h5, features: train/x, labels: train/y, classes: names}");
  BOOST_TEST(ds.m() == 5u);
  BOOST_TEST(ds.n() == 6u);
  for (std::size_t j = 0; j < 5; ++j)
    for (std::size_t i = 0; i < 6; ++i) BOOST_TEST(ds.x(i, j) == static_cast<double>(j * 6 + i));  // X[j].ravel()[i]
  BOOST_TEST((ds.y == std::vector<double>{0, 1, 1, 0, 1}));
  BOOST_TEST((ds.classes == std::vector<std::string>{"no", "yes"}));
  auto last = testing::load_source(d, "{type: hdf5, path: a.h5, features: x_last, labels: y_col, examples_axis: last}");
  BOOST_TEST((last.x == ds.x));
  auto flat = testing::load_source(d, "{type: hdf5, path: a.h5, features: train/x, labels: y_flat}");
  BOOST_TEST((flat.y == ds.y));
}

BOOST_AUTO_TEST_CASE(wrong_shapes_names_and_types) {
  TempDir d;
  make_fixtures(d);
  auto err = [&](const std::string& yaml) { return testing::user_error([&] { testing::load_source(d, yaml); }); };
  MINDSET_CHECK_ERROR(err("{type: hdf5, path: a.h5, features: train/x, labels: y_wide}"), "labels", "(2, 5)",
                      "expected (m), (m, 1) or (1, m)");
  MINDSET_CHECK_ERROR(err("{type: hdf5, path: a.h5, features: train/x, labels: y_short}"), "labels",
                      "features have 5 examples but labels have 4");
  MINDSET_CHECK_ERROR(err("{type: hdf5, path: a.h5, features: train/X, labels: y_flat}"), "features",
                      "no dataset 'train/X'", "did you mean 'train/x'?");
  MINDSET_CHECK_ERROR(err("{type: hdf5, path: a.h5, features: text, labels: y_flat}"), "features", "holds strings");
  MINDSET_CHECK_ERROR(err("{type: hdf5, path: a.h5, features: scalar, labels: y_flat}"), "features", "has shape ()");
  MINDSET_CHECK_ERROR(err("{type: hdf5, path: not.h5, features: x, labels: y}"), "path", "not an HDF5 file");
  MINDSET_CHECK_ERROR(err("{type: hdf5, path: a.h5, features: train/x, labels: y_flat, classes: train/y}"), "classes",
                      "does not hold strings");
  MINDSET_CHECK_ERROR(err("{type: hdf5, path: a.h5, features: train/x, labels: y_flat, examples_axis: lats}"),
                      "did you mean 'last'?");
}

BOOST_AUTO_TEST_CASE(declared_sizes_are_checked_before_allocating) {
  TempDir d;
  make_fixtures(d);
  MINDSET_CHECK_ERROR(testing::user_error([&] { testing::load_source(d, "{type: hdf5, path: huge.h5, features: x, labels: y}"); }),
                      "features", "(10000000, 100000)", "1000000000000 values", "of memory are available");
  auto r = testing::train(d, "h.yaml", "data: {train: {type: hdf5, path: huge.h5, features: x, labels: y}}\n" +
                                           std::string(testing::kTinyModel), "h.h5");
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(!fs::exists(d / "h.h5"));
}

BOOST_AUTO_TEST_CASE(results_record_classes_and_provenance) {
  TempDir d;
  make_fixtures(d);
  auto r = testing::train(d, "c.yaml", "data: {train: {type: hdf5, path: a.h5, features: train/x, labels: train/y, classes: names},\n"
                                       "       scale: 30}\n" + std::string(testing::kTinyModel));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto py = testing::run(testing::python() + " -c \"" +
                         "import h5py, hashlib, sys; f = h5py.File(sys.argv[1], 'r'); t = f['data/train'];"
                         "assert [c.decode() for c in t['classes'][()]] == ['no', 'yes'];"
                         "assert t.attrs['sha256'] == hashlib.sha256(open(sys.argv[2], 'rb').read()).hexdigest();"
                         "assert t.attrs['type'] == 'hdf5' and t.attrs['m'] == 5 and t.attrs['n'] == 6;"
                         "assert list(t['class_counts'][()]) == [2, 3];"
                         "s = f['data/preprocess/step_1']; assert s.attrs['type'] == 'scale' and s['by'][()] == 30\" " +
                         testing::quote((d / "out.h5").string()) + " " + testing::quote((d / "a.h5").string()));
  BOOST_TEST(py.exit_code == 0, py.err);
}

BOOST_AUTO_TEST_CASE(catvnoncat_when_present) {
  fs::path dir = testing::dataset_dir("catvnoncat");
  if (dir.empty()) {
    BOOST_TEST_MESSAGE("skipped: catvnoncat not found in data/ or ../shared/datasets");
    return;
  }
  TempDir d;
  auto ds = testing::load_source(d, "{type: hdf5, path: " + (dir / "train_catvnoncat.h5").string() +
                                        ", features: train_set_x, labels: train_set_y, classes: list_classes}");
  BOOST_TEST(ds.m() == 209u);
  BOOST_TEST(ds.n() == 64u * 64u * 3u);
  BOOST_TEST((ds.classes == std::vector<std::string>{"non-cat", "cat"}));
  // Against h5py's X.reshape(m, -1).T: a few pixels of a few examples.
  auto py = testing::run(testing::python() + " -c \"import h5py, sys; f = h5py.File(sys.argv[1], 'r');"
                         "X = f['train_set_x'][()].reshape(209, -1).T; y = f['train_set_y'][()];"
                         "print(X[0, 0], X[100, 7], X[12287, 208], X[5000, 100], y.sum())\" " +
                         testing::quote((dir / "train_catvnoncat.h5").string()));
  BOOST_REQUIRE(py.exit_code == 0);
  std::istringstream in(py.out);
  double a, b, c, e, s;
  in >> a >> b >> c >> e >> s;
  BOOST_TEST(ds.x(0, 0) == a);
  BOOST_TEST(ds.x(100, 7) == b);
  BOOST_TEST(ds.x(12287, 208) == c);
  BOOST_TEST(ds.x(5000, 100) == e);
  double sum = 0;
  for (double v : ds.y) sum += v;
  BOOST_TEST(sum == s);
}
