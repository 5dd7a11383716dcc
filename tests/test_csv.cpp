// The RFC 4180 reader, the csv source (columns, categories, missing values, labels) and its
// errors (file:line:column, exit 2), and the real Titanic file end to end when present.
#define BOOST_TEST_MODULE csv
#include "csv_reader.hpp"

#include <cmath>

#include "data_testing.hpp"
#include "encoding.hpp"

using mindset::CsvField;
using mindset::CsvReader;
using testing::TempDir;
using testing::user_error;

namespace {

std::vector<std::vector<std::string>> read_all(const std::string& path, char delim = ',') {
  CsvReader rd(path, delim);
  std::vector<CsvField> f;
  std::size_t n;
  std::vector<std::vector<std::string>> out;
  while (rd.next(f, n)) {
    out.emplace_back();
    for (std::size_t i = 0; i < n; ++i) out.back().push_back(f[i].text);
  }
  return out;
}

using Rows = std::vector<std::vector<std::string>>;
namespace fs = std::filesystem;

}  // namespace

BOOST_AUTO_TEST_CASE(rfc4180_quoting_and_line_breaks) {
  TempDir d;
  auto p = d.write("q.csv",
                   "name,a,b\r\n\"Smith, John\",1.5,2\r\n\"O\"\"Brien\",,\"3\"\r\n\"two\r\nlines\",\"\",x\r\nlast,4,5");
  Rows rows = read_all(p.string());
  Rows expect = {{"name", "a", "b"}, {"Smith, John", "1.5", "2"}, {"O\"Brien", "", "3"}, {"two\nlines", "", "x"}, {"last", "4", "5"}};
  BOOST_TEST((rows == expect));
}

BOOST_AUTO_TEST_CASE(bom_blank_lines_lone_cr_and_delimiters) {
  TempDir d;
  auto p = d.write("b.csv", "\xEF\xBB\xBFx;y\n\n1;2\r3;4\n\n");
  Rows rows = read_all(p.string(), ';');
  Rows expect = {{"x", "y"}, {"1", "2"}, {"3", "4"}};
  BOOST_TEST((rows == expect));
}

BOOST_AUTO_TEST_CASE(fields_know_their_line_and_character_column) {
  TempDir d;
  auto p = d.write("c.csv", "a,b\n\"x\ny\",\xC3\xA9t\xC3\xA9,z\n");  // é is two bytes, one column
  CsvReader rd(p.string());
  std::vector<CsvField> f;
  std::size_t n;
  BOOST_REQUIRE(rd.next(f, n));
  BOOST_REQUIRE(rd.next(f, n));
  BOOST_TEST(n == 3u);
  BOOST_TEST(rd.record_line() == 2);
  BOOST_TEST(f[0].line == 2);
  BOOST_TEST(f[0].column == 1);
  BOOST_TEST(f[0].quoted);
  BOOST_TEST(f[1].line == 3);
  BOOST_TEST(f[1].column == 4);
  BOOST_TEST(f[2].column == 8);
}

BOOST_AUTO_TEST_CASE(malformed_quotes_are_located) {
  TempDir d;
  auto unclosed = d.write("u.csv", "a,b\n1,\"open\n2,3\n");
  MINDSET_CHECK_ERROR(user_error([&] { read_all(unclosed.string()); }), unclosed.string() + ":2:3:", "never closed");
  auto after = d.write("v.csv", "a,b\n\"x\"y,2\n");
  MINDSET_CHECK_ERROR(user_error([&] { read_all(after.string()); }), after.string() + ":2:4:", "'y' after the closing quote");
  auto inside = d.write("w.csv", "a,b\n5'10\",2\n");
  MINDSET_CHECK_ERROR(user_error([&] { read_all(inside.string()); }), inside.string() + ":2:5:", "quote inside an unquoted field");
}

