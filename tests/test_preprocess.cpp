// Preprocessing steps against numpy (tests/reference/make_data_reference.py), bit for bit;
// statistics from the training split only; parameters stored in /data/preprocess and read back.
#define BOOST_TEST_MODULE preprocess
#include "preprocess.hpp"

#include "data_testing.hpp"
#include "h5.hpp"
#include "split.hpp"

using testing::TempDir;

namespace {

const std::vector<double>& reference(const std::string& label) {
  static const auto r = testing::read_reference("data_reference.txt");
  auto it = r.find(label);
  BOOST_REQUIRE_MESSAGE(it != r.end(), "reference lacks " + label);
  return it->second;
}

xt::xtensor<double, 2> matrix(const std::string& label, std::size_t rows) {
  const auto& v = reference(label);
  xt::xtensor<double, 2> x = xt::xtensor<double, 2>::from_shape({rows, v.size() / rows});
  std::copy(v.begin(), v.end(), x.begin());
  return x;
}

std::vector<double> flat(const xt::xtensor<double, 2>& x) { return {x.begin(), x.end()}; }

std::shared_ptr<mindset::Preprocessor> make(const std::string& yaml) {
  return mindset::make_preprocessor(mindset::parse_yaml(yaml, nullptr));
}

}  // namespace

BOOST_AUTO_TEST_CASE(standardize_bit_exact_with_numpy) {
  auto X = matrix("pre_X", 4), T = matrix("pre_T", 4);
  auto s = make("standardize");
  s->fit(X);
  s->apply(X);
  s->apply(T);
  BOOST_TEST(flat(X) == reference("standardize_X"), boost::test_tools::per_element());
  BOOST_TEST(flat(T) == reference("standardize_T"), boost::test_tools::per_element());
  // The constant fourth feature: std 0 is replaced by 1, so it is centred to 0, not NaN.
  BOOST_TEST(reference("standardize_std")[3] == 1.0);
  BOOST_TEST(X(3, 0) == 0.0);
}

BOOST_AUTO_TEST_CASE(minmax_and_scale_bit_exact_with_numpy) {
  auto X = matrix("pre_X", 4), T = matrix("pre_T", 4);
  auto s = make("minmax");
  s->fit(X);
  s->apply(X);
  s->apply(T);
  BOOST_TEST(flat(X) == reference("minmax_X"), boost::test_tools::per_element());
  BOOST_TEST(flat(T) == reference("minmax_T"), boost::test_tools::per_element());
  auto Y = matrix("pre_X", 4);
  auto sc = make("{type: scale, by: 255}");
  sc->fit(Y);
  sc->apply(Y);
  BOOST_TEST(flat(Y) == reference("scale_X"), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(parameters_round_trip_through_hdf5) {
  TempDir d;
  auto X = matrix("pre_X", 4);
  std::vector<std::shared_ptr<mindset::Preprocessor>> steps = {make("{type: scale, by: 2}"), make("standardize"), make("minmax")};
  std::vector<mindset::ConfigNode> configs = {mindset::parse_yaml("{type: scale, by: 2}", nullptr),
                                              mindset::parse_yaml("standardize", nullptr), mindset::parse_yaml("minmax", nullptr)};
  for (auto& s : steps) {
    s->fit(X);
    s->apply(X);
  }
  const std::string path = (d / "p.h5").string();
  {
    mindset::h5::Handle f = mindset::h5::create_file(path);
    mindset::write_preprocessing(f.id(), steps, configs);
    mindset::h5::close_file(f);
  }
  mindset::h5::Handle f = mindset::h5::open_file(path);
  auto back = mindset::read_preprocessing(f.id());
  BOOST_REQUIRE(back.size() == 3u);
  auto T1 = matrix("pre_T", 4), T2 = matrix("pre_T", 4);
  for (auto& s : steps) s->apply(T1);
  for (auto& s : back) s->apply(T2);
  BOOST_TEST(flat(T1) == flat(T2), boost::test_tools::per_element());
  BOOST_TEST(back[1]->type() == "standardize");
}

BOOST_AUTO_TEST_CASE(statistics_come_from_the_training_split_only) {
  TempDir d;
  auto b = testing::load_bundle(d, "data: {train: {type: blobs, examples: 40, seed: 3}, test_fraction: 0.25, "
                                   "scale: 4, preprocess: [standardize]}\n" +
                                       std::string(testing::kTinyModel));
  BOOST_REQUIRE(b.preprocess.size() == 2u);  // data.scale comes first, as a scale step
  BOOST_TEST(b.preprocess[0]->type() == "scale");
  // Rebuild the training split by hand: its standardized features have mean ~0 and std 1;
  // the test split's do not in general.
  auto mu = mindset::row_means(b.train.x);
  auto sd = mindset::row_stds(b.train.x, mu);
  BOOST_TEST(std::abs(mu[0]) < 1e-12);
  BOOST_TEST(std::abs(sd[0] - 1) < 1e-12);
  auto whole = testing::load_source(d, "{type: blobs, examples: 40, seed: 3}");
  auto plan = mindset::plan_split(whole.y, 0.25, 0, 1, true);
  xt::xtensor<double, 2> tr = mindset::take_examples(whole, plan.train).x;
  for (double& v : tr) v = v / 4;
  auto tmu = mindset::row_means(tr);
  auto tsd = mindset::row_stds(tr, tmu);
  xt::xtensor<double, 2> te = mindset::take_examples(whole, plan.test).x;
  BOOST_TEST(b.test->x(1, 2) == (te(1, 2) / 4 - tmu[1]) / tsd[1]);
}

BOOST_AUTO_TEST_CASE(unknown_steps_are_named_with_a_suggestion) {
  TempDir d;
  auto r = testing::train(d, "p.yaml", "data: {train: {type: blobs}, preprocess: [standardise]}\n" + std::string(testing::kTinyModel));
  BOOST_TEST(r.exit_code == 2);
  MINDSET_CHECK_ERROR(r.err.substr(0, r.err.size() - 1), "p.yaml:1:", "data.preprocess[0]", "did you mean 'standardize'?");
  auto s = testing::train(d, "s.yaml", "data: {train: {type: blobs}, preprocess: [scale]}\n" + std::string(testing::kTinyModel));
  BOOST_TEST(s.exit_code == 2);
  BOOST_TEST(testing::contains(s.err, "missing required key 'by'"), s.err);
}
