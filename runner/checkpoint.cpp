#include "checkpoint.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "h5.hpp"
#include "results.hpp"
#include "yaml_tree.hpp"

namespace fs = std::filesystem;

namespace mindset {

namespace {

constexpr const char* kFormat = "mindset-checkpoint";
constexpr std::int64_t kVersion = 1;

// Creates the groups of "a/b/c" under loc (not c itself) and returns the innermost one.
h5::Handle parent_group(hid_t loc, const std::string& path, std::string& leaf) {
  std::size_t slash = path.rfind('/');
  leaf = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  if (dir != "." && !h5::exists(loc, dir)) return h5::create_group(loc, dir);
  return h5::open_group(loc, dir);
}

// The file is built in memory and written with plain write(): a full disk then fails cleanly,
// where HDF5 itself, failing to flush a file on disk, keeps it half-open until exit.
void write_file(const std::string& path, const Checkpoint& c) {
  h5::Handle f = h5::create_memory_file();
  h5::set_attr(f.id(), "format", std::string(kFormat));
  h5::set_attr(f.id(), "format_version", kVersion);
  h5::set_attr(f.id(), "config", c.config);
  for (const auto& [k, v] : c.strings) h5::set_attr(f.id(), k, v);
  {
    h5::Handle state = h5::create_group(f.id(), "state");
    for (const auto& [k, v] : c.reals) h5::write_scalar(state.id(), k, v);
    for (const auto& [k, v] : c.integers) h5::write_scalar(state.id(), k, v);
    h5::Handle vec = h5::create_group(f.id(), "vectors");
    std::string leaf;
    for (const auto& [k, v] : c.real_vectors) h5::write_vector(parent_group(vec.id(), k, leaf).id(), leaf, v);
    for (const auto& [k, v] : c.int_vectors) h5::write_vector(parent_group(vec.id(), k, leaf).id(), leaf, v);
    h5::Handle arr = h5::create_group(f.id(), "arrays");
    for (const auto& [k, v] : c.arrays)
      h5::write_matrix(parent_group(arr.id(), k, leaf).id(), leaf, v.data(), v.shape()[0], v.shape()[1]);
  }
  h5::write_image(path, h5::close_to_image(f));
}

hid_t dataset_type_class(hid_t ds) {
  h5::Handle t(H5Dget_type(ds), H5Tclose);
  return H5Tget_class(t.id());
}

}  // namespace

double Checkpoint::real(const std::string& k) const {
  auto it = reals.find(k);
  if (it == reals.end()) throw std::runtime_error("the checkpoint has no state/" + k);
  return it->second;
}
std::int64_t Checkpoint::integer(const std::string& k) const {
  auto it = integers.find(k);
  if (it == integers.end()) throw std::runtime_error("the checkpoint has no state/" + k);
  return it->second;
}
const xt::xtensor<double, 2>& Checkpoint::array(const std::string& k) const {
  auto it = arrays.find(k);
  if (it == arrays.end()) throw std::runtime_error("the checkpoint has no arrays/" + k);
  return it->second;
}

void write_checkpoint(const std::string& path, const Checkpoint& c) {
  write_atomically(path, "checkpoint", [&](const std::string& tmp) { write_file(tmp, c); });
}

Checkpoint read_checkpoint(const std::string& path) {
  Checkpoint c;
  try {
    h5::Handle f = h5::open_file(path);
    if (!h5::has_attr(f.id(), "format") || h5::get_attr_string(f.id(), "format") != kFormat)
      throw std::runtime_error("not a mindset checkpoint");
    c.config = h5::get_attr_string(f.id(), "config");
    if (h5::has_attr(f.id(), "started_at")) c.strings["started_at"] = h5::get_attr_string(f.id(), "started_at");
    h5::Handle state = h5::open_group(f.id(), "state");
    for (const auto& n : h5::list_datasets(state.id())) {
      h5::Handle ds = h5::open_dataset(state.id(), n);
      double v = h5::read_doubles(ds.id()).at(0);
      if (dataset_type_class(ds.id()) == H5T_INTEGER) c.integers[n] = static_cast<std::int64_t>(v);
      else c.reals[n] = v;
    }
    h5::Handle vec = h5::open_group(f.id(), "vectors");
    for (const auto& n : h5::list_datasets(vec.id())) {
      h5::Handle ds = h5::open_dataset(vec.id(), n);
      std::vector<double> v = h5::read_doubles(ds.id());
      if (dataset_type_class(ds.id()) == H5T_INTEGER) c.int_vectors[n].assign(v.begin(), v.end());
      else c.real_vectors[n] = std::move(v);
    }
    h5::Handle arr = h5::open_group(f.id(), "arrays");
    for (const auto& n : h5::list_datasets(arr.id())) {
      h5::Handle ds = h5::open_dataset(arr.id(), n);
      auto dims = h5::shape(ds.id());
      if (dims.size() != 2) throw std::runtime_error("arrays/" + n + " is not a matrix");
      std::vector<double> v = h5::read_doubles(ds.id());
      xt::xtensor<double, 2> a = xt::xtensor<double, 2>::from_shape({dims[0], dims[1]});
      std::copy(v.begin(), v.end(), a.begin());
      c.arrays[n] = std::move(a);
    }
  } catch (const UserError&) {
    throw;
  } catch (const std::exception& ex) {
    throw UserError("cannot read the checkpoint " + path + ": " + ex.what() +
                    " (remove it to start the run from scratch)");
  }
  return c;
}

std::string first_difference(const ConfigNode& was, const ConfigNode& now, const std::string& path) {
  const std::string where = path.empty() ? "the config" : path;
  if (was.type() != now.type() || was.is_scalar()) {
    if (was.type() == now.type() && was.text() == now.text()) return "";  // 'c' and c read the same here
    return where + ": " + (was.is_null() ? "absent" : emit_flow(was)) + " in the checkpoint, " +
           (now.is_null() ? "absent" : emit_flow(now)) + " now";
  }
  if (was.is_sequence()) {
    if (was.items().size() != now.items().size())
      return where + ": " + std::to_string(was.items().size()) + " items in the checkpoint, " +
             std::to_string(now.items().size()) + " now";
    for (std::size_t i = 0; i < was.items().size(); ++i) {
      std::string d = first_difference(was.items()[i], now.items()[i], path + "[" + std::to_string(i) + "]");
      if (!d.empty()) return d;
    }
    return "";
  }
  if (was.is_map()) {
    auto key = [&](const std::string& k) { return path.empty() ? k : path + "." + k; };
    for (const auto& [k, v] : was.entries()) {
      const ConfigNode* o = now.find(k);
      std::string d = first_difference(v, o ? *o : ConfigNode(), key(k));
      if (!d.empty()) return d;
    }
    for (const auto& [k, v] : now.entries())
      if (!was.find(k)) return first_difference(ConfigNode(), v, key(k));
  }
  return "";
}

std::string checkpoint_mismatch(const std::string& path, const Experiment& e) {
  std::string config;
  try {
    h5::Handle f = h5::open_file(path);
    if (!h5::has_attr(f.id(), "format") || h5::get_attr_string(f.id(), "format") != kFormat)
      return path + " is not a mindset checkpoint";
    config = h5::get_attr_string(f.id(), "config");
  } catch (const std::exception& ex) {
    return "cannot read the checkpoint " + path + ": " + ex.what();
  }
  const std::string now = e.yaml();
  if (config == now) return "";
  std::string diff;
  try {
    diff = first_difference(parse_yaml(config, nullptr), e.resolved);
  } catch (const std::exception&) {
  }
  return "the checkpoint " + path + " was written for a different config" + (diff.empty() ? "" : " (" + diff + ")");
}

}  // namespace mindset
