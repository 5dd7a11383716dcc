// Every initialiser against numpy (tests/reference/numpy_random.txt, made by
// tests/reference/make_numpy_random.py), layer overrides of model.init, and one stream for all.
#define BOOST_TEST_MODULE initializers
#include <cmath>

#include "h5.hpp"
#include "network.hpp"
#include "testing.hpp"
#include "validate.hpp"
#include "yaml_tree.hpp"

using namespace mindset;

namespace {

const auto& ref() {
  static const auto r = testing::read_reference("numpy_random.txt");
  return r;
}
const std::vector<double>& vec(const std::string& label) {
  auto it = ref().find(label);
  BOOST_REQUIRE_MESSAGE(it != ref().end(), "reference lacks " + label);
  return it->second;
}

ConfigNode yaml(const std::string& text) { return parse_yaml(text, nullptr); }

// A validated `model.layers` list from YAML text.
ConfigNode layers(const std::string& text) {
  Diagnostics diags;
  Spec s = spec::list(spec::object("layer", "", "dense").map_only());
  ConfigNode out = validate(yaml(text), s, "model.layers", diags);
  if (!diags.empty()) BOOST_FAIL(diags.list()[0].str());
  return out;
}

xt::xtensor<double, 2> fill(const std::string& init_yaml, std::size_t units, std::size_t fan_in, std::uint32_t seed) {
  auto init = make_initializer(yaml(init_yaml));
  NumpyRandom rng(seed);
  xt::xtensor<double, 2> w = xt::zeros<double>({units, fan_in});
  init->fill(w, rng);
  return w;
}

// Exact equality, element by element in row-major order (numpy's ravel()).
void check_equal(const xt::xtensor<double, 2>& w, const double* want, std::size_t n, const std::string& what) {
  BOOST_REQUIRE_EQUAL(w.size(), n);
  for (std::size_t i = 0; i < n; ++i)
    BOOST_TEST(w.data()[i] == want[i], what << "[" << i << "]: " << w.data()[i] << " vs numpy " << want[i]);
}

}  // namespace

