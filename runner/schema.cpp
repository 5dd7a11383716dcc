#include "schema.hpp"

#include "dataset.hpp"
#include "loss.hpp"
#include "registry.hpp"
#include "training_schema.hpp"

namespace mindset {

namespace {

Spec build_spec() {
  Spec data = spec::map("where the examples come from");
  data.field("train", spec::object("data", "the training examples").map_only().require())
      .field("test", spec::object("data", "held-out examples, evaluated but never trained on").map_only())
      .field("scale", spec::number("features are divided by this (255 for 8-bit images)")
                          .def(ConfigNode::of(1.0)).min(0, true).must_be_finite())
      .field("test_fraction", spec::number("without data.test: this fraction of data.train becomes the test split")
                                  .min(0, true).max(1, true))
      .field("validation_fraction", spec::number("this fraction of data.train is held out for validation "
                                                 "(early stopping)").min(0, true).max(1, true))
      .field("split_seed", spec::integer("seeds the split (np.random.seed)").min(0).max(4294967295.0).def_doc("seed"))
      .field("stratify", spec::boolean("keep each class's share in every split").def_doc("true for class labels"))
      .field("preprocess", spec::list(spec::object("preprocess", "a preprocessing step"),
                                      "applied in order to every split; statistics from the training split only"));

  Spec layer = spec::object("layer", "a layer; `type` defaults to dense", "dense").map_only();
  Spec model = spec::map("the network");
  model.field("init", spec::object("initializer", "how weights start; a layer's own `init` overrides it")
                          .def(ConfigNode::scalar("lecun_normal")))
      .field("layers", spec::list(layer, "in order; the last one is the output").require().at_least(1));

  Spec training = spec::map("how the network is trained");
  training.field("optimizer", spec::object("optimizer", "the update rule").def(ConfigNode::scalar("gd")))
      .field("learning_rate", spec::number("step size alpha").require().min(0, true).must_be_finite())
      .field("iterations", spec::integer("number of updates (or give epochs); 0 writes the initial parameters").min(0))
      .field("record_every", spec::integer("record the cost every this many iterations (0 = never)")
                                 .def(ConfigNode::of(1)).min(0))
      .field("evaluate_every", spec::integer("evaluate train/test accuracy every this many iterations "
                                             "(0 = only at the end)")
                                   .def(ConfigNode::of(0)).min(0))
      .field("print_every", spec::integer("progress line on stderr every this many iterations (0 = never)")
                                .min(0).def_doc("iterations/20"));
  add_training_fields(training);

  Spec root = spec::map("a mindset experiment");
  root.field("name", spec::string("names the run and its results file; defaults to the config file's stem"))
      .field("seed", spec::integer("seeds the numpy-exact MT19937 stream (np.random.seed)")
                         .def(ConfigNode::of(1)).min(0).max(4294967295.0))
      .field("dtype", spec::string("floating-point type of the network").one_of({"float64", "float32"})
                          .def(ConfigNode::scalar("float64")))
      .field("data", data.require())
      .field("model", model.require())
      .field("loss", spec::object("loss", "the cost J").def(ConfigNode::scalar("binary_cross_entropy")))
      .field("training", training.require());
  return root;
}

std::string name_of(const ConfigNode& object) {
  if (object.is_scalar()) return object.text();
  if (const ConfigNode* t = object.find("type")) return t->text();
  return "";
}

}  // namespace

const Spec& experiment_spec() {
  static const Spec s = build_spec();
  return s;
}

namespace {

// True when `diags` already has an error at `path` or inside it: cross-key checks skip such parts
// rather than guess at a tree that failed validation.
bool has_errors_under(const Diagnostics& diags, const std::string& path) {
  for (const Diagnostic& d : diags.list()) {
    const std::string& p = d.path;
    if (p.compare(0, path.size(), path) == 0 &&
        (p.size() == path.size() || p[path.size()] == '.' || p[path.size()] == '['))
      return true;
  }
  return false;
}

}  // namespace

void check_experiment(const ConfigNode& cfg, Diagnostics& diags) {
  check_training(cfg, diags);
  if (const ConfigNode* data = cfg.find("data"); data && data->is_map()) check_data_config(*data, diags);
  const ConfigNode* layers = cfg.find("model") ? cfg.at("model").find("layers") : nullptr;
  const ConfigNode* loss = cfg.find("loss");
  if (!layers || !layers->is_sequence() || layers->items().empty() || !loss) return;
  const std::size_t L = layers->items().size();
  const ConfigNode& out = layers->items().back();
  const std::string path = "model.layers[" + std::to_string(L - 1) + "]";
  // Runs after validation even when it found errors, so all problems come out in one go.
  if (has_errors_under(diags, path) || has_errors_under(diags, "loss") || !out.is_map()) return;
  const ConfigNode* units = out.find("units");
  const ConfigNode* act = out.find("activation");
  if (!units || !act || !units->is_integer()) {
    diags.add(out.mark(), path, "the output layer must have units and an activation (a dense layer); found a " +
                                    name_of(out) + " layer");
    return;
  }
  std::string loss_name = name_of(*loss);
  if (!LossRegistry::instance().find(loss_name)) return;  // reported by validation
  if (!act->is_scalar() && !act->is_map()) return;
  auto l = make_loss<double>(*loss);
  std::string why = l->check_output(name_of(*act), static_cast<std::size_t>(units->as_integer()));
  if (why.empty()) return;
  // Point at what the command line changed, if it did; otherwise at the layer.
  if (act->mark().command_line) diags.add(act->mark(), path, why);
  else if (units->mark().command_line) diags.add(units->mark(), path, why);
  else diags.add(out.mark(), path, why);
}

}  // namespace mindset
