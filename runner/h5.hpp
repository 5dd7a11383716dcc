// Thin RAII over the HDF5 C API: handles that close themselves, and the few typed reads and
// writes mindset needs. HDF5's own error printing is turned off; failures throw H5Error with
// what was being done.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace mindset::h5 {

class H5Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Silences HDF5's automatic error stack printing (call once at start-up).
void quiet();

class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*closer)(hid_t)) : id_(id), close_(closer) {}
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }
  void reset();
  hid_t release() {  // gives up ownership without closing
    hid_t id = id_;
    id_ = -1;
    return id;
  }
  hid_t id() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

Handle open_file(const std::string& path, bool write = false);
Handle create_file(const std::string& path);  // truncates
void close_file(Handle& f);                    // close and report write errors (flushes)
// A file built in memory (core driver, no backing store) and its bytes: writing them to disk is
// then the caller's plain write(), whose failures (ENOSPC, EFBIG) leave HDF5's state clean.
Handle create_memory_file();
std::vector<unsigned char> close_to_image(Handle& f);
// Writes an image to a new file at `path` (O_EXCL) and fsyncs it; throws H5Error with the
// system's reason (no space, file too large).
void write_image(const std::string& path, const std::vector<unsigned char>& bytes);
Handle open_group(hid_t loc, const std::string& name);
Handle create_group(hid_t loc, const std::string& name);
Handle open_dataset(hid_t loc, const std::string& name);
bool exists(hid_t loc, const std::string& path);  // every component of a/b/c
std::vector<std::uint64_t> shape(hid_t dataset);
// Paths of the datasets under a group, recursively ("a/b/x"), in name order; at most `limit`
// of them and `max_depth` groups deep (a hostile file cannot make the walk endless).
std::vector<std::string> list_datasets(hid_t loc, std::size_t limit = static_cast<std::size_t>(-1), int max_depth = 32);

// Writes. Datasets are contiguous; strings are variable-length UTF-8.
void write_matrix(hid_t loc, const std::string& name, const double* data, std::size_t rows, std::size_t cols);
void write_vector(hid_t loc, const std::string& name, const std::vector<double>& v);
void write_vector(hid_t loc, const std::string& name, const std::vector<std::int64_t>& v);
void write_strings(hid_t loc, const std::string& name, const std::vector<std::string>& v);
void write_scalar(hid_t loc, const std::string& name, double v);
void write_scalar(hid_t loc, const std::string& name, std::int64_t v);
void set_attr(hid_t obj, const std::string& name, const std::string& value);
void set_attr(hid_t obj, const std::string& name, double value);
void set_attr(hid_t obj, const std::string& name, std::int64_t value);
void set_attr(hid_t obj, const std::string& name, const std::vector<std::string>& value);

// Reads.
std::vector<double> read_doubles(hid_t dataset);  // any integer or float type, converted
std::vector<std::string> read_strings(hid_t dataset);  // fixed or variable length
double read_scalar(hid_t loc, const std::string& name);
std::string get_attr_string(hid_t obj, const std::string& name);
std::vector<std::string> get_attr_strings(hid_t obj, const std::string& name);  // a string array (or one string)
bool has_attr(hid_t obj, const std::string& name);

// Dimension scales (H5DS, hdf5_hl): `scale` (a 1-D dataset in `loc`) becomes the scale named
// `scale_name`, and is attached as dimension `dim` of `dataset`. netCDF-4 readers (xarray with
// h5netcdf, netCDF4) then see the scale as a coordinate and the dataset indexed by it.
void make_scale(hid_t loc, const std::string& scale, const std::string& scale_name);
void attach_scale(hid_t loc, const std::string& dataset, const std::string& scale, unsigned dim = 0);
// The name of the scale attached to dimension `dim` of `dataset` ("" when none).
std::string attached_scale(hid_t loc, const std::string& dataset, unsigned dim = 0);

}  // namespace mindset::h5
