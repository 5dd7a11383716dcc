// The course reproductions on the real cat pictures (skipped with a message when the data set is
// absent): the logistic regression's published cost table and accuracies, and the seed deep
// network's first iterations against plain numpy (tests/reference/make_seed_network.py).
#define BOOST_TEST_MODULE course
#include <sys/resource.h>

#include "h5.hpp"
#include "testing.hpp"

using namespace mindset;
namespace fs = std::filesystem;

namespace {

// Runs a config of configs/catvnoncat. The configs read ../../data/catvnoncat; when that link
// is missing (ctest run without scripts/test.sh) the paths are pointed at the shared copy.
testing::Result train(const std::string& config, const fs::path& out, const std::string& overrides = "") {
  const fs::path data = testing::dataset_dir("catvnoncat");
  std::string args = overrides;
  if (!fs::exists(testing::source_dir() / "data" / "catvnoncat"))
    args += " data.train.path=" + testing::quote((data / "train_catvnoncat.h5").string()) +
            " data.test.path=" + testing::quote((data / "test_catvnoncat.h5").string());
  return testing::mindset("train " + testing::quote((testing::source_dir() / "configs" / "catvnoncat" / config).string()) +
                          " " + args + " -o " + testing::quote(out.string()) + " --quiet");
}

bool have_data() {
  if (testing::dataset_dir("catvnoncat").empty()) {
    BOOST_TEST_MESSAGE("skipped: the catvnoncat data set is absent (data/catvnoncat or ../shared/datasets/catvnoncat)");
    return false;
  }
  return true;
}

std::vector<double> read(hid_t f, const std::string& path) {
  h5::Handle ds = h5::open_dataset(f, path);
  return h5::read_doubles(ds.id());
}

}  // namespace

BOOST_AUTO_TEST_CASE(logistic_regression_matches_the_course) {
  if (!have_data()) return;
  const fs::path csv = testing::source_dir().parent_path() / "shared" / "reference" / "logistic_regression_catvnoncat.csv";
  if (!fs::exists(csv)) {
    BOOST_TEST_MESSAGE("skipped: " << csv << " is absent");
    return;
  }
  testing::TempDir dir;
  auto r = train("logistic_regression.yaml", dir / "lr.h5");
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  h5::Handle f = h5::open_file((dir / "lr.h5").string());
  const auto iteration = read(f.id(), "history/iteration"), cost = read(f.id(), "history/cost");
  BOOST_REQUIRE_EQUAL(cost.size(), 2000u);
  for (std::size_t i = 0; i < iteration.size(); ++i) BOOST_REQUIRE_EQUAL(iteration[i], static_cast<double>(i));

  // Every listed iteration of the published table, within 1e-6 (it prints 6 decimals).
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);
  BOOST_REQUIRE_EQUAL(line, "iteration,cost");
  std::size_t rows = 0;
  double worst = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::size_t comma = line.find(',');
    const std::size_t it = std::stoul(line.substr(0, comma));
    const double want = std::stod(line.substr(comma + 1));
    BOOST_REQUIRE_LT(it, cost.size());
    BOOST_TEST(std::abs(cost[it] - want) <= 1e-6, "iteration " << it << ": " << cost[it] << " vs " << want);
    worst = std::max(worst, std::abs(cost[it] - want));
    ++rows;
  }
  BOOST_TEST(rows >= 20u);
  BOOST_TEST_MESSAGE("logistic regression: " << rows << " costs, worst |difference| " << worst);

  // 207 of 209 training pictures and 35 of 50 test pictures right.
  BOOST_TEST(h5::read_scalar(f.id(), "metrics/train_accuracy") == 207.0 / 209.0);
  BOOST_TEST(h5::read_scalar(f.id(), "metrics/test_accuracy") == 35.0 / 50.0);
  // Evaluated every 100 iterations and at the end.
  const auto evaluated = read(f.id(), "history/evaluated_at");
  BOOST_REQUIRE_EQUAL(evaluated.size(), 21u);
  BOOST_TEST(evaluated.back() == 2000.0);
  BOOST_TEST(read(f.id(), "history/train_accuracy").back() == 207.0 / 209.0);
  // One dense layer of one sigmoid unit: the same code path as any network.
  BOOST_TEST(h5::shape(h5::open_dataset(f.id(), "model/layer_1/W").id()) == (std::vector<std::uint64_t>{1, 12288}),
             boost::test_tools::per_element());
  BOOST_TEST(!h5::exists(f.id(), "model/layer_2"));
}

