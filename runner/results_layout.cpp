// What makes a results file self-explanatory in tools: /history's series indexed by dimension
// scales (xarray with h5netcdf opens the group as a Dataset indexed by iteration), and
// `long_name`/`units`/`description` attributes on every group and dataset, so that h5dump and
// HDFView show what each number is without the docs at hand.
#include "results_layout.hpp"

#include "h5.hpp"

namespace mindset {

namespace {

void describe(hid_t loc, const std::string& path, const std::string& long_name, const std::string& units = "") {
  if (!h5::exists(loc, path)) return;
  h5::Handle d(H5Oopen(loc, path.c_str(), H5P_DEFAULT), H5Oclose);
  if (!d) throw h5::H5Error("cannot open " + path);
  if (!h5::has_attr(d.id(), "long_name")) h5::set_attr(d.id(), "long_name", long_name);
  if (!units.empty()) h5::set_attr(d.id(), "units", units);
}

void group_description(hid_t loc, const std::string& path, const std::string& text) {
  if (!h5::exists(loc, path)) return;
  h5::Handle g = h5::open_group(loc, path);
  h5::set_attr(g.id(), "description", text);
}

// A 1-D coordinate and the series measured at its points.
struct Axis {
  std::string scale;
  std::vector<std::string> series;
};

void index_history(hid_t hist, const std::string& metric) {
  const Axis axes[] = {
      {"iteration", {"cost", "learning_rate"}},
      {"evaluated_at", {"train_" + metric, "test_" + metric}},
      {"epoch", {"epoch_iteration", "epoch_cost", "epoch_train_" + metric, "validation_cost", "validation_" + metric}},
  };
  for (const Axis& a : axes) {
    if (!h5::exists(hist, a.scale)) continue;
    h5::make_scale(hist, a.scale, a.scale);
    for (const auto& s : a.series)
      if (h5::exists(hist, s)) h5::attach_scale(hist, s, a.scale);
  }
}

std::string metric_text(const std::string& metric) {
  return metric == "accuracy" ? "accuracy (fraction of examples classified right)" : "root mean squared error";
}

}  // namespace

void describe_results(hid_t root, const TrainOutcome& out) {
  const std::string& m = out.metric;
  const std::string unit = m == "accuracy" ? "1" : "";  // CF: "1" is a dimensionless fraction
  h5::Handle hist = h5::open_group(root, "history");
  index_history(hist.id(), m);

  group_description(root, "model", "the network's parameters after training, one group per layer: "
                                   "Z[l] = W[l] A[l-1] + b[l], A[l] = g(Z[l]), examples as columns, A[0] = X");
  for (std::size_t l = 1; l <= out.layers.size(); ++l) {
    const std::string g = "model/layer_" + std::to_string(l);
    describe(root, g + "/W", "weights of layer " + std::to_string(l) + ", shape (units, fan_in)");
    describe(root, g + "/b", "biases of layer " + std::to_string(l) + ", shape (units, 1)");
  }

  group_description(root, "history",
                    "training history; series are indexed by the dimension scales `iteration` (every "
                    "record_every updates), `evaluated_at` (every evaluate_every updates and the last) and `epoch`");
  const hid_t h = hist.id();
  describe(h, "iteration", "updates done before this record's forward pass (0: the initial parameters)", "iteration");
  describe(h, "cost", out.cost_description);
  describe(h, "learning_rate", "learning rate of this iteration's update");
  describe(h, "evaluated_at", "updates done when the metrics were measured", "iteration");
  describe(h, "train_" + m, "training split " + metric_text(m) + ", dropout off", unit);
  describe(h, "test_" + m, "test split " + metric_text(m), unit);
  describe(h, "epoch", "epochs completed", "epoch");
  describe(h, "epoch_iteration", "updates done at the end of the epoch", "iteration");
  describe(h, "epoch_train_" + m, "mean " + metric_text(m) + " of the epoch's mini-batches, as trained (dropout on)",
           unit);
  describe(h, "validation_cost", "validation split cost at the epoch's end (the loss alone, dropout off)");
  describe(h, "validation_" + m, "validation split " + metric_text(m) + " at the epoch's end", unit);

  group_description(root, "metrics", "the final parameters' scores (scalars)");
  describe(root, "metrics/final_cost", "training cost J of the final parameters (" + out.cost_description + ")");
  describe(root, "metrics/train_" + m, "training split " + metric_text(m), unit);
  describe(root, "metrics/test_" + m, "test split " + metric_text(m), unit);
  describe(root, "metrics/validation_" + m, "validation split " + metric_text(m), unit);

  group_description(root, "data", "where the examples came from (per split), the encoding of tables and the "
                                  "fitted preprocessing: what `mindset predict` applies to new examples");
}

}  // namespace mindset
