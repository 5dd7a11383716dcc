#include "sweep_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <algorithm>
#include <fstream>

#include "h5.hpp"
#include "results.hpp"
#include "yaml_tree.hpp"

namespace fs = std::filesystem;

namespace mindset {

namespace {

constexpr const char* kManifestFormat = "mindset-sweep-manifest 1";

ConfigNode strings_node(const std::vector<std::string>& v) {
  ConfigNode n = ConfigNode::sequence();
  for (const auto& s : v) n.items().push_back(ConfigNode::of(s));
  return n;
}

std::vector<std::string> strings_of(const ConfigNode* n) {
  std::vector<std::string> out;
  if (n && n->is_sequence())
    for (const auto& i : n->items()) out.push_back(i.text());
  return out;
}

double attr_double(hid_t obj, const std::string& name) {
  if (!h5::has_attr(obj, name)) return std::numeric_limits<double>::quiet_NaN();
  hid_t a = H5Aopen(obj, name.c_str(), H5P_DEFAULT);
  if (a < 0) return std::numeric_limits<double>::quiet_NaN();
  double v = std::numeric_limits<double>::quiet_NaN();
  if (H5Aread(a, H5T_NATIVE_DOUBLE, &v) < 0) v = std::numeric_limits<double>::quiet_NaN();
  H5Aclose(a);
  return v;
}

// The scalars under /metrics, by name.
std::map<std::string, double> read_metrics(hid_t file) {
  std::map<std::string, double> out;
  if (!h5::exists(file, "metrics")) return out;
  h5::Handle g = h5::open_group(file, "metrics");
  H5G_info_t info;
  if (H5Gget_info(g.id(), &info) < 0) return out;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    char name[256];
    if (H5Lget_name_by_idx(g.id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT) < 0) continue;
    try {
      out[name] = h5::read_scalar(g.id(), name);
    } catch (const h5::H5Error&) {
    }
  }
  return out;
}

}  // namespace

bool is_success(const std::string& status) { return status == "completed" || status == "early_stopped"; }

void write_file_atomic(const std::string& path, const std::string& text) {
  remove_stale_temp_files(path);  // of writers killed mid-write
  write_atomically(path, fs::path(path).filename().string(), [&](const std::string& tmp) {
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error(std::string("cannot create ") + tmp + ": " + std::strerror(errno));
    std::size_t done = 0;
    while (done < text.size()) {
      ssize_t n = ::write(fd, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int err = n < 0 ? errno : ENOSPC;
        ::close(fd);
        throw std::runtime_error(std::strerror(err));
      }
      done += static_cast<std::size_t>(n);
    }
    // fsync and close report a full disk on some file systems (NFS) where write did not.
    const int synced = ::fsync(fd) == 0 ? 0 : errno;
    if (::close(fd) != 0 || synced) throw std::runtime_error(std::strerror(synced ? synced : errno));
  });
}

Manifest manifest_of(const SweepPlan& plan) {
  Manifest m;
  m.name = plan.name;
  m.sweep_file = plan.file;
  m.sweep_text = plan.text;
  m.overrides = plan.overrides;
  m.keys = plan.keys;
  for (const auto& r : plan.runs) m.runs.push_back({r.id, r.hash, r.values});
  return m;
}

void write_manifest(const SweepDir& dir, const Manifest& m) {
  ConfigNode root = ConfigNode::map();
  root.set("format", ConfigNode::of(kManifestFormat));
  root.set("name", ConfigNode::of(m.name));
  root.set("sweep_file", ConfigNode::of(m.sweep_file));
  root.set("overrides", strings_node(m.overrides));
  root.set("keys", strings_node(m.keys));
  ConfigNode runs = ConfigNode::sequence();
  for (const auto& r : m.runs) {
    ConfigNode e = ConfigNode::map();
    e.set("id", ConfigNode::of(r.id));
    e.set("hash", ConfigNode::of(r.hash));
    ConfigNode values = ConfigNode::sequence();
    values.items() = r.values;
    e.set("values", values);
    runs.items().push_back(e);
  }
  root.set("runs", runs);
  root.set("sweep", ConfigNode::of(m.sweep_text));
  write_file_atomic(dir.manifest(), "# Written by mindset sweep: the runs of this folder. Do not edit.\n" + emit_yaml(root));
}

Manifest read_manifest(const SweepDir& dir) {
  std::error_code ec;
  if (!fs::exists(dir.manifest(), ec))
    throw UserError(dir.root + " holds no sweep (no manifest.yaml); run `mindset sweep SWEEP.yaml -o " + dir.root + "` first");
  // The manifest is mindset's own file and grows with the sweep (up to kMaxRuns runs, each with
  // its values): a config's 1 MiB limit would make big sweeps impossible to resume.
  YamlLimits limits;
  limits.max_bytes = std::size_t(256) << 20;
  limits.max_nodes = std::size_t(20) << 20;
  limits.max_depth += 8;  // a swept subtree sits deeper in the manifest than in the sweep file
  ConfigNode root = load_yaml_file(dir.manifest(), limits);
  const ConfigNode* fmt = root.is_map() ? root.find("format") : nullptr;
  if (!fmt || fmt->text() != kManifestFormat)
    throw UserError(Mark{std::make_shared<const std::string>(dir.manifest()), 1, 1, false}, "format",
                    "not a mindset sweep manifest (expected format '" + std::string(kManifestFormat) + "')");
  Manifest m;
  auto text = [&](const char* k) { const ConfigNode* n = root.find(k); return n && n->is_scalar() ? n->text() : std::string(); };
  m.name = text("name");
  m.sweep_file = text("sweep_file");
  m.sweep_text = text("sweep");
  m.overrides = strings_of(root.find("overrides"));
  m.keys = strings_of(root.find("keys"));
  const ConfigNode* runs = root.find("runs");
  if (runs && runs->is_sequence())
    for (const auto& r : runs->items()) {
      const ConfigNode* values = r.is_map() ? r.find("values") : nullptr;
      if (!values || !values->is_sequence() || values->items().size() != m.keys.size() || !r.has("id") || !r.has("hash"))
        throw UserError(r.mark(), "runs", "malformed run entry in the manifest");
      ManifestRun mr{r.get_string("id"), r.get_string("hash"), values->items()};
      if (id_safe(mr.id, 1000) != mr.id || mr.id.empty() || mr.id[0] == '.')
        throw UserError(r.mark(), "runs", "unsafe run id '" + mr.id + "' in the manifest");
      m.runs.push_back(std::move(mr));
    }
  return m;
}

