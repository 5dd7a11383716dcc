#include "h5.hpp"

#include <fcntl.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "errors.hpp"

namespace mindset {
std::uint64_t available_memory();  // dataset.hpp (which pulls in xtensor)
}  // namespace mindset

namespace mindset::h5 {

void quiet() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    reset();
    id_ = o.id_;
    close_ = o.close_;
    o.id_ = -1;
  }
  return *this;
}

void Handle::reset() {
  if (id_ >= 0 && close_) close_(id_);
  id_ = -1;
}

namespace {

hid_t check(hid_t id, const std::string& what) {
  if (id < 0) throw H5Error(what);
  return id;
}
void check(herr_t rc, const std::string& what, int) {
  if (rc < 0) throw H5Error(what);
}

Handle scalar_space() { return Handle(check(H5Screate(H5S_SCALAR), "create a dataspace"), H5Sclose); }

Handle string_type() {
  hid_t t = check(H5Tcopy(H5T_C_S1), "create a string type");
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return Handle(t, H5Tclose);
}

void write_dataset(hid_t loc, const std::string& name, hid_t type, const void* data,
                   const std::vector<hsize_t>& dims) {
  Handle space(check(dims.empty() ? H5Screate(H5S_SCALAR)
                                  : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                     "create a dataspace for " + name),
               H5Sclose);
  hsize_t n = 1;
  for (auto d : dims) n *= d;
  Handle ds(check(H5Dcreate2(loc, name.c_str(), type, space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                  "create dataset " + name),
            H5Dclose);
  if (n > 0) check(H5Dwrite(ds.id(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write dataset " + name, 0);
}

}  // namespace

Handle open_file(const std::string& path, bool write) {
  hid_t f = H5Fopen(path.c_str(), write ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT);
  return Handle(check(f, "cannot open HDF5 file " + path), H5Fclose);
}

Handle create_file(const std::string& path) {
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  return Handle(check(f, "cannot create HDF5 file " + path), H5Fclose);
}

void close_file(Handle& f) {
  if (!f) return;
  herr_t a = H5Fflush(f.id(), H5F_SCOPE_LOCAL);
  herr_t b = H5Fclose(f.release());
  if (a < 0 || b < 0) throw H5Error("writing the HDF5 file failed (disk full or file size limit?)");
}

Handle create_memory_file() {
  // The core driver keys open files by name: give each its own.
  static std::atomic<unsigned> counter{0};
  const std::string name = "mindset-memory-" + std::to_string(counter++) + ".h5";
  Handle fapl(check(H5Pcreate(H5P_FILE_ACCESS), "create a property list"), H5Pclose);
  check(H5Pset_fapl_core(fapl.id(), 1 << 20, 0), "select the in-memory driver", 0);
  return Handle(check(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id()),
                      "cannot create an HDF5 file in memory"),
                H5Fclose);
}

std::vector<unsigned char> close_to_image(Handle& f) {
  check(H5Fflush(f.id(), H5F_SCOPE_LOCAL), "flush an HDF5 file in memory", 0);
  ssize_t n = H5Fget_file_image(f.id(), nullptr, 0);
  if (n < 0) throw H5Error("get the image of an HDF5 file in memory");
  std::vector<unsigned char> image(static_cast<std::size_t>(n));
  if (H5Fget_file_image(f.id(), image.data(), image.size()) != n) throw H5Error("copy the image of an HDF5 file");
  check(H5Fclose(f.release()), "close an HDF5 file in memory", 0);
  return image;
}

void write_image(const std::string& path, const std::vector<unsigned char>& bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) throw H5Error(std::string("cannot create ") + path + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : ENOSPC;
      ::close(fd);
      throw H5Error(std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    throw H5Error(std::strerror(err));
  }
  if (::close(fd) != 0) throw H5Error(std::strerror(errno));
}

Handle open_group(hid_t loc, const std::string& name) {
  return Handle(check(H5Gopen2(loc, name.c_str(), H5P_DEFAULT), "cannot open group " + name), H5Gclose);
}

Handle create_group(hid_t loc, const std::string& name) {
  Handle lcpl(check(H5Pcreate(H5P_LINK_CREATE), "create a property list"), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  return Handle(check(H5Gcreate2(loc, name.c_str(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT), "create group " + name),
                H5Gclose);
}

Handle open_dataset(hid_t loc, const std::string& name) {
  return Handle(check(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), "cannot open dataset " + name), H5Dclose);
}

bool exists(hid_t loc, const std::string& path) {
  if (path.empty()) return false;
  std::size_t pos = 0;
  while (true) {
    std::size_t slash = path.find('/', pos + 1);
    std::string prefix = path.substr(0, slash);
    if (prefix.empty() || prefix == "/") {
      pos = slash;
      if (slash == std::string::npos) return true;
      continue;
    }
    if (H5Lexists(loc, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (slash == std::string::npos) return H5Oexists_by_name(loc, prefix.c_str(), H5P_DEFAULT) > 0;
    pos = slash;
  }
}

namespace {
void walk_datasets(hid_t loc, const std::string& prefix, std::vector<std::string>& out, std::size_t limit, int depth) {
  H5G_info_t info;
  if (depth < 0 || H5Gget_info(loc, &info) < 0) return;
  for (hsize_t i = 0; i < info.nlinks && out.size() < limit; ++i) {
    char name[1024];
    if (H5Lget_name_by_idx(loc, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT) < 0) continue;
    H5O_info_t oinfo;
    if (H5Oget_info_by_name(loc, name, &oinfo, H5P_DEFAULT) < 0) continue;
    std::string full = prefix.empty() ? name : prefix + "/" + name;
    if (oinfo.type == H5O_TYPE_DATASET) out.push_back(full);
    if (oinfo.type == H5O_TYPE_GROUP) {
      hid_t g = H5Gopen2(loc, name, H5P_DEFAULT);
      if (g < 0) continue;
      Handle group(g, H5Gclose);
      walk_datasets(group.id(), full, out, limit, depth - 1);
    }
  }
}
}  // namespace

std::vector<std::string> list_datasets(hid_t loc, std::size_t limit, int max_depth) {
  std::vector<std::string> out;
  walk_datasets(loc, "", out, limit, max_depth);
  return out;
}

std::vector<std::uint64_t> shape(hid_t dataset) {
  Handle space(check(H5Dget_space(dataset), "get a dataspace"), H5Sclose);
  int rank = H5Sget_simple_extent_ndims(space.id());
  if (rank < 0) throw H5Error("cannot read a dataset's shape");
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0) H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr);
  return std::vector<std::uint64_t>(dims.begin(), dims.end());
}

void write_matrix(hid_t loc, const std::string& name, const double* data, std::size_t rows, std::size_t cols) {
  write_dataset(loc, name, H5T_NATIVE_DOUBLE, data, {rows, cols});
}
void write_vector(hid_t loc, const std::string& name, const std::vector<double>& v) {
  write_dataset(loc, name, H5T_NATIVE_DOUBLE, v.data(), {v.size()});
}
void write_vector(hid_t loc, const std::string& name, const std::vector<std::int64_t>& v) {
  write_dataset(loc, name, H5T_NATIVE_INT64, v.data(), {v.size()});
}
void write_strings(hid_t loc, const std::string& name, const std::vector<std::string>& v) {
  std::vector<const char*> ptrs;
  for (const auto& s : v) ptrs.push_back(s.c_str());
  Handle t = string_type();
  write_dataset(loc, name, t.id(), ptrs.data(), {v.size()});
}
void write_scalar(hid_t loc, const std::string& name, double v) { write_dataset(loc, name, H5T_NATIVE_DOUBLE, &v, {}); }
void write_scalar(hid_t loc, const std::string& name, std::int64_t v) {
  write_dataset(loc, name, H5T_NATIVE_INT64, &v, {});
}

namespace {
void write_attr(hid_t obj, const std::string& name, hid_t type, hid_t space, const void* data) {
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
  Handle a(check(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), "create attribute " + name),
           H5Aclose);
  check(H5Awrite(a.id(), type, data), "write attribute " + name, 0);
}
}  // namespace

void set_attr(hid_t obj, const std::string& name, const std::string& value) {
  Handle t = string_type();
  Handle s = scalar_space();
  const char* p = value.c_str();
  write_attr(obj, name, t.id(), s.id(), &p);
}
void set_attr(hid_t obj, const std::string& name, double value) {
  Handle s = scalar_space();
  write_attr(obj, name, H5T_NATIVE_DOUBLE, s.id(), &value);
}
void set_attr(hid_t obj, const std::string& name, std::int64_t value) {
  Handle s = scalar_space();
  write_attr(obj, name, H5T_NATIVE_INT64, s.id(), &value);
}
void set_attr(hid_t obj, const std::string& name, const std::vector<std::string>& value) {
  Handle t = string_type();
  hsize_t n = value.size();
  Handle s(check(H5Screate_simple(1, &n, nullptr), "create a dataspace"), H5Sclose);
  std::vector<const char*> ptrs;
  for (const auto& v : value) ptrs.push_back(v.c_str());
  const char* none = "";
  write_attr(obj, name, t.id(), s.id(), ptrs.empty() ? &none : ptrs.data());  // HDF5 wants a buffer even for 0 items
}

namespace {

// The number of elements a dataset declares, refused (H5Error) when `element_bytes` each would
// take more than half the memory available: a file's claims are checked before allocating.
std::uint64_t checked_count(hid_t dataset, std::size_t element_bytes) {
  long double bytes = static_cast<long double>(element_bytes ? element_bytes : 1);
  std::uint64_t n = 1;
  for (auto d : shape(dataset)) n *= d, bytes *= static_cast<long double>(d);
  if (bytes > static_cast<long double>(available_memory() / 2))
    throw H5Error("the dataset declares " + size_text(bytes) +
                  " bytes, more than the memory available");
  return n;
}

}  // namespace

std::vector<double> read_doubles(hid_t dataset) {
  Handle type(check(H5Dget_type(dataset), "get a dataset's type"), H5Tclose);
  H5T_class_t cls = H5Tget_class(type.id());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) throw H5Error("dataset is not numeric");
  const std::uint64_t n = checked_count(dataset, 8);
  std::vector<double> out(static_cast<std::size_t>(n));
  if (n > 0) check(H5Dread(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "read a dataset", 0);
  return out;
}

std::vector<std::string> read_strings(hid_t dataset) {
  Handle type(check(H5Dget_type(dataset), "get a dataset's type"), H5Tclose);
  if (H5Tget_class(type.id()) != H5T_STRING) throw H5Error("dataset does not hold strings");
  const bool variable = H5Tis_variable_str(type.id()) > 0;
  const std::uint64_t n = checked_count(dataset, variable ? sizeof(char*) : H5Tget_size(type.id()));
  std::vector<std::string> out;
  if (variable) {
    std::vector<char*> ptrs(static_cast<std::size_t>(n));
    Handle mem = string_type();
    if (n) check(H5Dread(dataset, mem.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "read strings", 0);
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    Handle space(H5Dget_space(dataset), H5Sclose);
    if (n) H5Dvlen_reclaim(mem.id(), space.id(), H5P_DEFAULT, ptrs.data());
  } else {
    std::size_t len = H5Tget_size(type.id());
    std::vector<char> buf(static_cast<std::size_t>(n) * len);
    if (n) check(H5Dread(dataset, type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), "read strings", 0);
    for (std::uint64_t i = 0; i < n; ++i) {
      std::string s(buf.data() + i * len, len);
      s.erase(s.find_last_not_of('\0') + 1);
      out.push_back(s);
    }
  }
  return out;
}

double read_scalar(hid_t loc, const std::string& name) {
  Handle ds = open_dataset(loc, name);
  std::uint64_t n = 1;
  for (auto d : shape(ds.id())) n *= d;
  if (n != 1) throw H5Error(name + " is not a scalar");  // before reading what it declares
  std::vector<double> v = read_doubles(ds.id());
  if (v.size() != 1) throw H5Error(name + " is not a scalar");
  return v[0];
}

bool has_attr(hid_t obj, const std::string& name) { return H5Aexists(obj, name.c_str()) > 0; }

std::string get_attr_string(hid_t obj, const std::string& name) {
  Handle a(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "open attribute " + name), H5Aclose);
  Handle type(H5Aget_type(a.id()), H5Tclose);
  if (H5Tget_class(type.id()) != H5T_STRING) throw H5Error("attribute " + name + " is not a string");
  if (H5Tis_variable_str(type.id()) > 0) {
    char* p = nullptr;
    Handle mem = string_type();
    check(H5Aread(a.id(), mem.id(), &p), "read attribute " + name, 0);
    std::string s = p ? p : "";
    H5free_memory(p);
    return s;
  }
  std::size_t len = H5Tget_size(type.id());
  std::string s(len, '\0');
  check(H5Aread(a.id(), type.id(), &s[0]), "read attribute " + name, 0);
  s.erase(s.find_last_not_of('\0') + 1);
  return s;
}

std::vector<std::string> get_attr_strings(hid_t obj, const std::string& name) {
  Handle a(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "open attribute " + name), H5Aclose);
  Handle type(H5Aget_type(a.id()), H5Tclose);
  if (H5Tget_class(type.id()) != H5T_STRING) throw H5Error("attribute " + name + " is not a string");
  if (H5Tis_variable_str(type.id()) <= 0) return {get_attr_string(obj, name)};
  Handle space(check(H5Aget_space(a.id()), "get a dataspace"), H5Sclose);
  const hssize_t n = H5Sget_simple_extent_npoints(space.id());
  std::vector<std::string> out;
  if (n <= 0) return out;
  Handle mem = string_type();
  std::vector<char*> ptrs(static_cast<std::size_t>(n), nullptr);
  check(H5Aread(a.id(), mem.id(), ptrs.data()), "read attribute " + name, 0);
  for (char* p : ptrs) out.emplace_back(p ? p : "");
  H5Dvlen_reclaim(mem.id(), space.id(), H5P_DEFAULT, ptrs.data());
  return out;
}

void make_scale(hid_t loc, const std::string& scale, const std::string& scale_name) {
  Handle ds = open_dataset(loc, scale);
  check(H5DSset_scale(ds.id(), scale_name.c_str()), "make " + scale + " a dimension scale", 0);
}

void attach_scale(hid_t loc, const std::string& dataset, const std::string& scale, unsigned dim) {
  Handle d = open_dataset(loc, dataset);
  Handle s = open_dataset(loc, scale);
  check(H5DSattach_scale(d.id(), s.id(), dim), "attach the scale " + scale + " to " + dataset, 0);
}

std::string attached_scale(hid_t loc, const std::string& dataset, unsigned dim) {
  Handle d = open_dataset(loc, dataset);
  std::string found;
  auto visit = [](hid_t, unsigned, hid_t scale, void* out) -> herr_t {
    char name[256] = {0};
    if (H5DSget_scale_name(scale, name, sizeof name) < 0) return -1;
    *static_cast<std::string*>(out) = name;
    return 1;  // the first scale is enough
  };
  if (H5DSget_num_scales(d.id(), dim) <= 0) return "";
  if (H5DSiterate_scales(d.id(), dim, nullptr, visit, &found) < 0) return "";
  return found;
}

}  // namespace mindset::h5
