// mindset gradcheck: backprop's gradients of a config's network against central finite
// differences, as the course checks them: at the initial parameters, on the first N training
// examples, in float64, dropout off, with the config's loss and L2 term. Per layer the relative
// error ||grad - approx|| / (||grad|| + ||approx||); every one must be below the threshold.
#include <cmath>
#include <cstdio>

#include "analysis_commands.hpp"
#include "commands.hpp"
#include "config.hpp"
#include "dataset.hpp"
#include "initializer.hpp"
#include "loss.hpp"
#include "network.hpp"
#include "regularization.hpp"
#include "yaml_tree.hpp"

namespace mindset {

namespace {

struct LayerError {
  std::string name;  // "layer 1 (dense, tanh)"
  std::string shapes;
  double numerator = 0, norm_analytic = 0, norm_numeric = 0;
  std::size_t entries = 0;
  double worst_entry = 0;  // the largest |grad - approx| of one entry
  double relative() const {
    const double d = norm_analytic + norm_numeric;
    return d == 0 ? 0.0 : std::sqrt(numerator) / d;
  }
};

std::string describe_layer(const ConfigNode& attrs, std::size_t l) {
  std::string s = "layer " + std::to_string(l) + " (" + attrs.get_string("type");
  if (const ConfigNode* act = attrs.find("activation")) s += ", " + act->text();
  return s + ")";
}

}  // namespace

int cmd_gradcheck(const GradcheckArgs& a) {
  try {
    if (a.examples < 1) throw UserError("--examples: must be at least 1, found " + std::to_string(a.examples));
    if (!(a.epsilon > 0) || !std::isfinite(a.epsilon))
      throw UserError("--epsilon: must be a positive number, found " + std::to_string(a.epsilon));
    if (!(a.threshold > 0)) throw UserError("--threshold: must be a positive number");
    Experiment e = load_experiment(a.config, a.overrides);
    const ConfigNode& cfg = e.resolved;
    const ConfigNode& layers = cfg.at("model").at("layers");
    const std::size_t units = static_cast<std::size_t>(layers.items().back().get_integer("units"));
    auto loss = make_loss<double>(cfg.at("loss"));
    DataBundle data = load_data(cfg.at("data"), cfg.at("loss"), units, static_cast<std::uint32_t>(cfg.get_integer("seed")));
    const ConfigNode& training = cfg.at("training");
    const double l2 = training.has("l2") ? training.get_number("l2") : 0.0;

    const std::size_t n = data.train.n(), m = std::min<std::size_t>(static_cast<std::size_t>(a.examples), data.train.m());
    xt::xtensor<double, 2> x = xt::zeros<double>({n, m}), y = xt::zeros<double>({units, m});
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < m; ++j) x(i, j) = data.train.x(i, j);
    loss->encode(data.train.y.data(), view_of(y));

    Network<double> net = Network<double>::from_config(layers);
    net.build(n, m);
    NumpyRandom rng(static_cast<std::uint32_t>(cfg.get_integer("seed")));
    net.initialize(*make_initializer(cfg.at("model").at("init")), rng);  // the run's initial parameters

    const ForwardMode eval{false, nullptr};  // dropout off: the cost is a deterministic function
    auto cost = [&] {
      CView<double> out = net.forward(view_of(x), eval);
      return loss->sum(net.layer(net.size() - 1).pre_activation(), out, view_of(y)) / static_cast<double>(m) +
             l2_penalty(net.parameters(), l2, m);
    };
    cost();
    net.backward(view_of(x), *loss, view_of(y));
    add_l2_gradient(net.parameters(), l2, m);
    std::vector<xt::xtensor<double, 2>> analytic;
    for (const auto& p : net.parameters()) analytic.push_back(*p.grad);

    std::vector<LayerError> errors;
    std::size_t last_layer = 0;
    for (std::size_t k = 0; k < net.parameters().size(); ++k) {
      const Param<double>& p = net.parameters()[k];
      const std::size_t l = std::stoul(p.name.substr(6, p.name.find('/') - 6));  // "layer_<l>/W"
      if (l != last_layer) {
        errors.push_back({describe_layer(net.layer(l - 1).attributes(), l), "", 0, 0, 0, 0, 0});
        last_layer = l;
      }
      LayerError& err = errors.back();
      err.shapes += (err.shapes.empty() ? "" : ", ") + p.name.substr(p.name.find('/') + 1) + " (" +
                    std::to_string(p.value->shape()[0]) + ", " + std::to_string(p.value->shape()[1]) + ")";
      double* w = p.value->data();
      for (std::size_t i = 0; i < p.value->size(); ++i) {
        const double keep = w[i];
        w[i] = keep + a.epsilon;
        const double plus = cost();
        w[i] = keep - a.epsilon;
        const double minus = cost();
        w[i] = keep;
        const double approx = (plus - minus) / (2 * a.epsilon), grad = analytic[k].data()[i];
        err.numerator += (grad - approx) * (grad - approx);
        err.norm_analytic += grad * grad;
        err.norm_numeric += approx * approx;
        err.worst_entry = std::max(err.worst_entry, std::abs(grad - approx));
        ++err.entries;
      }
    }
    for (auto& err : errors) err.norm_analytic = std::sqrt(err.norm_analytic), err.norm_numeric = std::sqrt(err.norm_numeric);

    std::size_t params = 0;
    for (const auto& err : errors) params += err.entries;
    std::printf("gradient check of %s: %zu parameters, %zu examples, float64%s, dropout off, l2 %g, central "
                "differences with epsilon %g\n",
                e.name.c_str(), params, m, cfg.get_string("dtype") == "float32" ? " (the config trains in float32)" : "",
                l2, a.epsilon);
    bool ok = true;
    std::size_t width = 0;
    for (const auto& err : errors) width = std::max(width, err.name.size());
    for (const auto& err : errors) {
      const bool good = err.relative() < a.threshold;
      ok &= good;
      std::printf("  %-*s  %-24s relative error %.3e  (max |difference| %.2e)  %s\n", static_cast<int>(width),
                  err.name.c_str(), err.shapes.c_str(), err.relative(), err.worst_entry, good ? "ok" : "FAILED");
    }
    if (ok) {
      std::printf("ok: every layer's relative error is below %g\n", a.threshold);
      return 0;
    }
    std::printf("FAILED: relative errors at or above %g; backprop and finite differences disagree (relu-like "
                "activations can mislead finite differences when a unit's input is within epsilon of a kink)\n",
                a.threshold);
    return 1;
  } catch (...) {
    return report_current_exception();
  }
}

}  // namespace mindset
