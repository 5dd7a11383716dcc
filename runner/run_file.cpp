#include "run_file.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "encoding.hpp"
#include "h5.hpp"
#include "isolate.hpp"
#include "preprocess.hpp"
#include "results.hpp"
#include "schema.hpp"
#include "validate.hpp"
#include "yaml_tree.hpp"

namespace fs = std::filesystem;

namespace mindset {

namespace {

[[noreturn]] void bad(const std::string& path, const std::string& why) { throw UserError(path + ": " + why); }

// A numeric attribute holding one value (an array would be read past `out`).
bool attr_number(hid_t obj, const char* name, double& out) {
  if (!h5::has_attr(obj, name)) return false;
  h5::Handle a(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  h5::Handle t(H5Aget_type(a.id()), H5Tclose);
  h5::Handle space(H5Aget_space(a.id()), H5Sclose);
  const H5T_class_t c = H5Tget_class(t.id());
  if ((c != H5T_INTEGER && c != H5T_FLOAT) || H5Sget_simple_extent_npoints(space.id()) != 1) return false;
  return H5Aread(a.id(), H5T_NATIVE_DOUBLE, &out) >= 0;
}

// A count: whole and in [0, 2^53] (casting anything else to an integer is undefined).
bool is_count(double v) { return v >= 0 && v <= 9007199254740992.0 && v == std::floor(v); }

bool attr_count(hid_t obj, const char* name, double& out) { return attr_number(obj, name, out) && is_count(out); }

std::string attr_string_or(hid_t obj, const char* name, const std::string& fallback = "") {
  try {
    return h5::has_attr(obj, name) ? h5::get_attr_string(obj, name) : fallback;
  } catch (const h5::H5Error&) {
    return fallback;
  }
}

// The stored config's part at `key`, validated against the schema's spec for it.
ConfigNode validated(const RunFile& run, const std::string& key) {
  const Field* f = experiment_spec().find_field(key);
  const ConfigNode* node = run.config.find(key);
  if (!f || !node) bad(run.path, "its stored config has no '" + key + "'");
  Diagnostics diags;
  ConfigNode out = validate(*node, f->spec, key, diags);
  if (!diags.empty())
    bad(run.path, "this mindset cannot rebuild the run's " + key + ": " + diags.list().front().path + ": " +
                      diags.list().front().message);
  return out;
}

}  // namespace

std::string RunFile::dtype() const {
  const ConfigNode* d = config.find("dtype");
  return d ? d->text() : "float64";
}

std::string RunFile::architecture() const {
  std::string s = std::to_string(input_size);
  for (const ConfigNode& l : layers) {
    const ConfigNode* type = l.find("type");
    if (type && type->text() == "dropout") {
      s += "→dropout";
      if (const ConfigNode* r = l.find("rate")) s += " " + r->text();
      continue;
    }
    const ConfigNode* units = l.find("units");
    s += "→" + (units ? units->text() : std::string("?"));
  }
  return s;
}

std::string RunFile::activations() const {
  std::string s;
  for (const ConfigNode& l : layers)
    if (const ConfigNode* a = l.find("activation")) s += (s.empty() ? "" : ", ") + a->text();
  return s;
}

const double* RunFile::metric(const std::string& name) const {
  for (const auto& [k, v] : metrics)
    if (k == name) return &v;
  return nullptr;
}

namespace {

// The root attributes, /model's layout and /metrics, read here (see read_run_file).
RunFile read_here(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) bad(path, "no such file");
  if (fs::is_directory(path, ec)) bad(path, "is a folder, not a results file");
  if (H5Fis_hdf5(path.c_str()) <= 0) bad(path, "not an HDF5 file (a results file is what `mindset train` writes)");
  RunFile r;
  r.path = path;
  try {
    h5::Handle f = h5::open_file(path);
    const hid_t root = f.id();
    double v = 0;
    if (!h5::has_attr(root, "format_version"))
      bad(path, "an HDF5 file, but not a mindset results file (no format_version attribute at its root)");
    if (!attr_count(root, "format_version", v)) bad(path, "its format_version attribute is not a version number");
    r.format_version = static_cast<long long>(v);
    if (r.format_version > kFormatVersion)
      bad(path, "results format version " + std::to_string(r.format_version) + " is newer than this mindset reads (" +
                    std::to_string(kFormatVersion) + "); use a newer mindset");
    for (const char* k : {"config", "name", "status"})
      if (!h5::has_attr(root, k)) bad(path, std::string("not a complete results file: no '") + k + "' attribute");
    r.name = attr_string_or(root, "name");
    r.status = attr_string_or(root, "status");
    r.stop_reason = attr_string_or(root, "stop_reason");
    r.started_at = attr_string_or(root, "started_at");
    r.finished_at = attr_string_or(root, "finished_at");
    r.mindset_version = attr_string_or(root, "mindset_version");
    if (attr_number(root, "wall_seconds", v)) r.wall_seconds = v;
    if (attr_count(root, "iterations_done", v)) r.iterations_done = static_cast<long long>(v);
    if (attr_count(root, "epochs_done", v)) r.epochs_done = static_cast<long long>(v);
    r.overrides = h5::has_attr(root, "overrides") ? h5::get_attr_strings(root, "overrides") : std::vector<std::string>{};
    try {
      r.config = parse_yaml(h5::get_attr_string(root, "config"), std::make_shared<const std::string>(path + " (config)"));
    } catch (const UserError& e) {
      bad(path, "its stored config is not valid YAML: " + e.diagnostics().front().message);
    }
    if (!r.config.is_map() || !r.config.find("model")) bad(path, "its stored config has no model");

    if (!h5::exists(root, "model")) bad(path, "not a complete results file: no /model group");
    h5::Handle model = h5::open_group(root, "model");
    if (attr_count(model.id(), "input_size", v) && v >= 1) r.input_size = static_cast<std::size_t>(v);
    else bad(path, "/model has no input_size attribute (a whole number >= 1)");
    if (attr_count(model.id(), "parameter_count", v)) r.parameter_count = static_cast<std::size_t>(v);
    for (std::size_t l = 1; h5::exists(model.id(), "layer_" + std::to_string(l)); ++l) {
      h5::Handle g = h5::open_group(model.id(), "layer_" + std::to_string(l));
      ConfigNode a = ConfigNode::map();
      for (const char* k : {"type", "units", "activation", "rate", "init"}) {
        if (!h5::has_attr(g.id(), k)) continue;
        if (!attr_number(g.id(), k, v)) a.set(k, ConfigNode::scalar(attr_string_or(g.id(), k)));
        else if (k == std::string("rate")) a.set(k, ConfigNode::of(v));
        else a.set(k, is_count(v) ? ConfigNode::of(static_cast<long long>(v)) : ConfigNode::of(v));
      }
      r.layers.push_back(std::move(a));
    }
    if (r.layers.empty()) bad(path, "/model has no layers");

    if (h5::exists(root, "metrics")) {
      h5::Handle m = h5::open_group(root, "metrics");
      std::vector<std::string> names;
      H5Literate(m.id(), H5_INDEX_NAME, H5_ITER_INC, nullptr,
                 [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
                   static_cast<std::vector<std::string>*>(out)->push_back(name);
                   return 0;
                 },
                 &names);
      auto rank = [](const std::string& n) {
        return n == "final_cost" ? 0 : n.rfind("train_", 0) == 0 ? 1 : n.rfind("test_", 0) == 0 ? 2 : 3;
      };
      std::stable_sort(names.begin(), names.end(), [&](const std::string& x, const std::string& y) { return rank(x) < rank(y); });
      for (const auto& n : names) r.metrics.emplace_back(n, h5::read_scalar(m.id(), n));
    }
    for (const char* split : {"train", "test", "validation"}) {
      if (!h5::exists(root, std::string("data/") + split)) continue;
      h5::Handle g = h5::open_group(root, std::string("data/") + split);
      std::string text = attr_string_or(g.id(), "type", "?");
      if (attr_count(g.id(), "m", v)) text += ", " + std::to_string(static_cast<long long>(v)) + " examples";
      if (h5::has_attr(g.id(), "path")) text += ", " + fs::path(attr_string_or(g.id(), "path")).filename().string();
      if (std::string(split) != "train" && h5::has_attr(g.id(), "split_of")) text += " (held out of " + attr_string_or(g.id(), "split_of") + ")";
      r.splits.emplace_back(split, text);
    }
    if (h5::exists(root, "data/train/classes")) {
      h5::Handle c = h5::open_dataset(root, "data/train/classes");
      r.classes = h5::read_strings(c.id());
    }
  } catch (const h5::H5Error& e) {
    bad(path, std::string("cannot read it as a results file: ") + e.what());
  }
  return r;
}

}  // namespace

ConfigNode run_loss_config(const RunFile& run) { return validated(run, "loss"); }

namespace {

// The network's size from the stored config and input_size, checked before anything is
// allocated: a file's claims are refused when they would take more than half the memory.
void check_network_size(const RunFile& run, const ConfigNode& model, std::size_t max_batch, std::size_t scalar_bytes) {
  long double values = 0, fan_in = static_cast<long double>(run.input_size), widest = fan_in;
  for (const ConfigNode& l : model.at("layers").items()) {
    const ConfigNode* u = l.find("units");
    const long double units = u && u->is_integer() ? static_cast<long double>(u->as_integer()) : fan_in;
    values += units * (fan_in + 1);
    widest = std::max(widest, units);
    fan_in = units;
  }
  // Parameters and their gradients, and a few buffers of the widest layer per example.
  const long double bytes = (2 * values + 4 * widest * static_cast<long double>(max_batch)) * scalar_bytes;
  const std::uint64_t avail = available_memory();
  if (bytes > static_cast<long double>(avail / 2))
    bad(run.path, "its network (" + std::to_string(run.input_size) + " inputs, " +
                      size_text(values) + " parameters) would take " + size_text(bytes / (1 << 20)) + " MiB; only " +
                      std::to_string(avail >> 20) + " MiB of memory are available");
}

}  // namespace

template <class T>
Network<T> load_network(const RunFile& run, std::size_t max_batch) {
  ConfigNode model = validated(run, "model");
  check_network_size(run, model, std::max<std::size_t>(1, max_batch), sizeof(T));
  Network<T> net = Network<T>::from_config(model.at("layers"));
  net.build(run.input_size, std::max<std::size_t>(1, max_batch));
  try {
    h5::Handle f = h5::open_file(run.path);
    h5::Handle m = h5::open_group(f.id(), "model");
    for (const Param<T>& p : net.parameters()) {
      if (!h5::exists(m.id(), p.name)) bad(run.path, "/model/" + p.name + " is missing");
      h5::Handle ds = h5::open_dataset(m.id(), p.name);
      const auto shape = h5::shape(ds.id());
      const std::vector<std::uint64_t> want = {p.value->shape()[0], p.value->shape()[1]};
      if (shape != want)
        bad(run.path, "/model/" + p.name + " has shape (" + (shape.empty() ? "" : std::to_string(shape[0])) +
                          (shape.size() > 1 ? ", " + std::to_string(shape[1]) : "") + "), the config's network needs (" +
                          std::to_string(want[0]) + ", " + std::to_string(want[1]) + ")");
      const std::vector<double> values = h5::read_doubles(ds.id());
      std::transform(values.begin(), values.end(), p.value->data(), [](double x) { return static_cast<T>(x); });
    }
  } catch (const h5::H5Error& e) {
    bad(run.path, std::string("cannot read the parameters: ") + e.what());
  }
  return net;
}

template Network<float> load_network<float>(const RunFile&, std::size_t);
template Network<double> load_network<double>(const RunFile&, std::size_t);

DataBundle read_fitted_data(const RunFile& run) {
  DataBundle b;
  b.train.x = xt::xtensor<double, 2>::from_shape({run.input_size, std::size_t{0}});
  try {
    h5::Handle f = h5::open_file(run.path);
    if (!h5::exists(f.id(), "data")) return b;
    h5::Handle d = h5::open_group(f.id(), "data");
    if (h5::exists(d.id(), "encoding")) b.encoding = std::make_shared<Encoding>(Encoding::read(d.id()));
    b.preprocess = read_preprocessing(d.id());
    if (h5::exists(d.id(), "feature_names")) {
      h5::Handle n = h5::open_dataset(d.id(), "feature_names");
      b.train.feature_names = h5::read_strings(n.id());
    }
  } catch (const UserError& e) {
    bad(run.path, "cannot read its data transforms: " + e.diagnostics().front().message);
  } catch (const std::exception& e) {  // also a step of an unknown type (found by fuzzing)
    bad(run.path, std::string("cannot read its data transforms: ") + e.what());
  }
  if (b.encoding && b.encoding->features() != run.input_size)
    bad(run.path, "its encoding gives " + std::to_string(b.encoding->features()) + " features, its network takes " +
                      std::to_string(run.input_size));
  return b;
}

namespace {

bool looks_here(const std::string& path) {
  if (H5Fis_hdf5(path.c_str()) <= 0) return false;
  try {
    h5::Handle f = h5::open_file(path);
    return h5::has_attr(f.id(), "format_version");
  } catch (const h5::H5Error&) {
    return false;
  }
}

// Every read inspect and predict make of a results file, for screen_file: a file that crashes
// libhdf5 must do so in the child, not here.
void read_everything(const std::string& path) {
  if (!looks_here(path)) return;
  RunFile r = read_here(path);
  load_network<double>(r, 1);
  read_fitted_data(r);
}

}  // namespace

RunFile read_run_file(const std::string& path) {
  screen_file(path, [&] { read_everything(path); });
  return read_here(path);
}

bool looks_like_run_file(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return false;
  screen_file(path, [&] { read_everything(path); });
  return looks_here(path);
}

}  // namespace mindset
