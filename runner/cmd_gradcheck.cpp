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
  std::size_t entries = 0, at_kinks = 0;  // entries checked; entries left out (a kink crossed)
  double worst_entry = 0;  // the largest |grad - approx| of one entry
  double relative() const {
    const double d = norm_analytic + norm_numeric;
    return d == 0 ? 0.0 : std::sqrt(numerator) / d;
  }
};

// Which side of its kink each input of a relu-like activation is on, after a forward pass. A
// finite difference whose two points differ here straddles a kink, where the derivative backprop
// uses (the one-sided g'(0)) and the difference quotient need not agree: such entries are left
// out, as CS231n advises, and counted.
std::vector<char> kink_sides(const Network<double>& net) {
  std::vector<char> sides;
  for (std::size_t l = 0; l < net.size(); ++l) {
    const Activation<double>* g = net.layer(l).activation();
    if (!g || (g->name() != "relu" && g->name() != "leaky_relu")) continue;
    CView<double> z = net.layer(l).pre_activation();
    for (std::size_t i = 0; i < z.size(); ++i) sides.push_back(z.data[i] > 0 ? 1 : z.data[i] < 0 ? -1 : 0);
  }
  return sides;
}

std::string describe_layer(const ConfigNode& attrs, std::size_t l) {
  std::string s = "layer " + std::to_string(l) + " (" + attrs.get_string("type");
  if (const ConfigNode* act = attrs.find("activation")) s += ", " + act->text();
  return s + ")";
}

}  // namespace

int cmd_gradcheck(const GradcheckArgs& a) {
  try {
    if (a.entries < 0) throw UserError("--entries: must be 0 (all) or more, found " + std::to_string(a.entries));
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
    std::vector<char> sides;
    auto cost = [&] {
      CView<double> out = net.forward(view_of(x), eval);
      sides = kink_sides(net);
      return loss->sum(net.layer(net.size() - 1).pre_activation(), out, view_of(y)) / static_cast<double>(m) +
             l2_penalty(net.parameters(), l2, m);
    };
    cost();
    const std::vector<char> at_start = sides;
    net.backward(view_of(x), *loss, view_of(y));
    add_l2_gradient(net.parameters(), l2, m);
    std::vector<xt::xtensor<double, 2>> analytic;
    for (const auto& p : net.parameters()) analytic.push_back(*p.grad);

    std::vector<LayerError> errors;
    bool sampled = false;
    std::size_t total = 0;  // parameter entries
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
      const std::size_t size = p.value->size();
      // --entries N: N evenly spaced entries of a larger matrix (always its first and last).
      const std::size_t checked = a.entries > 0 ? std::min<std::size_t>(size, static_cast<std::size_t>(a.entries)) : size;
      sampled |= checked < size;
      total += size;
      for (std::size_t j = 0; j < checked; ++j) {
        const std::size_t i = checked == size ? j : checked == 1 ? 0 : j * (size - 1) / (checked - 1);
        const double keep = w[i];
        w[i] = keep + a.epsilon;
        const double plus = cost();
        const std::vector<char> plus_sides = sides;
        w[i] = keep - a.epsilon;
        const double minus = cost();
        w[i] = keep;
        if (plus_sides != at_start || sides != at_start) {
          ++err.at_kinks;
          continue;
        }
        const double approx = (plus - minus) / (2 * a.epsilon), grad = analytic[k].data()[i];
        err.numerator += (grad - approx) * (grad - approx);
        err.norm_analytic += grad * grad;
        err.norm_numeric += approx * approx;
        err.worst_entry = std::max(err.worst_entry, std::abs(grad - approx));
        ++err.entries;
      }
    }
    for (auto& err : errors) err.norm_analytic = std::sqrt(err.norm_analytic), err.norm_numeric = std::sqrt(err.norm_numeric);

    std::size_t params = 0, kinks = 0;
    for (const auto& err : errors) params += err.entries + err.at_kinks, kinks += err.at_kinks;
    const std::string what = sampled ? std::to_string(params) + " of " + std::to_string(total) +
                                           " parameters (--entries " + std::to_string(a.entries) + " per matrix)"
                                     : std::to_string(total) + " parameters";
    std::printf("gradient check of %s: %s, %zu examples, float64%s, dropout off, l2 %g, central differences with "
                "epsilon %g\n",
                e.name.c_str(), what.c_str(), m, cfg.get_string("dtype") == "float32" ? " (the config trains in float32)" : "",
                l2, a.epsilon);
    bool ok = true;
    std::size_t width = 0, shapes = 0;
    for (const auto& err : errors) width = std::max(width, err.name.size()), shapes = std::max(shapes, err.shapes.size());
    for (const auto& err : errors) {
      std::string kinked = err.at_kinks ? "; " + std::to_string(err.at_kinks) + " at kinks" : "";
      if (err.entries == 0) {
        std::printf("  %-*s  %-*s  not checked: every entry's difference crosses a kink\n", static_cast<int>(width),
                    err.name.c_str(), static_cast<int>(shapes), err.shapes.c_str());
        continue;
      }
      const bool good = err.relative() < a.threshold;
      ok &= good;
      std::printf("  %-*s  %-*s  relative error %.3e  (max |difference| %.2e%s)  %s\n", static_cast<int>(width),
                  err.name.c_str(), static_cast<int>(shapes), err.shapes.c_str(), err.relative(), err.worst_entry, kinked.c_str(),
                  good ? "ok" : "FAILED");
    }
    if (kinks)
      std::printf("%zu of %zu entries left out: moving them by epsilon moves a relu unit's input across 0, where the "
                  "derivative is one-sided and finite differences do not measure it\n",
                  kinks, params);
    if (ok) {
      std::printf("ok: every layer's relative error is below %g\n", a.threshold);
      return 0;
    }
    std::printf("FAILED: relative errors at or above %g; backprop and finite differences disagree\n", a.threshold);
    return 1;
  } catch (...) {
    return report_current_exception();
  }
}

}  // namespace mindset
