// mindset predict: the network of a results file applied to new examples, prepared as its
// training examples were (the stored encoding of tables, then the fitted preprocessing steps).
// Writes probabilities and predicted classes (CSV or HDF5); with labels, prints the accuracy and
// a confusion matrix (or the RMSE of a regression).
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "analysis_commands.hpp"
#include "commands.hpp"
#include "config.hpp"
#include "csv_reader.hpp"
#include "encoding.hpp"
#include "h5.hpp"
#include "loss.hpp"
#include "preprocess.hpp"
#include "results.hpp"
#include "run_file.hpp"
#include "validate.hpp"
#include "yaml_tree.hpp"

namespace fs = std::filesystem;

namespace mindset {

namespace {

struct Examples {
  Dataset data;                  // features before preprocessing (encoded tables)
  xt::xtensor<double, 2> input;  // what the network takes
  std::string what;              // for messages: "data.test of f.yaml"
};

// --data: a data-source map from a YAML file or inline YAML.
ConfigNode data_source(const std::string& arg, const RunFile& run) {
  std::error_code ec;
  ConfigNode raw;
  if (fs::is_regular_file(arg, ec)) raw = load_yaml_file(arg);
  else if (arg.find_first_of("{[:") != std::string::npos) raw = parse_yaml(arg, std::make_shared<const std::string>("--data"));
  else throw UserError("--data: no such file '" + arg + "' (give a YAML file or an inline map such as "
                       "'{type: csv, path: new.csv}')");
  if (!raw.is_map())
    throw UserError(raw.mark(), "--data", "expected a data-source map such as {type: csv, path: new.csv, label: y}");
  // Tables are read as the run's training table was: its column options fill what is not given.
  const ConfigNode* train = run.config.find("data") ? run.config.at("data").find("train") : nullptr;
  const ConfigNode* type = raw.find("type");
  bool inherited_ignore = false;
  if (train && type && type->text() == "csv" && train->find("type") && train->get_string("type") == "csv")
    for (const std::string key : {"label", "columns", "ignore", "categorical", "missing", "positive", "delimiter", "na_values"})
      if (!raw.find(key) && train->find(key)) {
        raw.set(key, train->at(key));
        inherited_ignore |= key == "ignore";
      }
  Diagnostics diags;
  ConfigNode source = validate(raw, spec::object("data", "examples to predict").map_only(), "--data", diags);
  diags.throw_if_any();
  if (source.get_string("type") != "csv") return source;
  source.set("labels_optional", ConfigNode::of(true));
  // Columns the training table ignored may simply be absent from new tables.
  if (ConfigNode* ignore = source.find("ignore"); ignore && inherited_ignore) {
    CsvReader rd(source.get_string("path"), source.get_string("delimiter")[0]);
    std::vector<CsvField> header;
    std::size_t count = 0;
    if (rd.next(header, count)) {
      ConfigNode kept = ConfigNode::sequence();
      for (const ConfigNode& name : ignore->items())
        for (std::size_t i = 0; i < count; ++i)
          if (header[i].text == name.text()) {
            kept.items().push_back(name);
            break;
          }
      *ignore = kept;
    }
  }
  return source;
}

DataBundle without_preprocessing(const DataBundle& fitted) {
  DataBundle b;
  b.train.x = fitted.train.x;
  b.encoding = fitted.encoding;
  return b;
}

Examples load_examples(const PredictArgs& a, const RunFile& run, const DataBundle& fitted) {
  Examples ex;
  const DataBundle raw_fitted = without_preprocessing(fitted);  // preprocessing is applied below
  const ConfigNode loss = run_loss_config(run);
  const std::size_t units = run.layers.back().find("units") ? run.layers.back().get_integer("units") : 1;
  if (!a.data.empty()) {
    ex.data = load_for_prediction(data_source(a.data, run), raw_fitted, "--data");
    ex.what = "--data " + a.data;
  } else {
    Experiment e = a.config.empty() ? resolve_experiment(run.config, run.path, {}) : load_experiment(a.config, {});
    const ConfigNode& cfg = e.resolved;
    DataBundle b = load_data(cfg.at("data"), loss, units, static_cast<std::uint32_t>(cfg.get_integer("seed")), &raw_fitted);
    std::string split = a.split;
    if (split.empty()) split = b.test ? "test" : "train";
    std::optional<Dataset>* chosen = split == "test" ? &b.test : split == "validation" ? &b.validation : nullptr;
    if (chosen && !*chosen)
      throw UserError("--split " + split + ": the config has no " + split + " split (" +
                      (split == "test" ? "set data.test or data.test_fraction" : "set data.validation_fraction") + ")");
    ex.data = chosen ? std::move(**chosen) : std::move(b.train);
    ex.what = "the " + split + " split of " + (a.config.empty() ? "the run's config" : a.config);
    if (a.split.empty() && !chosen) std::fprintf(stderr, "note: the config has no test split; predicting its training split\n");
  }
  ex.input = ex.data.x;
  for (const auto& p : fitted.preprocess) p->apply(ex.input);
  for (std::size_t i = 0; i < ex.input.size(); ++i)
    if (!std::isfinite(ex.input.data()[i]))
      throw UserError(ex.what + ": feature " + std::to_string(i / ex.data.m()) + " of example " +
                      std::to_string(i % ex.data.m()) + " is not finite after preprocessing");
  if (!ex.data.y.empty()) {
    auto l = make_loss<double>(loss);
    std::string why = l->check_labels(ex.data.y.data(), ex.data.y.size(), units);
    if (!why.empty()) throw UserError(ex.what + ": " + why);
  }
  return ex;
}

// The network's outputs (units x m), in blocks, in the run's own precision.
template <class T>
xt::xtensor<double, 2> forward_all(const RunFile& run, const xt::xtensor<double, 2>& x) {
  const std::size_t n = x.shape()[0], m = x.shape()[1], block = std::min<std::size_t>(m, 8192);
  Network<T> net = load_network<T>(run, block);
  xt::xtensor<double, 2> out = xt::zeros<double>({net.output_size(), m});
  std::vector<T> buf(n * block);
  for (std::size_t start = 0; start < m; start += block) {
    const std::size_t len = std::min(block, m - start);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < len; ++j) buf[i * len + j] = static_cast<T>(x(i, start + j));
    CView<T> a = net.forward(CView<T>{buf.data(), n, len}, ForwardMode{false, nullptr});
    for (std::size_t i = 0; i < a.rows; ++i)
      for (std::size_t j = 0; j < len; ++j) out(i, start + j) = static_cast<double>(a(i, j));
  }
  return out;
}

std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

struct Predictions {
  xt::xtensor<double, 2> a;        // outputs, units x m
  std::vector<double> prediction;  // class index or value (first output)
  bool classify = true;
  std::vector<std::string> classes;  // names of the classes (or of the outputs)
  std::vector<std::string> prob_columns;
};

std::string class_name(const Predictions& p, double k) {
  const auto i = static_cast<std::size_t>(k);
  return i < p.classes.size() ? p.classes[i] : num(k);
}

std::string to_csv(const Examples& ex, const Predictions& p, bool features) {
  std::ostringstream s;
  const std::size_t m = ex.data.m(), n = ex.data.n(), u = p.a.shape()[0];
  std::vector<std::string> cols;
  if (features)
    for (std::size_t i = 0; i < n; ++i)
      cols.push_back(i < ex.data.feature_names.size() ? ex.data.feature_names[i] : "x" + std::to_string(i + 1));
  for (const auto& c : p.prob_columns) cols.push_back(c);
  cols.push_back("prediction");
  bool names = false;  // a column of class names, unless they are just the indices
  for (std::size_t i = 0; i < p.classes.size(); ++i) names |= p.classes[i] != std::to_string(i);
  if (names) cols.push_back("predicted_class");
  if (!ex.data.y.empty()) cols.push_back("label");
  for (std::size_t c = 0; c < cols.size(); ++c) s << (c ? "," : "") << csv_cell(cols[c]);
  s << "\n";
  for (std::size_t j = 0; j < m; ++j) {
    if (features)
      for (std::size_t i = 0; i < n; ++i) s << num(ex.data.x(i, j)) << ",";
    if (!p.prob_columns.empty())
      for (std::size_t i = 0; i < u; ++i) s << num(p.a(i, j)) << ",";
    s << num(p.prediction[j]);
    if (names) s << "," << csv_cell(class_name(p, p.prediction[j]));
    if (!ex.data.y.empty()) s << "," << num(ex.data.y[j]);
    s << "\n";
  }
  return s.str();
}

std::vector<unsigned char> to_h5(const RunFile& run, const Examples& ex, const Predictions& p, bool features) {
  h5::Handle f = h5::create_memory_file();
  const hid_t root = f.id();
  const std::size_t m = ex.data.m(), u = p.a.shape()[0], n = ex.data.n();
  h5::set_attr(root, "mindset_version", std::string(kMindsetVersion));
  h5::set_attr(root, "run", fs::absolute(run.path).lexically_normal().string());
  h5::set_attr(root, "run_name", run.name);
  h5::set_attr(root, "data", ex.what);
  std::vector<std::int64_t> example(m), output(u);
  for (std::size_t j = 0; j < m; ++j) example[j] = static_cast<std::int64_t>(j);
  for (std::size_t i = 0; i < u; ++i) output[i] = static_cast<std::int64_t>(i);
  h5::write_vector(root, "example", example);
  h5::write_vector(root, "output", output);
  xt::xtensor<double, 2> t = xt::transpose(p.a);  // (m, units): one row per example
  h5::write_matrix(root, "outputs", t.data(), m, u);
  h5::write_vector(root, "prediction", p.prediction);
  if (!ex.data.y.empty()) h5::write_vector(root, "label", ex.data.y);
  if (!p.classes.empty()) h5::set_attr(root, "classes", p.classes);
  h5::make_scale(root, "example", "example");
  h5::make_scale(root, "output", "output");
  h5::attach_scale(root, "outputs", "example", 0);
  h5::attach_scale(root, "outputs", "output", 1);
  h5::attach_scale(root, "prediction", "example", 0);
  {
    h5::Handle o = h5::open_dataset(root, "outputs");
    h5::set_attr(o.id(), "long_name", std::string(p.classify ? "the network's output: class probabilities" : "the network's output"));
    h5::Handle pr = h5::open_dataset(root, "prediction");
    h5::set_attr(pr.id(), "long_name", std::string(p.classify ? "predicted class (index into the attribute classes)" : "predicted value"));
  }
  if (!ex.data.y.empty()) h5::attach_scale(root, "label", "example", 0);
  if (features) {
    std::vector<std::int64_t> feature(n);
    for (std::size_t i = 0; i < n; ++i) feature[i] = static_cast<std::int64_t>(i);
    h5::write_vector(root, "feature", feature);
    xt::xtensor<double, 2> x = xt::transpose(ex.data.x);
    h5::write_matrix(root, "features", x.data(), m, n);
    h5::make_scale(root, "feature", "feature");
    h5::attach_scale(root, "features", "example", 0);
    h5::attach_scale(root, "features", "feature", 1);
    if (!ex.data.feature_names.empty()) {
      h5::Handle fe = h5::open_dataset(root, "features");
      h5::set_attr(fe.id(), "feature_names", ex.data.feature_names);
    }
  }
  return h5::close_to_image(f);
}

void print_summary(FILE* out, const RunFile& run, const Examples& ex, const Predictions& p) {
  const std::size_t m = ex.data.m();
  std::fprintf(out, "%s: predicted %zu examples of %s\n", run.name.c_str(), m, ex.what.c_str());
  if (ex.data.y.empty()) return;
  if (!p.classify) {
    double se = 0;
    for (std::size_t j = 0; j < m; ++j) se += (p.prediction[j] - ex.data.y[j]) * (p.prediction[j] - ex.data.y[j]);
    std::fprintf(out, "rmse %.6g\n", std::sqrt(se / static_cast<double>(m)));
    return;
  }
  std::size_t k = std::max<std::size_t>(2, p.a.shape()[0]), correct = 0;
  for (std::size_t j = 0; j < m; ++j) k = std::max(k, static_cast<std::size_t>(std::max(p.prediction[j], ex.data.y[j])) + 1);
  std::vector<std::vector<std::size_t>> cm(k, std::vector<std::size_t>(k, 0));
  for (std::size_t j = 0; j < m; ++j) {
    const auto y = static_cast<std::size_t>(ex.data.y[j]), yh = static_cast<std::size_t>(p.prediction[j]);
    ++cm[y][yh];
    correct += y == yh;
  }
  std::fprintf(out, "accuracy %.4f (%zu of %zu right)\n", static_cast<double>(correct) / static_cast<double>(m), correct, m);
  std::fprintf(out, "confusion matrix (rows: label, columns: prediction)\n");
  std::size_t w = 6;
  for (std::size_t i = 0; i < k; ++i) w = std::max(w, class_name(p, static_cast<double>(i)).size() + 2);
  std::fprintf(out, "%*s", static_cast<int>(w), "");
  for (std::size_t i = 0; i < k; ++i) std::fprintf(out, "%*s", static_cast<int>(w), class_name(p, static_cast<double>(i)).c_str());
  std::fprintf(out, "\n");
  for (std::size_t i = 0; i < k; ++i) {
    std::fprintf(out, "%*s", static_cast<int>(w), class_name(p, static_cast<double>(i)).c_str());
    for (std::size_t c = 0; c < k; ++c) std::fprintf(out, "%*zu", static_cast<int>(w), cm[i][c]);
    std::fprintf(out, "\n");
  }
}

}  // namespace