std::string manifest_difference(const Manifest& before, const Manifest& now) {
  auto ids = [](const Manifest& m) {
    std::vector<std::string> v;
    for (const auto& r : m.runs) v.push_back(r.id + "#" + r.hash);
    return v;
  };
  std::vector<std::string> a = ids(before), b = ids(now);
  if (a == b && before.keys == now.keys) return "";
  std::vector<std::string> added, removed;
  for (const auto& r : now.runs)
    if (std::find(a.begin(), a.end(), r.id + "#" + r.hash) == a.end()) added.push_back(r.id);
  for (const auto& r : before.runs)
    if (std::find(b.begin(), b.end(), r.id + "#" + r.hash) == b.end()) removed.push_back(r.id);
  auto some = [](const std::vector<std::string>& v) {
    std::string s;
    for (std::size_t i = 0; i < v.size() && i < 3; ++i) s += (i ? ", " : "") + v[i];
    return s + (v.size() > 3 ? ", ..." : "");
  };
  std::string d;
  if (!added.empty()) d += std::to_string(added.size()) + " run(s) not in it (" + some(added) + ")";
  if (!removed.empty()) d += (d.empty() ? "" : "; ") + std::to_string(removed.size()) + " of its runs gone (" + some(removed) + ")";
  if (d.empty()) d = "the same runs in another order or with other swept keys";
  return d;
}

RunRecord inspect_run(const SweepDir& dir, const ManifestRun& run) {
  RunRecord rec;
  const std::string path = dir.run_file(run.id);
  std::error_code ec;
  if (fs::exists(path, ec)) {
    try {
      h5::Handle f = h5::open_file(path);
      std::string status = h5::get_attr_string(f.id(), "status");
      std::string hash = config_hash(parse_yaml(h5::get_attr_string(f.id(), "config"), nullptr));
      const bool finished = is_success(status) || status == "diverged";
      if (finished && hash != run.hash) {
        rec.state = RunRecord::State::Foreign;
        rec.status = "conflict";
        rec.error = "runs/" + run.id + ".h5 holds another config's results (hash " + hash + ", this run's is " + run.hash +
                    "); it is left as it is";
        return rec;
      }
      if (finished) {
        rec.state = RunRecord::State::Done;
        rec.status = status;
        rec.metrics = read_metrics(f.id());
        rec.wall_seconds = attr_double(f.id(), "wall_seconds");
        rec.file = "runs/" + run.id + ".h5";
        if (status == "diverged" && h5::has_attr(f.id(), "stop_reason")) rec.error = h5::get_attr_string(f.id(), "stop_reason");
        return rec;
      }
    } catch (const std::exception&) {
      // Unreadable: not a finished run; it is run again.
    }
  }
  if (fs::exists(dir.failure_file(run.id), ec)) {
    try {
      ConfigNode f = load_yaml_file(dir.failure_file(run.id));
      if (f.is_map() && f.has("hash") && f.get_string("hash") == run.hash) {
        rec.state = RunRecord::State::Failed;
        rec.status = f.has("status") ? f.get_string("status") : "failed";
        rec.error = f.has("error") ? f.get_string("error") : "";
        if (const ConfigNode* w = f.find("wall_seconds"); w && w->is_number()) rec.wall_seconds = w->as_number();
      }
    } catch (const std::exception&) {
    }
  }
  return rec;
}

void record_failure(const SweepDir& dir, const ManifestRun& run, const std::string& status, const std::string& error,
                    double wall_seconds) {
  ConfigNode f = ConfigNode::map();
  f.set("id", ConfigNode::of(run.id));
  f.set("hash", ConfigNode::of(run.hash));
  f.set("status", ConfigNode::of(status));
  f.set("error", ConfigNode::of(error));
  f.set("wall_seconds", ConfigNode::of(wall_seconds));
  write_file_atomic(dir.failure_file(run.id), emit_yaml(f));
}

void clear_failure(const SweepDir& dir, const std::string& id) {
  std::error_code ec;
  fs::remove(dir.failure_file(id), ec);
}

void remove_stale_temps(const SweepDir& dir, const std::string& id) {
  std::error_code ec;
  for (const std::string& prefix : {"." + id + ".h5.tmp-", "." + id + ".failed.tmp-"})
    for (fs::directory_iterator it(dir.runs(), ec), end; !ec && it != end; it.increment(ec))
      if (it->path().filename().string().rfind(prefix, 0) == 0) fs::remove(it->path(), ec);
}

}  // namespace mindset