BOOST_AUTO_TEST_CASE(registry_has_every_initializer) {
  const std::vector<std::string> want = {"he_normal", "lecun_normal", "normal", "xavier_normal", "xavier_uniform", "zeros"};
  BOOST_TEST(InitializerRegistry::instance().names() == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(each_initializer_equals_numpy) {
  const std::pair<const char*, const char*> cases[] = {
      {"{type: normal, scale: 0.05}", "init_normal_0.05"},  // randn(4, 5) * 0.05
      {"lecun_normal", "init_lecun_normal"},                 // randn(4, 5) / np.sqrt(5): a division
      {"he_normal", "init_he_normal"},                       // randn(4, 5) * np.sqrt(2 / 5)
      {"xavier_normal", "init_xavier_normal"},               // randn(4, 5) * np.sqrt(2 / (5 + 4))
      {"xavier_uniform", "init_xavier_uniform"},             // np.random.uniform(-L, L, (4, 5)): low + (high - low) * u
  };
  for (const auto& [init, label] : cases) {
    const auto& want = vec(label);
    check_equal(fill(init, 4, 5, 3), want.data(), want.size(), init);
  }
}

BOOST_AUTO_TEST_CASE(lecun_divides_rather_than_multiplies) {
  // z / sqrt(5) and z * (1 / sqrt(5)) differ in the last bit for some z; numpy code divides.
  const auto& z = vec("randn_3_7");
  xt::xtensor<double, 2> w = fill("lecun_normal", 1, 5, 3);
  int differ = 0;
  for (std::size_t i = 0; i < 5; ++i) {
    BOOST_TEST(w(0, i) == z[i] / std::sqrt(5.0));
    differ += w(0, i) != z[i] * (1 / std::sqrt(5.0));
  }
  BOOST_TEST_MESSAGE("lecun_normal: " << differ << " of 5 draws would differ if multiplied");
}

BOOST_AUTO_TEST_CASE(xavier_uniform_stays_in_its_limits) {
  xt::xtensor<double, 2> w = fill("xavier_uniform", 30, 40, 11);
  const double limit = std::sqrt(6.0 / 70.0);
  for (double v : w) BOOST_TEST((v >= -limit && v < limit));
}

BOOST_AUTO_TEST_CASE(zeros_fills_zeros_and_draws_nothing) {
  auto init = make_initializer(yaml("zeros"));
  NumpyRandom rng(3);
  xt::xtensor<double, 2> w = xt::ones<double>({3, 4});
  init->fill(w, rng);
  for (double v : w) BOOST_TEST(v == 0.0);
  BOOST_TEST(rng.standard_normal() == vec("randn_3_7")[0]);  // the stream is untouched
}

BOOST_AUTO_TEST_CASE(normal_scale_defaults_to_0_01) {
  Diagnostics diags;
  ConfigNode resolved = validate(yaml("normal"), spec::object("initializer"), "model.init", diags);
  BOOST_REQUIRE(diags.empty());
  BOOST_TEST(resolved.get_number("scale") == 0.01);
  const auto& z = vec("randn_3_7");
  xt::xtensor<double, 2> w = fill("normal", 1, 5, 3);
  for (std::size_t i = 0; i < 5; ++i) BOOST_TEST(w(0, i) == z[i] * 0.01);
}

BOOST_AUTO_TEST_CASE(network_layers_draw_in_order_from_one_stream) {
  // seed 1, normal scale 1: layer 1's W is np.random.randn(3, 2), layer 2's the next randn(1, 3).
  auto net = Network<double>::from_config(layers("[{units: 3, activation: relu}, {units: 1, activation: sigmoid}]"));
  net.build(2, 4);
  for (const auto& p : net.parameters()) p.value->fill(7.0);  // initialize() must reset biases too
  NumpyRandom rng(1);
  net.initialize(*make_initializer(yaml("{type: normal, scale: 1}")), rng);
  const auto& want = vec("layers_1");
  const auto& params = net.parameters();
  BOOST_REQUIRE_EQUAL(params.size(), 4u);
  BOOST_TEST(params[0].name == "layer_1/W");
  BOOST_TEST(params[2].name == "layer_2/W");
  check_equal(*params[0].value, want.data(), 6, "layer_1/W");
  check_equal(*params[2].value, want.data() + 6, 3, "layer_2/W");
  for (std::size_t i : {1u, 3u})
    for (double v : *params[i].value) BOOST_TEST(v == 0.0);
}

BOOST_AUTO_TEST_CASE(a_layers_own_init_overrides_model_init) {
  // model.init lecun_normal; layer 2 says xavier_uniform, layer 3 he_normal. numpy: seed 2,
  // randn(3, 2) / sqrt(2), uniform(-L, L, (2, 3)), randn(1, 2) * sqrt(2 / 2), one stream.
  auto net = Network<double>::from_config(layers(
      "[{units: 3, activation: tanh},"
      " {units: 2, activation: relu, init: xavier_uniform},"
      " {units: 1, activation: sigmoid, init: he_normal}]"));
  net.build(2, 1);
  NumpyRandom rng(2);
  net.initialize(*make_initializer(yaml("lecun_normal")), rng);
  const auto& want = vec("stack_2");
  BOOST_REQUIRE_EQUAL(want.size(), 14u);
  const auto& params = net.parameters();
  check_equal(*params[0].value, want.data(), 6, "layer_1/W");
  check_equal(*params[2].value, want.data() + 6, 6, "layer_2/W");
  check_equal(*params[4].value, want.data() + 12, 2, "layer_3/W");
  BOOST_TEST(net.layer(1).attributes().get_string("init") == "xavier_uniform");
}

BOOST_AUTO_TEST_CASE(overrides_hold_through_the_config_and_results_file) {
  // The same network from a config file, trained for 0 iterations: the file holds numpy's draws.
  testing::TempDir dir;
  auto cfg = dir.write("init.yaml",
                       "seed: 2\n"
                       "data: {train: {type: flower, examples: 10}}\n"
                       "model:\n"
                       "  init: lecun_normal\n"
                       "  layers:\n"
                       "    - {units: 3, activation: tanh}\n"
                       "    - {units: 2, activation: relu, init: xavier_uniform}\n"
                       "    - {units: 1, activation: sigmoid, init: {type: he_normal}}\n"
                       "training: {learning_rate: 0.1, iterations: 0}\n");
  auto out = dir / "init.h5";
  auto r = testing::mindset("train " + testing::quote(cfg.string()) + " -o " + testing::quote(out.string()) + " --quiet");
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  h5::Handle f = h5::open_file(out.string());
  const auto& want = vec("stack_2");
  std::size_t offset = 0;
  for (const char* name : {"model/layer_1/W", "model/layer_2/W", "model/layer_3/W"}) {
    h5::Handle ds = h5::open_dataset(f.id(), name);
    std::vector<double> w = h5::read_doubles(ds.id());
    for (std::size_t i = 0; i < w.size(); ++i) BOOST_TEST(w[i] == want[offset + i], name << "[" << i << "]");
    offset += w.size();
  }
  BOOST_TEST(offset == want.size());
  h5::Handle g = h5::open_group(f.id(), "model/layer_2");
  BOOST_TEST(h5::get_attr_string(g.id(), "init") == "xavier_uniform");
}
