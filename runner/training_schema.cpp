#include "training_schema.hpp"

#include "loss.hpp"

namespace mindset {

void add_training_fields(Spec& training) {
  Spec early = spec::map("stop when the validation split stops improving (needs data.validation_fraction)");
  early.field("monitor", spec::string("what must improve").one_of({"validation_cost", "validation_accuracy",
                                                                   "validation_rmse"})
                             .def(ConfigNode::scalar("validation_cost")))
      .field("patience", spec::integer("epochs without improvement before stopping").def(ConfigNode::of(5)).min(1))
      .field("min_delta", spec::number("smallest change that counts as an improvement")
                              .def(ConfigNode::of(0.0)).min(0).must_be_finite())
      .field("restore_best", spec::boolean("end with the parameters of the best epoch").def(ConfigNode::of(true)));
  training
      .field("epochs", spec::integer("passes over the training examples (instead of iterations)").min(0))
      .field("batch_size", spec::integer("examples per update; mini-batches come from a new shuffle each epoch")
                               .min(1).def_doc("all examples (batch gradient descent)"))
      .field("schedule", spec::object("schedule", "how the learning rate changes during the run")
                             .def(ConfigNode::scalar("constant")))
      .field("l2", spec::number("L2 regularisation lambda: cost + (lambda/2m) sum ||W||^2, dW + (lambda/m) W")
                       .def(ConfigNode::of(0.0)).min(0).must_be_finite())
      .field("early_stopping", early)
      .field("checkpoint_every", spec::integer("write <output>.ckpt.h5 every this many iterations (0 = only when "
                                               "interrupted); `mindset train --resume` continues from it")
                                     .def(ConfigNode::of(0)).min(0));
}

namespace {
// A misspelt `iterations` or `epochs` is already reported as the unknown key that names it.
bool typo_for_length(const Diagnostics& diags) {
  for (const auto& d : diags.list())
    if (d.path.rfind("training.", 0) == 0 && (d.message.find("did you mean 'iterations'") != std::string::npos ||
                                              d.message.find("did you mean 'epochs'") != std::string::npos))
      return true;
  return false;
}
}  // namespace

void check_training(const ConfigNode& cfg, Diagnostics& diags) {
  const ConfigNode* training = cfg.find("training");
  if (!training || !training->is_map()) return;
  const ConfigNode* it = training->find("iterations");
  const ConfigNode* ep = training->find("epochs");
  if (it && ep)
    diags.add(ep->mark(), "training.epochs",
              "give either training.iterations (updates) or training.epochs (passes over the data), not both");
  else if (!it && !ep && !typo_for_length(diags))
    diags.add(training->mark(), "training",
              "missing key 'iterations' or 'epochs': how long to train (updates, or passes over the data)");

  const ConfigNode* es = training->find("early_stopping");
  const ConfigNode* loss = cfg.find("loss");
  if (es && es->is_map() && loss) {
    const ConfigNode* monitor = es->find("monitor");
    std::string name = loss->is_scalar() ? loss->text() : loss->find("type") ? loss->get_string("type") : "";
    if (monitor && LossRegistry::instance().find(name)) {
      const std::string metric = make_loss<double>(*loss)->metric();
      const std::string m = monitor->text();
      if (m != "validation_cost" && m != "validation_" + metric)
        diags.add(monitor->mark(), "training.early_stopping.monitor",
                  "the loss " + name + " reports " + metric + ", not " + m.substr(11) + "; monitor validation_cost or validation_" +
                      metric);
    }
  }
}

}  // namespace mindset