BOOST_AUTO_TEST_CASE(ragged_rows_name_their_line) {
  TempDir d;
  auto p = d.write("r.csv", "a,b,label\n1,2,1\n3,0\n5,6,1\n");
  CsvReader rd(p.string());
  std::vector<CsvField> f;
  std::size_t n;
  rd.next(f, n);
  rd.expect_fields(n, 1);
  rd.next(f, n);
  MINDSET_CHECK_ERROR(user_error([&] { rd.next(f, n); }), p.string() + ":3:", "line 3 has 2 fields; the header (line 1) has 3");
  auto more = d.write("s.csv", "a,b\n1,2,3,4,5\n");
  CsvReader r2(more.string());
  r2.next(f, n);
  r2.expect_fields(n, 1);
  MINDSET_CHECK_ERROR(user_error([&] { r2.next(f, n); }), "line 2 has 5 fields; the header (line 1) has 2");
}

BOOST_AUTO_TEST_CASE(huge_fields_and_rows_are_refused) {
  TempDir d;
  auto field = d.write("f.csv", "a,b\n1,\"" + std::string(CsvReader::kMaxField + 10, 'x') + "\"\n");
  MINDSET_CHECK_ERROR(user_error([&] { read_all(field.string()); }), field.string() + ":2:3:", "longer than 1 MiB");
  std::string row = "a,b,c,d,e\n";
  for (int i = 0; i < 5; ++i) row += std::string(CsvReader::kMaxField - 100, 'y') + (i < 4 ? "," : "\n");
  auto rowfile = d.write("g.csv", row);
  MINDSET_CHECK_ERROR(user_error([&] { read_all(rowfile.string()); }), rowfile.string() + ":2:", "longer than 4 MiB");
}

// ---- the csv source -------------------------------------------------------------------------

namespace {
const char* kPeople =
    "id,name,sex,age,city,paid\n"
    "1,\"Ann, A.\",female,31,Oslo,yes\n"
    "2,Bob,male,,Rome,no\n"
    "3,Cy,male,22,,yes\n"
    "4,Di,female,40,Oslo,no\n"
    "5,Ed,male,NA,Rome,no\n";
}

BOOST_AUTO_TEST_CASE(columns_categories_missing_and_positive) {
  TempDir d;
  d.write("p.csv", kPeople);
  mindset::Dataset ds = testing::load_source(
      d, "{type: csv, path: p.csv, label: paid, positive: 'yes', ignore: [id, name], categorical: [sex, city], "
         "missing: {age: mean, city: {constant: none}}}");
  BOOST_TEST(ds.m() == 5u);
  BOOST_TEST(ds.n() == 3u);  // raw columns: sex, age, city
  BOOST_REQUIRE(ds.raw);
  BOOST_TEST(ds.raw->columns[0].name == "sex");
  BOOST_TEST(ds.raw->columns[0].categorical);
  BOOST_TEST(!ds.raw->columns[1].categorical);
  BOOST_TEST((ds.y == std::vector<double>{1, 0, 1, 0, 0}), boost::test_tools::per_element());
  BOOST_TEST((ds.classes == std::vector<std::string>{"no", "yes"}), boost::test_tools::per_element());
  BOOST_TEST(ds.x(1, 0) == 31.0);
  BOOST_TEST(std::isnan(ds.x(1, 1)));  // empty
  BOOST_TEST(std::isnan(ds.x(1, 4)));  // NA
  BOOST_TEST(std::isnan(ds.x(2, 2)));

  mindset::Encoding enc = mindset::Encoding::fit(ds);
  std::string note;
  mindset::Dataset e = enc.apply(std::move(ds), note);
  std::vector<std::string> names = {"sex=female", "sex=male", "age", "city=Oslo", "city=Rome", "city=none"};
  BOOST_TEST(e.feature_names == names, boost::test_tools::per_element());
  // sorted bytewise: Oslo, Rome, none
  BOOST_TEST(e.x(2, 1) == (31.0 + 22.0 + 40.0) / 3.0);  // mean of the present ages
  BOOST_TEST(e.x(5, 2) == 1.0);                          // missing city -> the constant category
  BOOST_TEST(e.x(0, 0) == 1.0);
  BOOST_TEST(e.x(1, 0) == 0.0);
  BOOST_TEST(note.empty());
}

