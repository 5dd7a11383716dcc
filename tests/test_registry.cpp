// The registries: every shipped type registered (self-registration survives linking), duplicates
// rejected, unknown names answered with the known list and the closest name.
#define BOOST_TEST_MODULE registry
#include "activation.hpp"
#include "dataset.hpp"
#include "initializer.hpp"
#include "layer.hpp"
#include "loss.hpp"
#include "optimizer.hpp"
#include "registry.hpp"
#include "testing.hpp"

using namespace mindset;

namespace {

// What this build ships. A new type must be added here (and to docs) when it is registered.
const std::map<std::string, std::vector<std::string>> kExpected = {
    {"layer", {"dense", "dropout"}},
    {"activation", {"leaky_relu", "linear", "relu", "sigmoid", "softmax", "tanh"}},
    {"initializer", {"he_normal", "lecun_normal", "normal", "xavier_normal", "xavier_uniform", "zeros"}},
    {"loss", {"binary_cross_entropy", "categorical_cross_entropy", "mse"}},
    {"optimizer", {"adam", "gd", "momentum", "rmsprop"}},
    {"schedule", {"constant", "cosine", "exponential", "inverse_time", "step"}},
    {"data", {"blobs", "circles", "csv", "flower", "gaussian_quantiles", "hdf5", "moons", "xor"}},
    {"preprocess", {"minmax", "scale", "standardize"}},
};

// A registry that exists only in this test.
struct WidgetTag {
  using Factory = std::function<int()>;
  static const char* kind() { return "widget"; }
  static const char* plural() { return "widgets"; }
};
using WidgetRegistry = Registry<WidgetTag>;

// An impostor trying to take the real sigmoid's name.
template <class T>
class FakeSigmoid : public ElementwiseActivation<T, FakeSigmoid<T>> {
 public:
  explicit FakeSigmoid(const ConfigNode&) {}
  static TypeInfo info() { return {"sigmoid", "an impostor", spec::map()}; }
  std::string name() const override { return "fake"; }
  T value(T z) const { return z; }
  T grad(T da, T, T) const { return da; }
};

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_CASE(each_registry_lists_every_type) {
  for (const auto& [kind, names] : kExpected) {
    RegistryBase* r = find_registry(kind);
    BOOST_REQUIRE_MESSAGE(r, "no registry of kind " + kind);
    BOOST_TEST(r->names() == names, boost::test_tools::per_element());
    for (const auto& n : names) {
      const TypeInfo& info = r->info(n);
      BOOST_TEST(info.name == n);
      BOOST_TEST(!info.description.empty(), kind << " " << n << " has no description");
    }
  }
  // The typed registries are the same objects find_registry() returns.
  BOOST_TEST(find_registry("layer") == &LayerRegistry::instance());
  BOOST_TEST(find_registry("activations") == &ActivationRegistry::instance());
  BOOST_TEST(find_registry("initializers") == &InitializerRegistry::instance());
  BOOST_TEST(find_registry("losses") == &LossRegistry::instance());
  BOOST_TEST(find_registry("optimizer") == &OptimizerRegistry::instance());
  BOOST_TEST(find_registry("data") == &DataRegistry::instance());
  BOOST_TEST(find_registry("nonsense") == nullptr);
}

BOOST_AUTO_TEST_CASE(all_registries_in_a_fixed_order) {
  std::vector<std::string> kinds;
  for (RegistryBase* r : all_registries())
    if (kExpected.count(r->kind())) kinds.push_back(r->kind());
  const std::vector<std::string> want = {"layer", "activation", "initializer", "loss", "optimizer", "schedule", "data", "preprocess"};
  BOOST_TEST(kinds == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(registered_factories_build_what_they_name) {
  ConfigNode dense = ConfigNode::map();
  dense.set("type", ConfigNode::scalar("dense"));
  dense.set("units", ConfigNode::of(2));
  dense.set("activation", ConfigNode::scalar("tanh"));
  BOOST_TEST(make_layer<double>(dense)->type() == "dense");
  BOOST_TEST(make_layer<float>(dense)->activation()->name() == "tanh");
  for (const auto& n : kExpected.at("activation")) {
    BOOST_TEST(make_activation<double>(ConfigNode::scalar(n))->name() == n);
    BOOST_TEST(make_activation<float>(ConfigNode::scalar(n))->name() == n);
  }
  for (const auto& n : kExpected.at("initializer")) BOOST_TEST(make_initializer(ConfigNode::scalar(n))->name() == n);
  BOOST_TEST(make_loss<double>(ConfigNode::scalar("binary_cross_entropy"))->name() == "binary_cross_entropy");
  BOOST_TEST(make_optimizer<float>(ConfigNode::scalar("gd"))->name() == "gd");
}

BOOST_AUTO_TEST_CASE(duplicates_are_rejected) {
  auto& reg = WidgetRegistry::instance();
  reg.add(TypeInfo{"sprocket", "the first", spec::map()}, [] { return 1; });
  BOOST_CHECK_EXCEPTION(reg.add(TypeInfo{"sprocket", "the second", spec::map()}, [] { return 2; }), std::logic_error,
                        [](const std::logic_error& e) {
                          return contains(e.what(), "duplicate widget 'sprocket'");
                        });
  // The first registration stands.
  BOOST_TEST(reg.factory("sprocket")() == 1);
  BOOST_TEST(reg.info("sprocket").description == "the first");
  BOOST_TEST(reg.names() == std::vector<std::string>{"sprocket"}, boost::test_tools::per_element());
  BOOST_CHECK_THROW(reg.add(TypeInfo{"", "nameless", spec::map()}, [] { return 3; }), std::logic_error);
  // It joins the catalogue under its kind and plural.
  BOOST_TEST(find_registry("widgets") == &reg);
}

BOOST_AUTO_TEST_CASE(duplicates_are_rejected_in_the_real_registries) {
  BOOST_CHECK_EXCEPTION((register_scalar_type<ActivationTag, FakeSigmoid>()), std::logic_error,
                        [](const std::logic_error& e) {
                          return contains(e.what(), "duplicate activation 'sigmoid' registered twice");
                        });
  BOOST_TEST(make_activation<double>(ConfigNode::scalar("sigmoid"))->name() == "sigmoid");  // not the impostor
  BOOST_TEST(ActivationRegistry::instance().info("sigmoid").description != "an impostor");
}

BOOST_AUTO_TEST_CASE(unknown_names_list_the_known_ones_and_suggest) {
  const auto& acts = ActivationRegistry::instance();
  const std::string typo = acts.unknown_message("tahn");  // transposition
  BOOST_TEST(typo == "unknown activation 'tahn' (did you mean 'tanh'? known activations: "
                     "leaky_relu, linear, relu, sigmoid, softmax, tanh)");
  const std::string far = acts.unknown_message("softplus");
  BOOST_TEST(far == "unknown activation 'softplus' (known activations: leaky_relu, linear, relu, sigmoid, softmax, tanh)");
  BOOST_TEST(contains(acts.unknown_message("Sigmoid"), "did you mean 'sigmoid'"));   // case
  BOOST_TEST(contains(acts.unknown_message("leaky_rel"), "did you mean 'leaky_relu'"));  // deletion
  BOOST_TEST(contains(InitializerRegistry::instance().unknown_message("lecun_norml"), "did you mean 'lecun_normal'"));
  BOOST_TEST(contains(LayerRegistry::instance().unknown_message("dens"), "did you mean 'dense'? known layers: dense"));
  BOOST_TEST(contains(LossRegistry::instance().unknown_message("binary_crossentropy"), "did you mean 'binary_cross_entropy'"));
  BOOST_TEST(contains(OptimizerRegistry::instance().unknown_message("dg"), "did you mean 'gd'"));
  BOOST_TEST(contains(DataRegistry::instance().unknown_message("hdf"), "did you mean 'hdf5'"));

  // Lookups of unknown names throw UnknownName with that message.
  BOOST_CHECK_EXCEPTION(acts.factory("tahn"), UnknownName,
                        [&](const UnknownName& e) { return std::string(e.what()) == typo; });
  BOOST_CHECK_THROW(acts.info("tahn"), UnknownName);
  BOOST_CHECK_THROW(make_activation<double>(ConfigNode::scalar("tahn")), UnknownName);
  BOOST_TEST(acts.find("tahn") == nullptr);
}

BOOST_AUTO_TEST_CASE(closest_match_suggests_only_typos) {
  const std::vector<std::string> names = {"relu", "leaky_relu", "sigmoid", "tanh"};
  BOOST_TEST(closest_match("rleu", names) == "relu");
  BOOST_TEST(closest_match("sigmod", names) == "sigmoid");
  BOOST_TEST(closest_match("SIGMOID", names) == "sigmoid");
  BOOST_TEST(closest_match("relu", names) == "");  // the name itself is not a suggestion
  BOOST_TEST(closest_match("x", names) == "");
  BOOST_TEST(closest_match("convolution", names) == "");
  BOOST_TEST(closest_match("anything", {}) == "");
}

BOOST_AUTO_TEST_CASE(cli_lists_every_registry) {
  auto all = testing::mindset("list");
  BOOST_REQUIRE_EQUAL(all.exit_code, 0);
  for (const auto& [kind, names] : kExpected)
    for (const auto& n : names) BOOST_TEST(contains(all.out, "  " + n + " "), kind << " " << n << " missing from mindset list");
  auto acts = testing::mindset("list activations");
  BOOST_REQUIRE_EQUAL(acts.exit_code, 0);
  BOOST_TEST(contains(acts.out, "leaky_relu"));
  BOOST_TEST(contains(acts.out, "slope"));  // options are listed with their defaults
  BOOST_TEST(contains(acts.out, "default 0.01"));
  BOOST_TEST(!contains(acts.out, "dense"));
  auto bad = testing::mindset("list activatons");
  BOOST_TEST(bad.exit_code == 2);
  BOOST_TEST(contains(bad.err, "unknown kind 'activatons'"));
  BOOST_TEST(contains(bad.err, "did you mean 'activations'"));
}
