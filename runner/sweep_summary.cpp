// The sweep's summary: one row per run, in grid order, rebuilt from the run files every time, so
// it reads the same whatever --jobs, --shard split or MPI size produced the runs.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>

#include "h5.hpp"
#include "results.hpp"
#include "sweep_store.hpp"

namespace fs = std::filesystem;

namespace mindset {

namespace {

struct Column {
  std::string name;
  enum class Type { Text, Integer, Real } type = Type::Text;
  std::vector<std::string> text;  // CSV cells
  std::vector<std::int64_t> ints;
  std::vector<double> reals;
};

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos && (s.empty() || (s.front() != ' ' && s.back() != ' '))) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

Column text_column(std::string name, std::vector<std::string> cells) {
  Column c;
  c.name = std::move(name);
  c.text = std::move(cells);
  return c;
}

Column real_column(std::string name, const std::vector<double>& v, const std::vector<bool>& present) {
  Column c;
  c.name = std::move(name);
  c.type = Column::Type::Real;
  c.reals = v;
  for (std::size_t i = 0; i < v.size(); ++i) c.text.push_back(present[i] ? format_double(v[i]) : "");
  return c;
}

// A swept key's column: integers or reals when every value is one, text otherwise.
Column key_column(const std::string& key, const std::vector<const ConfigNode*>& values) {
  Column c;
  c.name = key;
  bool ints = true, reals = true;
  for (const ConfigNode* v : values) {
    const bool plain = v->is_scalar() && !v->quoted();
    ints &= plain && v->is_integer();
    reals &= plain && v->is_number();
    c.text.push_back(format_value(*v));
  }
  if (ints) {
    c.type = Column::Type::Integer;
    for (const ConfigNode* v : values) c.ints.push_back(v->as_integer());
  } else if (reals) {
    c.type = Column::Type::Real;
    for (const ConfigNode* v : values) c.reals.push_back(v->as_number());
  }
  return c;
}

// The summary file's bytes, built in memory like results files (HDF5 1.10 recovers badly from a
// failed write to disk: a full disk must be an error message, not a crash at exit).
std::vector<unsigned char> summary_image(const Manifest& m, const std::vector<Column>& cols) {
  h5::Handle f = h5::create_memory_file();
  h5::set_attr(f.id(), "mindset_version", std::string(kMindsetVersion));
  h5::set_attr(f.id(), "name", m.name);
  h5::set_attr(f.id(), "sweep", m.sweep_text);
  h5::set_attr(f.id(), "sweep_file", m.sweep_file);
  h5::set_attr(f.id(), "overrides", m.overrides);
  h5::set_attr(f.id(), "keys", m.keys);
  // Columns keep the order they were written in (h5py iterates in creation order when tracked).
  hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
  H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  h5::Handle g(H5Gcreate2(f.id(), "summary", H5P_DEFAULT, gcpl, H5P_DEFAULT), H5Gclose);
  H5Pclose(gcpl);
  if (!g) throw h5::H5Error("cannot create the group /summary");
  std::vector<std::string> names;
  for (const Column& c : cols) {
    if (c.type == Column::Type::Integer) h5::write_vector(g.id(), c.name, c.ints);
    else if (c.type == Column::Type::Real) h5::write_vector(g.id(), c.name, c.reals);
    else h5::write_strings(g.id(), c.name, c.text);
    names.push_back(c.name);
  }
  h5::set_attr(g.id(), "columns", names);
  // run_id is the dimension scale of every column: xarray (h5netcdf) opens /summary as a
  // Dataset indexed by run_id.
  h5::make_scale(g.id(), "run_id", "run_id");
  for (const Column& c : cols)
    if (c.name != "run_id") h5::attach_scale(g.id(), c.name, "run_id");
  g.reset();
  return h5::close_to_image(f);
}

}  // namespace

SummaryCounts write_summary(const SweepDir& dir, const Manifest& m) {
  const std::size_t n = m.runs.size();
  std::vector<RunRecord> recs;
  for (const auto& r : m.runs) recs.push_back(inspect_run(dir, r));

  SummaryCounts counts;
  std::vector<std::string> ids, status, files, errors;
  for (std::size_t i = 0; i < n; ++i) {
    const RunRecord& r = recs[i];
    ids.push_back(m.runs[i].id);
    status.push_back(r.status);
    files.push_back(r.file);
    errors.push_back(r.error);
    if (r.state == RunRecord::State::Pending) ++counts.pending;
    else if (is_success(r.status)) ++counts.completed;
    else {
      ++counts.failed;
      counts.failures.emplace_back(m.runs[i].id, r.status + (r.error.empty() ? "" : ": " + r.error));
    }
  }
  std::vector<Column> cols;
  cols.push_back(text_column("run_id", ids));
  for (std::size_t k = 0; k < m.keys.size(); ++k) {
    std::vector<const ConfigNode*> values;
    for (const auto& r : m.runs) values.push_back(&r.values[k]);
    cols.push_back(key_column(m.keys[k], values));
  }
  cols.push_back(text_column("status", status));
  // Metrics: the standard three, then any others the results files hold.
  std::vector<std::string> metrics = {"final_cost", "train_accuracy", "test_accuracy"};
  std::set<std::string> extra;
  for (const auto& r : recs)
    for (const auto& kv : r.metrics)
      if (std::find(metrics.begin(), metrics.end(), kv.first) == metrics.end()) extra.insert(kv.first);
  metrics.insert(metrics.end(), extra.begin(), extra.end());
  for (const auto& name : metrics) {
    std::vector<double> v(n, std::nan(""));
    std::vector<bool> present(n, false);
    for (std::size_t i = 0; i < n; ++i)
      if (auto it = recs[i].metrics.find(name); it != recs[i].metrics.end()) v[i] = it->second, present[i] = true;
    cols.push_back(real_column(name, v, present));
  }
  {
    std::vector<double> v(n);
    std::vector<bool> present(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = recs[i].wall_seconds, present[i] = !std::isnan(v[i]);
    cols.push_back(real_column("wall_seconds", v, present));
  }
  cols.push_back(text_column("file", files));
  cols.push_back(text_column("error", errors));

  std::string csv;
  for (std::size_t c = 0; c < cols.size(); ++c) csv += (c ? "," : "") + csv_cell(cols[c].name);
  csv += "\n";
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t c = 0; c < cols.size(); ++c) csv += (c ? "," : "") + csv_cell(cols[c].text[i]);
    csv += "\n";
  }
  write_file_atomic(dir.root + "/summary.csv", csv);

  remove_stale_temp_files(dir.root + "/summary.h5");  // of sweeps killed mid-write
  write_atomically(dir.root + "/summary.h5", "summary",
                   [&](const std::string& tmp) { h5::write_image(tmp, summary_image(m, cols)); });
  return counts;
}

}  // namespace mindset