BOOST_AUTO_TEST_CASE(drop_policy_and_median_and_most_frequent) {
  TempDir d;
  d.write("p.csv", kPeople);
  mindset::Dataset ds = testing::load_source(
      d, "{type: csv, path: p.csv, label: paid, positive: 'yes', columns: [age, city], categorical: [city], missing: drop}");
  BOOST_TEST(ds.m() == 2u);  // rows 2, 3 and 5 have a missing age or city
  BOOST_REQUIRE(ds.warnings.size() == 1u);
  MINDSET_CHECK_ERROR(ds.warnings[0], "dropped 3 of 5 rows", "age 2", "city 1");

  mindset::Dataset m = testing::load_source(
      d, "{type: csv, path: p.csv, label: paid, positive: 'yes', columns: [city, age], categorical: [city], "
         "missing: {age: median, city: most_frequent}}");
  mindset::Encoding enc = mindset::Encoding::fit(m);
  BOOST_TEST(enc.columns()[1].fill == 31.0);           // median of 31, 22, 40
  BOOST_TEST(enc.columns()[0].fill_text == "Oslo");    // Oslo 2, Rome 2: ties go to the first
}

BOOST_AUTO_TEST_CASE(numeric_categories_sort_numerically) {
  std::vector<std::string> v = {"10", "2", "1", "1.5"};
  mindset::sort_categories(v);
  BOOST_TEST((v == std::vector<std::string>{"1", "1.5", "2", "10"}), boost::test_tools::per_element());
  std::vector<std::string> s = {"S", "C", "Q", "10"};
  mindset::sort_categories(s);
  BOOST_TEST((s == std::vector<std::string>{"10", "C", "Q", "S"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(bad_values_are_located) {
  TempDir d;
  auto p = d.write("p.csv", kPeople).string();
  auto err = [&](const std::string& yaml) { return user_error([&] { testing::load_source(d, yaml); }); };
  MINDSET_CHECK_ERROR(err("{type: csv, path: p.csv, label: paid, positive: 'yes', ignore: [id, name, city]}"),
                      p + ":2:13:", "column 'sex': 'female' is not a number", "categorical");
  MINDSET_CHECK_ERROR(err("{type: csv, path: p.csv, label: paid, positive: 'yes', ignore: [id, name], categorical: [sex, city]}"),
                      p + ":3:12:", "column 'age': a missing value", "missing: {age: median}");
  MINDSET_CHECK_ERROR(err("{type: csv, path: p.csv, label: paid, ignore: [id, name], categorical: [sex, city], missing: mean}"),
                      p + ":2:28:", "the label 'yes' is not a number", "positive:");
  MINDSET_CHECK_ERROR(err("{type: csv, path: p.csv, label: paid, positive: 'Yes', ignore: [id, name], categorical: [sex, city], missing: mean}"),
                      "never positive: 'Yes' (did you mean 'yes'?)");
  auto inf = d.write("i.csv", "a,b\n1,0\ninf,1\n").string();
  MINDSET_CHECK_ERROR(err("{type: csv, path: i.csv, label: b}"), inf + ":3:1:", "'inf' is not a finite number");
}

BOOST_AUTO_TEST_CASE(config_mistakes_name_the_key_and_suggest) {
  TempDir d;
  d.write("p.csv", kPeople);
  auto err = [&](const std::string& yaml) { return user_error([&] { testing::load_source(d, yaml); }); };
  MINDSET_CHECK_ERROR(err("{type: csv, path: p.csv, label: piad}"), "label:", "no column 'piad'", "did you mean 'paid'?");
  MINDSET_CHECK_ERROR(err("{type: csv, path: p.csv, label: paid, ignore: [ID]}"), "ignore[0]", "did you mean 'id'?");
  MINDSET_CHECK_ERROR(err("{type: csv, path: p.csv, label: paid, ignore: [sex], categorical: [sex]}"),
                      "categorical[0]", "not one of the feature columns");
  MINDSET_CHECK_ERROR(err("{type: csv, path: p.csv, label: paid, positive: 'yes', missing: {age: meen}}"),
                      "missing.age", "did you mean 'mean'?");
  MINDSET_CHECK_ERROR(err("{type: csv, path: p.csv, label: paid, categorical: [city], missing: {city: median}}"),
                      "missing.city", "categorical");
  MINDSET_CHECK_ERROR(err("{type: csv, path: p.csv, label: paid, categorical: [city], missing: {city: most_frequnt}}"),
                      "did you mean 'most_frequent'?", "{constant: most_frequnt}");
  MINDSET_CHECK_ERROR(err("{type: csv, path: p.csv, label: paid, columns: [age], missing: mean, positive: 'Yes'}"),
                      "the values 'yes' and 'no' but never positive: 'Yes' (did you mean 'yes'?)");
  d.write("n.csv", "a,paid\n1,no\n2,no\n");
  d.write("m.csv", "a,paid\n1,no\n2,yes\n3,maybe\n");
  MINDSET_CHECK_ERROR(err("{type: csv, path: m.csv, label: paid, positive: 'yes'}"), "m.csv:4:3:",
                      "a third value 'maybe' (besides 'yes' and 'no')");
  MINDSET_CHECK_ERROR(err("{type: csv, path: n.csv, label: paid, positive: 'yes'}"), "positive:", "never has the value 'yes'");
  MINDSET_CHECK_ERROR(err("{type: csv, path: p.csv, label: paid, delimiter: ';;'}"), "delimiter", "one character");
  MINDSET_CHECK_ERROR(err("{type: csv, path: p.csv}"), "label", "missing required key");
}

BOOST_AUTO_TEST_CASE(empty_files_and_duplicate_headers) {
  TempDir d;
  auto err = [&](const std::string& yaml) { return user_error([&] { testing::load_source(d, yaml); }); };
  d.write("e.csv", "");
  MINDSET_CHECK_ERROR(err("{type: csv, path: e.csv, label: y}"), "is empty", "header row");
  d.write("h.csv", "x,y\r\n");
  MINDSET_CHECK_ERROR(err("{type: csv, path: h.csv, label: y}"), "header but no rows");
  auto dup = d.write("d.csv", "x,y,x\n1,0,2\n").string();
  MINDSET_CHECK_ERROR(err("{type: csv, path: d.csv, label: y}"), dup + ":1:5:", "names column 'x' twice");
}

BOOST_AUTO_TEST_CASE(cli_quoted_file_trains_and_ragged_file_exits_2) {
  TempDir d;
  d.write("q.csv", "name,a,b,label\r\n\"Smith, John\",1.5,2,1\r\n\"O\"\"Brien\",2.5,\"3\",0\r\nplain,4,\"5\",1\r\n\"two\r\nlines\",6,7,0\r\n");
  auto ok = testing::train(d, "q.yaml", "data: {train: {type: csv, path: q.csv, label: label, ignore: [name]}}\n" + std::string(testing::kTinyModel));
  BOOST_TEST(ok.exit_code == 0, ok.err);
  d.write("r.csv", "a,b,label\n1,2,1\n3,0\n5,6,1\n");
  auto bad = testing::train(d, "r.yaml", "data: {train: {type: csv, path: r.csv, label: label}}\n" + std::string(testing::kTinyModel), "r.h5");
  BOOST_TEST(bad.exit_code == 2);
  MINDSET_CHECK_ERROR(bad.err.substr(0, bad.err.find_last_not_of('\n') + 1), "r.csv:3:", "data.train:", "line 3 has 2 fields");
  BOOST_TEST(!fs::exists(d / "r.h5"));
}

// ---- the real Titanic file ------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(titanic_end_to_end_without_leaks) {
  fs::path dir = testing::dataset_dir("titanic");
  if (dir.empty()) {
    BOOST_TEST_MESSAGE("skipped: titanic/train.csv not found in data/ or ../shared/datasets");
    return;
  }
  TempDir d;
  const std::string csv = (dir / "train.csv").string();
  auto r = testing::train(d, "t.yaml",
                          "seed: 1\n"
                          "data:\n"
                          "  train: {type: csv, path: " + csv + ", label: Survived, ignore: [PassengerId, Name, Ticket, Cabin],\n"
                          "          categorical: [Sex, Embarked, Pclass], missing: {Age: median, Embarked: most_frequent}}\n"
                          "  test_fraction: 0.2\n"
                          "  preprocess: [standardize]\n"
                          "model: {init: zeros, layers: [{units: 1, activation: sigmoid}]}\n"
                          "training: {learning_rate: 0.1, iterations: 1000}\n");
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  // An independent reading in Python (csv module + numpy): the documented split, statistics of
  // the training split only, the encoding, the standardisation and the SHA-256.
  auto script = d.write("check.py", R"PY(
import csv, hashlib, sys
import h5py, numpy as np
res, path = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(path, newline="")))
y = np.array([float(r["Survived"]) for r in rows])
rng = np.random.RandomState(1)
train, test = [], []
for c in np.unique(y):
    g = np.flatnonzero(y == c); g = g[rng.permutation(len(g))]
    k = int(np.round(0.2 * len(g))); test += list(g[:k]); train += list(g[k:])
train, test = np.sort(train), np.sort(test)
f = h5py.File(res, "r")
assert f["data/train"].attrs["m"] == len(train) and f["data/test"].attrs["m"] == len(test), "split sizes"
ages = np.array([float(rows[i]["Age"]) for i in train if rows[i]["Age"] != ""])
all_ages = np.array([float(r["Age"]) for r in rows if r["Age"] != ""])
enc = f["data/encoding"]
fill = {enc[k].attrs["name"]: enc[k].attrs.get("fill") for k in enc}
assert fill["Age"] == np.median(ages), (fill["Age"], np.median(ages))
assert fill["Age"] != np.median(all_ages), "with this seed the training median differs from the whole file's"
emb = [rows[i]["Embarked"] for i in train if rows[i]["Embarked"]]
assert fill["Embarked"] == max(sorted(set(emb)), key=emb.count)
names = [s.decode() for s in f["data/feature_names"][()]]
assert names == ["Pclass=1", "Pclass=2", "Pclass=3", "Sex=female", "Sex=male", "Age", "SibSp", "Parch", "Fare",
                 "Embarked=C", "Embarked=Q", "Embarked=S"], names
def encode(r):
    age = float(r["Age"]) if r["Age"] else fill["Age"]
    e = r["Embarked"] or fill["Embarked"]
    return [r["Pclass"] == "1", r["Pclass"] == "2", r["Pclass"] == "3", r["Sex"] == "female", r["Sex"] == "male", age,
            float(r["SibSp"]), float(r["Parch"]), float(r["Fare"]), e == "C", e == "Q", e == "S"]
X = np.ascontiguousarray(np.array([encode(rows[i]) for i in train], dtype=float).T)  # n x m, C order
mu = X.mean(axis=1, keepdims=True); sd = X.std(axis=1, keepdims=True)
step = f["data/preprocess/step_1"]
assert step.attrs["type"] == "standardize"
assert np.array_equal(step["mean"][()], mu.ravel()), "standardize mean"
assert np.array_equal(step["std"][()], sd.ravel()), "standardize std"
sha = hashlib.sha256(open(path, "rb").read()).hexdigest()
assert f["data/train"].attrs["sha256"] == sha and f["data/test"].attrs["sha256"] == sha
assert list(f["data/train/class_counts"][()]) == [int((y[train] == 0).sum()), int((y[train] == 1).sum())]
acc = f["metrics/test_accuracy"][()]
assert 0.74 <= acc <= 0.9, acc
print("median of training ages", fill["Age"], "; of all ages", np.median(all_ages), "; test accuracy", acc)
)PY");
  auto py = testing::run(testing::python() + " " + testing::quote(script.string()) + " " +
                         testing::quote((d / "out.h5").string()) + " " + testing::quote(csv));
  BOOST_TEST(py.exit_code == 0, py.err);
  BOOST_TEST_MESSAGE(py.out);
}

BOOST_AUTO_TEST_CASE(titanic_configs_train) {
  fs::path dir = testing::dataset_dir("titanic");
  if (dir.empty() || !fs::exists(testing::source_dir() / "data" / "titanic")) {
    BOOST_TEST_MESSAGE("skipped: data/titanic not linked (scripts/test.sh links it from ../shared/datasets)");
    return;
  }
  TempDir d;
  for (const char* name : {"logistic_regression", "mlp"}) {
    fs::path cfg = testing::source_dir() / "configs" / "titanic" / (std::string(name) + ".yaml");
    auto r = testing::mindset("train " + testing::quote(cfg.string()) + " training.iterations=300 -o " +
                              testing::quote((d / (std::string(name) + ".h5")).string()) + " --quiet");
    BOOST_TEST(r.exit_code == 0, name << ": " << r.err);
  }
}
