// load_data: every split of an experiment, in this order: sources, label checks, split, encoding
// (tabular data, fitted on the training split), checks, preprocessing (fitted on the training
// split), provenance. Nothing computed from test or validation examples shapes the features.
#include <cmath>
#include <cstdio>
#include <map>

#include "dataset.hpp"
#include "encoding.hpp"
#include "loss.hpp"
#include "preprocess.hpp"
#include "sha256.hpp"
#include "split.hpp"
#include "validate.hpp"

namespace mindset {

namespace {

// Runs `f`, re-throwing its errors with their key paths under `where` ("data.train") and, when
// they have no location of their own, at `cfg`'s.
template <class F>
auto under(const std::string& where, const ConfigNode& cfg, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const UserError& e) {
    std::vector<Diagnostic> diags = e.diagnostics();
    for (auto& d : diags) {
      d.path = d.path.empty() ? where : join_path(where, d.path);
      if (d.mark.line == 0 && !d.mark.file) d.mark = cfg.mark();
    }
    throw UserError(std::move(diags), e.exit_code());
  }
}

Dataset load_source(const ConfigNode& cfg, const std::string& where) {
  return under(where, cfg, [&] { return DataRegistry::instance().factory(cfg.get_string("type"))(cfg)->load(); });
}

// A csv data.test is encoded as data.train is: it inherits the keys that define the encoding.
ConfigNode inherit_table_options(const ConfigNode& train, const ConfigNode& test) {
  if (test.get_string("type") == "csv" && train.get_string("type") != "csv")
    throw UserError("is a table (csv) but data.train is not; a table's encoding is learned from training rows");
  if (train.get_string("type") != "csv" || test.get_string("type") != "csv") return test;
  ConfigNode out = test;
  for (const char* key : {"label", "columns", "ignore", "categorical", "missing", "positive"}) {
    const ConfigNode* a = train.find(key);
    const ConfigNode* b = test.find(key);
    if (a && !b) out.set(key, *a);
    if (b && (!a || *a != *b))
      throw UserError(b->mark(), key,
                      std::string("differs from data.train.") + key + (a ? "" : " (not set there)") +
                          "; test rows are encoded as training rows are: leave it out to inherit data.train's");
  }
  return out;
}

void check_finite(const Dataset& d, const ConfigNode& cfg, const std::string& where, const char* when) {
  const double* p = d.x.data();
  const std::size_t n = d.n(), m = d.m();
  for (std::size_t i = 0; i < n * m; ++i)
    if (!std::isfinite(p[i])) {
      const std::size_t f = i / m;
      std::string name = f < d.feature_names.size() ? " ('" + d.feature_names[f] + "')" : "";
      throw UserError(cfg.mark(), where,
                      "feature " + std::to_string(f) + name + " of example " + std::to_string(i % m) + " is " +
                          (std::isnan(p[i]) ? "NaN" : "infinite") + when + "; features must be finite numbers");
    }
}

std::map<double, std::size_t> class_counts(const std::vector<double>& y) {
  std::map<double, std::size_t> c;
  for (double v : y) ++c[v];
  return c;
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

void warn(DataBundle& b, const std::string& msg) {
  std::fprintf(stderr, "warning: %s\n", msg.c_str());
  b.warnings.push_back(msg);
}

// A table read for a network trained on non-tabular data: its numeric columns are the features
// as they are (there is no encoding to apply, so categorical columns cannot be used).
Dataset numeric_table(Dataset raw) {
  const RawTable& t = *raw.raw;
  for (const RawColumn& c : t.columns)
    if (c.categorical)
      throw UserError("column '" + c.name + "' is categorical, but the run was not trained on a table and has no "
                      "encoding for it; use numeric columns only");
  raw.feature_names.clear();
  for (const RawColumn& c : t.columns) raw.feature_names.push_back(c.name);
  raw.raw.reset();
  return raw;
}

std::string feature_mismatch(const Dataset& d, std::size_t n) {
  return "examples have " + std::to_string(d.n()) + " features; the run's network takes " + std::to_string(n);
}

// A split's place in the config, for messages.
struct Where {
  const ConfigNode* cfg;
  std::string path;
};

}  // namespace

DataBundle load_data(const ConfigNode& data, const ConfigNode& loss_cfg, std::size_t output_units, std::uint32_t seed,
                     const DataBundle* fitted) {
  DataBundle b;
  const ConfigNode& train_cfg = data.at("train");
  const ConfigNode* test_node = data.find("test");
  const ConfigNode test_cfg = test_node ? under("data.test", *test_node, [&] { return inherit_table_options(train_cfg, *test_node); })
                                        : ConfigNode();
  b.train = load_source(train_cfg, "data.train");
  if (test_node) b.test = load_source(test_cfg, "data.test");
  Where w_train{&train_cfg, "data.train"}, w_test{test_node ? &test_cfg : &train_cfg, test_node ? "data.test" : "data.train"},
      w_val{&train_cfg, "data.train"};

  auto loss = make_loss<double>(loss_cfg);
  const bool classify = loss->metric() == "accuracy";
  auto check_labels = [&](const Dataset& d, const Where& w) {
    if (d.m() == 0) throw UserError(w.cfg->mark(), w.path, "the data set has no examples");
    std::string why = loss->check_labels(d.y.data(), d.y.size(), output_units);
    if (!why.empty()) throw UserError(w.cfg->mark(), w.path, why);
  };
  check_labels(b.train, w_train);
  if (b.test) check_labels(*b.test, w_test);
  for (Dataset* d : {&b.train, b.test ? &*b.test : nullptr})
    if (d) for (auto& msg : d->warnings) warn(b, (d == &b.train ? "data.train: " : "data.test: ") + msg);

  // Split: a test and/or validation part held out of data.train.
  const ConfigNode* tf = b.test ? nullptr : data.find("test_fraction");
  const ConfigNode* vf = data.find("validation_fraction");
  const double test_fraction = tf ? tf->as_number() : 0, val_fraction = vf ? vf->as_number() : 0;
  if (test_fraction > 0 || val_fraction > 0) {
    const ConfigNode* ss = data.find("split_seed");
    const auto split_seed = ss ? static_cast<std::uint32_t>(ss->as_integer()) : seed;
    const ConfigNode* st = data.find("stratify");
    const bool labels_are_classes = classify && class_labels(b.train.y);
    if (st && st->as_bool() && !labels_are_classes)
      throw UserError(st->mark(), "data.stratify", "needs class labels (whole numbers, a classification loss)");
    const bool stratify = st ? st->as_bool() : labels_are_classes;
    SplitPlan plan = plan_split(b.train.y, test_fraction, val_fraction, split_seed, stratify);
    const std::string of = " of the " + std::to_string(b.train.m()) + " examples of data.train";
    if (plan.train.empty())
      throw UserError((vf ? vf : tf)->mark(), "data", "the split leaves no training examples" + of);
    if (tf && plan.test.empty())
      throw UserError(tf->mark(), "data.test_fraction", tf->text() + of + " leaves the test split empty; use a larger fraction");
    if (vf && plan.validation.empty())
      throw UserError(vf->mark(), "data.validation_fraction",
                      vf->text() + of + " leaves the validation split empty; use a larger fraction");
    Dataset whole = std::move(b.train);
    auto part = [&](const std::vector<std::size_t>& idx, const char* name) {
      Dataset d = take_examples(whole, idx);
      d.provenance.set("split", ConfigNode::of(name));
      d.provenance.set("split_of", ConfigNode::of("data.train"));
      d.provenance.set("test_fraction", ConfigNode::of(test_fraction));
      d.provenance.set("validation_fraction", ConfigNode::of(val_fraction));
      d.provenance.set("split_seed", ConfigNode::of(static_cast<long long>(split_seed)));
      d.provenance.set("stratified", ConfigNode::of(stratify));
      return d;
    };
    b.train = part(plan.train, "train");
    if (tf) b.test = part(plan.test, "test");
    if (vf) b.validation = part(plan.validation, "validation");
    if (tf) w_test.path = "data.train (its test split)";
    w_val.path = "data.train (its validation split)";
  }
  if (classify && class_counts(b.train.y).size() < 2)
    throw UserError(train_cfg.mark(), "data.train",
                    "all " + std::to_string(b.train.m()) + " training examples have the label " + number_text(b.train.y[0]) +
                        "; a classifier needs examples of at least two classes");

  // Encoding of tabular data, learned from the training split.
  if (b.train.raw && fitted && !fitted->encoding) {  // a table for a run trained on other data
    b.train = under(w_train.path, train_cfg, [&] { return numeric_table(std::move(b.train)); });
    for (auto dw : {std::make_pair(&b.test, &w_test), std::make_pair(&b.validation, &w_val)}) {
      auto* d = dw.first;  // not a structured binding: C++17 lambdas cannot capture those (clang)
      if (*d && (*d)->raw) **d = under(dw.second->path, *dw.second->cfg, [&] { return numeric_table(std::move(**d)); });
    }
  } else if (b.train.raw) {
    std::shared_ptr<const Encoding> enc =
        fitted ? fitted->encoding
               : std::make_shared<Encoding>(under("data.train", train_cfg, [&] { return Encoding::fit(b.train); }));
    std::string note;
    b.train = under(w_train.path, train_cfg, [&] { return enc->apply(std::move(b.train), note); });
    if (fitted && !note.empty()) warn(b, w_train.path + ": " + note);
    for (auto [d, w] : {std::make_pair(&b.test, &w_test), std::make_pair(&b.validation, &w_val)}) {
      if (!*d) continue;
      if (!(*d)->raw)
        throw UserError(w->cfg->mark(), w->path, "is not a table, but data.train is (csv); both must be csv files");
      auto* split = d;  // lambdas may not capture structured bindings before C++20 (clang refuses)
      **d = under(w->path, *w->cfg, [&] { return enc->apply(std::move(**split), note); });
      if (!note.empty()) warn(b, w->path + ": " + note);
    }
    b.encoding = enc;
  } else if (fitted && fitted->encoding) {
    throw UserError(train_cfg.mark(), "data.train", "is not a table, but the run was trained on one (csv); give csv data");
  } else if (b.test && b.test->raw) {
    throw UserError(test_cfg.mark(), "data.test",
                    "is a table (csv) but data.train is not; the encoding of a table is learned from training rows");
  }

  if (fitted && b.train.n() != fitted->train.n())
    throw UserError(train_cfg.mark(), w_train.path, feature_mismatch(b.train, fitted->train.n()));
  for (auto [d, w] : {std::make_pair(&b.test, &w_test), std::make_pair(&b.validation, &w_val)})
    if (*d && (*d)->n() != b.train.n())
      throw UserError(w->cfg->mark(), w->path,
                      "examples have " + std::to_string((*d)->n()) + " features, training examples " +
                          std::to_string(b.train.n()) + "; they must match");
  check_finite(b.train, train_cfg, w_train.path, "");
  if (b.test) check_finite(*b.test, *w_test.cfg, w_test.path, "");
  if (b.validation) check_finite(*b.validation, train_cfg, w_val.path, "");

  // Preprocessing: data.scale first, then data.preprocess in order; each fitted on the training
  // split as the steps before it left it.
  const double scale = data.get_number("scale");
  if (scale != 1.0) {
    ConfigNode s = ConfigNode::map(data.at("scale").mark());
    s.set("type", ConfigNode::scalar("scale"));
    s.set("by", data.at("scale"));
    b.preprocess_config.push_back(s);
  }
  if (const ConfigNode* pp = data.find("preprocess"))
    for (const auto& step : pp->items()) b.preprocess_config.push_back(step);
  if (fitted) b.preprocess_config = fitted->preprocess_config;
  const std::size_t steps = fitted ? fitted->preprocess.size() : b.preprocess_config.size();
  for (std::size_t i = 0; i < steps; ++i) {
    std::shared_ptr<Preprocessor> p = fitted ? fitted->preprocess[i] : make_preprocessor(b.preprocess_config[i]);
    if (!fitted) p->fit(b.train.x);
    p->apply(b.train.x);
    if (b.test) p->apply(b.test->x);
    if (b.validation) p->apply(b.validation->x);
    b.preprocess.push_back(std::move(p));
  }
  if (!b.preprocess.empty()) {
    check_finite(b.train, train_cfg, w_train.path, " after preprocessing");
    if (b.test) check_finite(*b.test, *w_test.cfg, w_test.path, " after preprocessing");
    if (b.validation) check_finite(*b.validation, train_cfg, w_val.path, " after preprocessing");
  }

  // Provenance: what exactly each split is.
  std::map<std::string, std::string> digests;
  for (Dataset* d : {&b.train, b.test ? &*b.test : nullptr, b.validation ? &*b.validation : nullptr}) {
    if (!d) continue;
    if (const ConfigNode* p = d->provenance.find("path")) {
      std::string& digest = digests[p->text()];
      if (digest.empty()) {
        try {
          digest = sha256_file(p->text());
        } catch (const std::runtime_error& e) {
          throw UserError(p->text() + ": " + e.what());
        }
      }
      d->provenance.set("sha256", ConfigNode::of(digest));
    }
    if (classify) {
      std::string balance;
      for (const auto& [label, count] : class_counts(d->y)) {
        char pct[32];
        std::snprintf(pct, sizeof pct, " (%.1f%%)", 100.0 * static_cast<double>(count) / static_cast<double>(d->m()));
        balance += (balance.empty() ? "" : ", ") + number_text(label) + ": " + std::to_string(count) + pct;
      }
      d->provenance.set("class_balance", ConfigNode::of(balance));
    }
    d->raw.reset();
  }
  return b;
}

Dataset load_for_prediction(const ConfigNode& source, const DataBundle& fitted, const std::string& where) {
  Dataset d = load_source(source, where);
  for (const auto& msg : d.warnings) std::fprintf(stderr, "warning: %s: %s\n", where.c_str(), msg.c_str());
  if (d.m() == 0) throw UserError(source.mark(), where, "the data set has no examples");
  if (d.raw && fitted.encoding) {
    std::string note;
    d = under(where, source, [&] { return fitted.encoding->apply(std::move(d), note); });
    if (!note.empty()) std::fprintf(stderr, "warning: %s: %s\n", where.c_str(), note.c_str());
  } else if (d.raw) {
    d = under(where, source, [&] { return numeric_table(std::move(d)); });
  } else if (fitted.encoding) {
    throw UserError(source.mark(), where, "is not a table, but the run was trained on one (csv); give csv data");
  }
  if (d.n() != fitted.train.n()) throw UserError(source.mark(), where, feature_mismatch(d, fitted.train.n()));
  check_finite(d, source, where, "");
  for (const auto& p : fitted.preprocess) p->apply(d.x);
  if (!fitted.preprocess.empty()) check_finite(d, source, where, " after preprocessing");
  return d;
}

}  // namespace mindset
