// Examples from datasets in an HDF5 file: features (m, ...) of any integer or float type,
// flattened per example in C order; labels (m), (m, 1) or (1, m).
#include <algorithm>

#include "dataset.hpp"
#include "h5.hpp"
#include "isolate.hpp"

namespace mindset {

namespace {

constexpr unsigned kMaxClasses = 1000000;
constexpr std::size_t kMaxClassName = 65536;  // bytes of a fixed-length name

std::string list_names(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s.empty() ? "none" : s;
}

std::string shape_text(const std::vector<std::uint64_t>& dims) {
  std::string s = "(";
  for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + (dims.size() == 1 ? ",)" : ")");
}

class Hdf5Source : public DataSource {
 public:
  explicit Hdf5Source(const ConfigNode& o) : o_(o) {}

  static TypeInfo info() {
    return {"hdf5", "datasets in an HDF5 file: features (m, ...) and labels (m)",
            spec::map()
                .field("path", spec::path("the HDF5 file").require().existing())
                .field("features", spec::string("dataset of the features, shape (m, ...); groups allowed: train/x").require())
                .field("labels", spec::string("dataset of the labels, shape (m), (m, 1) or (1, m)").require())
                .field("classes", spec::string("optional dataset of class names (e.g. list_classes)"))
                .field("examples_axis", spec::string("where the examples are in features: first (m, ...) or "
                                                     "last (..., m, as a file stored n x m)")
                                            .one_of({"first", "last"}).def(ConfigNode::scalar("first")))};
  }

  // Read in a child process (isolate.hpp): a damaged file that crashes libhdf5 is an error
  // message about that file, not a crash of mindset.
  Dataset load() override {
    if (!isolation_enabled()) return read();
    const std::string path = o_.get_string("path");
    Dataset d;
    std::vector<Diagnostic> errors;
    std::string failure;
    try {
      run_isolated([&](Channel& out) { send(out); }, [&](Channel& in) { receive(in, d, errors, failure); },
                   read_timeout(path));
    } catch (const ChildCrashed& c) {
      fail("path", "reading " + path + " " + hdf5_failure(c) + "; the file is damaged, or not an HDF5 file this library can read");
    }
    if (!errors.empty()) throw UserError(errors);
    if (!failure.empty()) fail("path", "cannot read " + path + ": " + failure);
    d.provenance = provenance();
    return d;
  }