int cmd_predict(const PredictArgs& a) {
  try {
    if (!a.data.empty() && !a.config.empty()) throw UserError("give --data or --config, not both");
    if (!a.data.empty() && !a.split.empty()) throw UserError("--split applies to --config (a --data source is one split)");
    if (!a.split.empty() && a.split != "test" && a.split != "train" && a.split != "validation")
      throw UserError("--split: '" + a.split + "' is not a split; allowed: test, train, validation");
    std::string ext = fs::path(a.output).extension().string();
    const bool h5_out = ext == ".h5" || ext == ".hdf5";
    if (!a.output.empty() && !h5_out && ext != ".csv")
      throw UserError("-o " + a.output + ": the predictions file must end in .csv, .h5 or .hdf5");
    if (!a.output.empty()) {
      try {
        prepare_output(a.output);
      } catch (const std::runtime_error& ex) {
        throw UserError(ex.what());  // an output path the user can fix, as for train
      }
    }

    const RunFile run = read_run_file(a.run);
    const DataBundle fitted = read_fitted_data(run);
    const Examples ex = load_examples(a, run, fitted);
    Predictions p;
    p.a = run.dtype() == "float32" ? forward_all<float>(run, ex.input) : forward_all<double>(run, ex.input);
    auto loss = make_loss<double>(run_loss_config(run));
    p.classify = loss->metric() == "accuracy";
    const std::size_t u = p.a.shape()[0], m = ex.data.m();
    p.prediction.resize(m);
    for (std::size_t j = 0; j < m; ++j)
      p.prediction[j] = loss->predict(CView<double>{p.a.data(), u, m}, j);
    if (p.classify) {
      p.classes = run.classes;
      if (u == 1) p.prob_columns = {"prob"};
      else
        for (std::size_t i = 0; i < u; ++i)
          p.prob_columns.push_back("prob_" + (i < p.classes.size() ? p.classes[i] : std::to_string(i)));
    } else if (u > 1) {
      for (std::size_t i = 0; i < u; ++i) p.prob_columns.push_back("output_" + std::to_string(i + 1));
    }

    if (a.output.empty()) {
      std::fputs(to_csv(ex, p, a.features).c_str(), stdout);
      print_summary(stderr, run, ex, p);
      return 0;
    }
    write_atomically(a.output, "predictions", [&](const std::string& tmp) {
      if (h5_out) {
        h5::write_image(tmp, to_h5(run, ex, p, a.features));
        return;
      }
      const std::string text = to_csv(ex, p, a.features);
      h5::write_image(tmp, std::vector<unsigned char>(text.begin(), text.end()));
    });
    print_summary(stdout, run, ex, p);
    std::printf("predictions: %s\n", a.output.c_str());
    return 0;
  } catch (...) {
    return report_current_exception();
  }
}

}  // namespace mindset