BOOST_AUTO_TEST_CASE(seed_network_first_iterations_match_numpy) {
  if (!have_data()) return;
  const auto ref = testing::read_reference("seed_network_catvnoncat.txt");
  const auto& want_cost = ref.at("cost");
  testing::TempDir dir;
  auto r = train("seed_network.yaml", dir / "seed.h5", "training.iterations=" + std::to_string(want_cost.size()));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  h5::Handle f = h5::open_file((dir / "seed.h5").string());

  // numpy and OpenBLAS may sum the 12288-long dot products in different orders: agree to 1e-12.
  auto close = [](double a, double b) { return std::abs(a - b) <= 1e-12 * std::max(1.0, std::abs(b)); };
  const auto cost = read(f.id(), "history/cost");
  BOOST_REQUIRE_EQUAL(cost.size(), want_cost.size());
  for (std::size_t i = 0; i < cost.size(); ++i)
    BOOST_TEST(close(cost[i], want_cost[i]), "iteration " << i << ": " << cost[i] << " vs numpy " << want_cost[i]);
  BOOST_TEST(close(h5::read_scalar(f.id(), "metrics/final_cost"), ref.at("final_cost")[0]));
  BOOST_TEST(h5::read_scalar(f.id(), "metrics/train_accuracy") == ref.at("train_accuracy")[0]);

  auto check = [&](const std::string& path, const std::vector<double>& got, const std::string& label) {
    const auto& want = ref.at(label);
    BOOST_REQUIRE_EQUAL(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i)
      BOOST_TEST(std::abs(got[i] - want[i]) <= 1e-12 * std::max(1e-3, std::abs(want[i])),
                 path << "[" << i << "]: " << got[i] << " vs numpy " << want[i]);
  };
  const auto w1 = read(f.id(), "model/layer_1/W");
  BOOST_REQUIRE_EQUAL(w1.size(), 3u * 12288);
  std::vector<double> w1_first;
  for (std::size_t row = 0; row < 3; ++row) w1_first.insert(w1_first.end(), w1.begin() + row * 12288, w1.begin() + row * 12288 + 8);
  check("layer_1/W", w1_first, "W1_first");
  for (const char* l : {"1", "2", "3"}) {
    if (std::string(l) != "1") check(std::string("layer_") + l + "/W", read(f.id(), std::string("model/layer_") + l + "/W"), std::string("W") + l);
    check(std::string("layer_") + l + "/b", read(f.id(), std::string("model/layer_") + l + "/b"), std::string("b") + l);
  }
}

// Peak memory of a catvnoncat run (the course's L-layer network) stays within 1.5 x the data
// set's bytes as stored (uint8 images: train + test files) + 64 MiB: no copies of X per
// iteration, per layer or per evaluation. getrusage(RUSAGE_CHILDREN) gives the largest peak RSS
// among the processes this test has waited for (mindset, through the shell).
BOOST_AUTO_TEST_CASE(peak_memory_is_bounded_by_the_data) {
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MINDSET_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(MINDSET_ASAN)
  BOOST_TEST_MESSAGE("skipped: AddressSanitizer's shadow memory inflates RSS");
  return;
#endif
  if (!have_data()) return;
  testing::TempDir dir;
  auto r = train("seed_network.yaml", dir / "deep.h5",
                 "'model.layers=[{units: 20, activation: relu}, {units: 7, activation: relu}, "
                 "{units: 5, activation: relu}, {units: 1, activation: sigmoid}]' training.iterations=20");
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  struct rusage ru {};
  BOOST_REQUIRE(getrusage(RUSAGE_CHILDREN, &ru) == 0);
  const double peak = static_cast<double>(ru.ru_maxrss) * 1024.0;  // Linux reports KiB
  const double stored = (209.0 + 50.0) * 64 * 64 * 3;  // the images' bytes, uint8
  const double bound = 1.5 * stored + 64.0 * 1024 * 1024;
  BOOST_TEST_MESSAGE("peak RSS " << peak / 1048576 << " MiB, bound " << bound / 1048576 << " MiB");
  BOOST_TEST(peak <= bound, "peak RSS " << peak / 1048576 << " MiB exceeds " << bound / 1048576 << " MiB");
}