 private:
  Dataset read() const {
    const std::string path = o_.get_string("path");
    h5::quiet();
    if (H5Fis_hdf5(path.c_str()) <= 0) fail("path", "not an HDF5 file: " + path);
    h5::Handle f;
    try {
      f = h5::open_file(path);
    } catch (const h5::H5Error&) {
      fail("path", "cannot open HDF5 file " + path);
    }
    const std::string fkey = o_.get_string("features"), lkey = o_.get_string("labels");
    h5::Handle fx = open(f.id(), "features", fkey, path);
    h5::Handle fy = open(f.id(), "labels", lkey, path);
    auto xdims = h5::shape(fx.id()), ydims = h5::shape(fy.id());
    numeric(fx.id(), "features", fkey);
    numeric(fy.id(), "labels", lkey);
    const bool last = o_.get_string("examples_axis") == "last";
    if (xdims.empty() || (last && xdims.size() < 2))
      fail("features", "dataset '" + fkey + "' has shape " + shape_text(xdims) + "; expected (m, features...)" +
                           (last ? " with examples on the last axis (n, m)" : ""));
    const std::uint64_t m = last ? xdims.back() : xdims.front();
    std::uint64_t n = 1;
    long double values = static_cast<long double>(m);  // no overflow, whatever the file claims
    for (std::size_t i = 0; i < xdims.size(); ++i)
      if (i != (last ? xdims.size() - 1 : 0)) n *= xdims[i], values *= static_cast<long double>(xdims[i]);
    // Check the declared size before allocating anything: the features as float64, and a copy
    // of them in the network's type while training.
    const long double bytes = values * 8.0L;
    const std::uint64_t avail = available_memory();
    if (2 * bytes > static_cast<long double>(avail) || values > static_cast<long double>(1ull << 40))
      fail("features", "dataset '" + fkey + "' declares shape " + shape_text(xdims) + ", " +
                           size_text(bytes / 8) + " values: " + size_text(bytes / (1 << 20)) +
                           " MiB as float64, and as much again to train on; only " + std::to_string(avail >> 20) +
                           " MiB of memory are available");
    std::uint64_t ym = 0;
    if (ydims.size() == 1) ym = ydims[0];
    else if (ydims.size() == 2 && ydims[1] == 1) ym = ydims[0];
    else if (ydims.size() == 2 && ydims[0] == 1) ym = ydims[1];
    else fail("labels", "dataset '" + lkey + "' has shape " + shape_text(ydims) + "; expected (m), (m, 1) or (1, m)");
    if (ym != m)
      fail("labels", "features have " + std::to_string(m) + " examples but labels have " + std::to_string(ym) +
                         " (features '" + fkey + "' " + shape_text(xdims) + ", labels '" + lkey + "' " +
                         shape_text(ydims) + ")");

    Dataset d;
    d.x = xt::xtensor<double, 2>::from_shape({static_cast<std::size_t>(n), static_cast<std::size_t>(m)});
    try {
      read_features(fx.id(), xdims, last, d);
      d.y = h5::read_doubles(fy.id());
    } catch (const h5::H5Error& e) {
      fail("features", std::string("reading ") + path + " failed: " + e.what());
    }
    if (const ConfigNode* c = o_.find("classes")) {
      h5::Handle cd = open(f.id(), "classes", c->text(), path);
      // A name per class: a file may declare billions, or names of a gigabyte each; refuse
      // before allocating for them.
      long double names = 1;
      for (auto dim : h5::shape(cd.id())) names *= static_cast<long double>(dim);
      if (names > kMaxClasses)
        fail("classes", "dataset '" + c->text() + "' declares " + size_text(names) +
                            " class names; at most " + std::to_string(kMaxClasses) + " are read");
      h5::Handle type(H5Dget_type(cd.id()), H5Tclose);
      const std::size_t each = type && H5Tis_variable_str(type.id()) <= 0 ? H5Tget_size(type.id()) : 0;
      if (each > kMaxClassName)
        fail("classes", "dataset '" + c->text() + "' declares class names of " + std::to_string(each) +
                            " bytes each; at most " + std::to_string(kMaxClassName) + " are read");
      try {
        d.classes = h5::read_strings(cd.id());
      } catch (const h5::H5Error&) {
        fail("classes", "dataset '" + c->text() + "' does not hold strings");
      }
    }
    d.provenance = provenance();
    return d;
  }

  ConfigNode provenance() const {
    ConfigNode p = ConfigNode::map();
    p.set("type", ConfigNode::of("hdf5"));
    p.set("path", ConfigNode::of(o_.get_string("path")));
    p.set("features", ConfigNode::of(o_.get_string("features")));
    p.set("labels", ConfigNode::of(o_.get_string("labels")));
    return p;
  }

  // The child's side: the data set, or the error, down the pipe.
  void send(Channel& out) const {
    try {
      Dataset d = read();
      out.put_u64('D');
      out.put_u64(d.n());
      out.put_u64(d.m());
      out.write(d.x.data(), d.x.size() * sizeof(double));
      out.put_u64(d.y.size());
      out.write(d.y.data(), d.y.size() * sizeof(double));
      out.put_u64(d.classes.size());
      for (const auto& c : d.classes) out.put_string(c);
    } catch (const UserError& e) {
      out.put_u64('E');
      out.put_u64(e.diagnostics().size());
      for (const auto& diag : e.diagnostics()) {
        out.put_string(diag.path);
        out.put_string(diag.message);
      }
    } catch (const Channel::Closed&) {
      throw;
    } catch (const std::exception& e) {
      out.put_u64('X');
      out.put_string(e.what());
    }
  }

  // The parent's side (the child checked the sizes against the memory available).
  void receive(Channel& in, Dataset& d, std::vector<Diagnostic>& errors, std::string& failure) const {
    const std::uint64_t kind = in.get_u64();
    if (kind == 'D') {
      const std::uint64_t n = in.get_u64(), m = in.get_u64();
      d.x = xt::xtensor<double, 2>::from_shape({static_cast<std::size_t>(n), static_cast<std::size_t>(m)});
      in.read(d.x.data(), d.x.size() * sizeof(double));
      d.y.resize(static_cast<std::size_t>(in.get_u64()));
      in.read(d.y.data(), d.y.size() * sizeof(double));
      d.classes.resize(static_cast<std::size_t>(in.get_u64()));
      for (auto& c : d.classes) c = in.get_string();
    } else if (kind == 'E') {
      for (std::uint64_t i = 0, k = in.get_u64(); i < k; ++i) {
        Diagnostic diag;
        diag.path = in.get_string();
        diag.message = in.get_string();
        const ConfigNode* n = o_.find(diag.path);
        diag.mark = n ? n->mark() : o_.mark();
        errors.push_back(std::move(diag));
      }
    } else if (kind == 'X') {
      failure = in.get_string();
    } else {
      throw Channel::Closed();
    }
  }

  [[noreturn]] void fail(const std::string& key, const std::string& msg) const {
    const ConfigNode* n = o_.find(key);
    throw UserError(n ? n->mark() : o_.mark(), key, msg);
  }

  // Reads features straight into x (n x m). Files stored (m, ...) are read a block of examples
  // at a time and transposed, so no second full copy of the data is ever held.
  static void read_features(hid_t ds, const std::vector<std::uint64_t>& dims, bool last, Dataset& d) {
    const std::size_t n = d.n(), m = d.m();
    if (n * m == 0) return;
    if (last || n == 1 || m == 1) {  // the file's C order is already x's
      if (H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, d.x.data()) < 0)
        throw h5::H5Error("cannot read the features");
      return;
    }
    const std::size_t block = std::max<std::size_t>(1, (std::size_t(8) << 20) / (8 * n));
    std::vector<double> buf(std::min(block, m) * n);
    h5::Handle space(H5Dget_space(ds), H5Sclose);
    std::vector<hsize_t> offset(dims.size(), 0), count(dims.begin(), dims.end());
    for (std::size_t start = 0; start < m; start += block) {
      const std::size_t len = std::min(block, m - start);
      offset[0] = start;
      count[0] = len;
      hsize_t mem_len = len * n;
      h5::Handle mem(H5Screate_simple(1, &mem_len, nullptr), H5Sclose);
      if (H5Sselect_hyperslab(space.id(), H5S_SELECT_SET, offset.data(), nullptr, count.data(), nullptr) < 0 ||
          H5Dread(ds, H5T_NATIVE_DOUBLE, mem.id(), space.id(), H5P_DEFAULT, buf.data()) < 0)
        throw h5::H5Error("cannot read examples " + std::to_string(start) + " to " + std::to_string(start + len));
      for (std::size_t j = 0; j < len; ++j)
        for (std::size_t i = 0; i < n; ++i) d.x.data()[i * m + start + j] = buf[j * n + i];
    }
  }

  h5::Handle open(hid_t file, const std::string& key, const std::string& name, const std::string& path) const {
    if (!h5::exists(file, name)) {
      const std::vector<std::string> names = h5::list_datasets(file, 200, 8);  // for "did you mean"
      std::string best = closest_match(name, names);
      fail(key, "no dataset '" + name + "' in " + path +
                    (best.empty() ? "" : " (did you mean '" + best + "'?)") + "; datasets in the file: " + list_names(names));
    }
    try {
      return h5::open_dataset(file, name);
    } catch (const h5::H5Error&) {
      fail(key, "'" + name + "' in " + path + " is not a dataset");
    }
  }

  void numeric(hid_t ds, const std::string& key, const std::string& name) const {
    h5::Handle t(H5Dget_type(ds), H5Tclose);
    H5T_class_t c = H5Tget_class(t.id());
    if (c != H5T_INTEGER && c != H5T_FLOAT)
      fail(key, "dataset '" + name + "' holds " + (c == H5T_STRING ? "strings" : "non-numeric values") +
                    "; expected integers or floats");
  }

  ConfigNode o_;
};

}  // namespace

MINDSET_REGISTER(DataTag, Hdf5Source);

}  // namespace mindset
