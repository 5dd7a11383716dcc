#include "results.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <csignal>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <random>

#include "data_results.hpp"
#include "h5.hpp"
#include "results_layout.hpp"
#include "signals.hpp"
#include "yaml_tree.hpp"

namespace fs = std::filesystem;

namespace mindset {

const char* const kMindsetVersion = "0.1.0";

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string safe_file_name(const std::string& name) {
  std::string s;
  for (unsigned char c : name) {
    bool ok = std::isalnum(c) || c == '.' || c == '_' || c == '-' || c == '+' || c == '=' || c == ',' || c == '@';
    s += ok ? static_cast<char>(c) : '_';
  }
  std::size_t lead = s.find_first_not_of('.');
  s = lead == std::string::npos ? "" : s.substr(lead);
  if (s.size() > 200) s.resize(200);
  return s.empty() ? "run" : s;
}

void prepare_output(const std::string& path) {
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create the output folder " + dir.string() + ": " + ec.message());
  if (fs::is_directory(path, ec)) throw std::runtime_error("the output path " + path + " is a folder");
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw std::runtime_error("cannot write to the output folder " + dir.string() + ": " + std::strerror(errno));
}

namespace {

void fsync_path(const std::string& path, bool directory) {
  int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// This machine's name, as temporary file names carry it (file-name safe).
const std::string& host_name() {
  static const std::string name = [] {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0 || !buf[0]) return std::string("localhost");
    std::string h;
    for (unsigned char c : std::string(buf)) h += std::isalnum(c) || c == '-' || c == '.' ? static_cast<char>(c) : '_';
    return h;
  }();
  return name;
}

}  // namespace

std::string temp_path(const std::string& path) {
  std::random_device rd;
  char suffix[48];
  std::snprintf(suffix, sizeof suffix, ".tmp-%d-%08x@", static_cast<int>(::getpid()), rd());
  fs::path p(path);
  return (p.parent_path() / ("." + p.filename().string() + suffix + host_name())).string();
}

std::size_t remove_stale_temp_files(const std::string& path) {
  const fs::path p(path);
  const std::string prefix = "." + p.filename().string() + ".tmp-";
  const fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  std::size_t removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    char* rest = nullptr;
    const long pid = std::strtol(name.c_str() + prefix.size(), &rest, 10);
    // Another machine's writer (a shard on a shared file system) may be alive: its pid means
    // nothing here. Names without a host are from this machine (older mindset versions).
    const std::size_t at = name.find('@', prefix.size());
    if (at != std::string::npos && name.compare(at + 1, std::string::npos, host_name()) != 0) continue;
    std::error_code rm;
    if (pid > 0 && rest && *rest == '-' && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH &&
        fs::remove(it->path(), rm))
      ++removed;
  }
  return removed;
}

namespace {

void write_attributes_map(hid_t obj, const ConfigNode& map) {
  for (const auto& [k, v] : map.entries()) {
    if (v.is_integer()) h5::set_attr(obj, k, static_cast<std::int64_t>(v.as_integer()));
    else if (v.is_number() && !v.quoted()) h5::set_attr(obj, k, v.as_number());
    else if (v.is_scalar()) h5::set_attr(obj, k, v.text());
    else h5::set_attr(obj, k, emit_flow(v));
  }
}

// How the run went: why it stopped, how far it got, whether it was resumed.
void write_run_attributes(hid_t root, const TrainOutcome& out) {
  h5::set_attr(root, "stop_reason", out.stop_reason);
  h5::set_attr(root, "iterations_done", static_cast<std::int64_t>(out.iterations_done));
  h5::set_attr(root, "epochs_done", static_cast<std::int64_t>(out.epochs_done));
  if (out.diverged_at) h5::set_attr(root, "diverged_at", static_cast<std::int64_t>(*out.diverged_at));
  if (out.signal) h5::set_attr(root, "interrupted_by", std::string(out.signal == SIGTERM ? "SIGTERM" : "SIGINT"));
  if (out.resumed_from >= 0) h5::set_attr(root, "resumed_from", static_cast<std::int64_t>(out.resumed_from));
  if (out.best_epoch) {
    h5::set_attr(root, "best_epoch", static_cast<std::int64_t>(*out.best_epoch));
    h5::set_attr(root, "best_iteration", static_cast<std::int64_t>(*out.best_iteration));
  }
  h5::set_attr(root, "stopped_early", static_cast<std::int64_t>(out.stopped_early ? 1 : 0));
  // For benchmarks: the loop alone (no data loading, setup, final evaluation or writing).
  h5::set_attr(root, "loop_seconds", out.loop_seconds);
  h5::set_attr(root, "loop_iterations", static_cast<std::int64_t>(out.loop_iterations));
}

// /history beyond the core's: the learning rate of each recorded iteration, per-epoch means,
// and the validation split at each epoch's end.
void write_training_history(hid_t hist, const TrainOutcome& out, bool validation) {
  const History& h = out.history;
  h5::write_vector(hist, "learning_rate", h.learning_rate);
  {
    h5::Handle lr = h5::open_dataset(hist, "learning_rate");
    h5::set_attr(lr.id(), "long_name", out.learning_rate_description);
  }
  h5::write_vector(hist, "epoch", h.epoch);
  h5::write_vector(hist, "epoch_iteration", h.epoch_iteration);
  h5::write_vector(hist, "epoch_cost", h.epoch_cost);
  h5::write_vector(hist, "epoch_train_" + out.metric, h.epoch_metric);
  {
    h5::Handle c = h5::open_dataset(hist, "epoch_cost");
    h5::set_attr(c.id(), "long_name", "mean cost of the epoch's mini-batches, as trained (dropout on)");
  }
  if (validation) {
    h5::write_vector(hist, "validation_cost", h.validation_cost);
    h5::write_vector(hist, "validation_" + out.metric, h.validation_metric);
  }
}

// Builds the whole file in memory and returns its bytes; nothing touches the disk here (HDF5 1.10
// recovers badly from failed disk writes: after a failed close it crashes at exit).
std::vector<unsigned char> build_file(const Experiment& e, const DataBundle& data, const TrainOutcome& out,
                                      const RunInfo& info) {
  h5::Handle f = h5::create_memory_file();
  hid_t root = f.id();
  h5::set_attr(root, "mindset_version", std::string(kMindsetVersion));
  h5::set_attr(root, "format_version", static_cast<std::int64_t>(kFormatVersion));
  h5::set_attr(root, "name", e.name);
  h5::set_attr(root, "status", out.status);
  h5::set_attr(root, "config", e.yaml());
  h5::set_attr(root, "overrides", e.overrides);
  h5::set_attr(root, "seed", static_cast<std::int64_t>(e.resolved.get_integer("seed")));
  h5::set_attr(root, "started_at", info.started_at);
  h5::set_attr(root, "finished_at", info.finished_at);
  h5::set_attr(root, "wall_seconds", info.wall_seconds);
  write_run_attributes(root, out);

  h5::Handle model = h5::create_group(root, "model");
  h5::set_attr(model.id(), "input_size", static_cast<std::int64_t>(out.input_size));
  h5::set_attr(model.id(), "parameter_count", static_cast<std::int64_t>(out.parameter_count));
  for (std::size_t l = 0; l < out.layers.size(); ++l) {
    h5::Handle g = h5::create_group(model.id(), "layer_" + std::to_string(l + 1));
    write_attributes_map(g.id(), out.layers[l]);
  }
  for (const auto& [name, value] : out.parameters)
    h5::write_matrix(model.id(), name, value.data(), value.shape()[0], value.shape()[1]);

  h5::Handle hist = h5::create_group(root, "history");
  const History& h = out.history;
  h5::write_vector(hist.id(), "iteration", h.iteration);
  h5::write_vector(hist.id(), "cost", h.cost);
  h5::write_vector(hist.id(), "evaluated_at", h.evaluated_at);
  h5::write_vector(hist.id(), "train_" + out.metric, h.train_metric);
  if (data.test) h5::write_vector(hist.id(), "test_" + out.metric, h.test_metric);
  {
    h5::Handle c = h5::open_dataset(hist.id(), "cost");
    h5::set_attr(c.id(), "long_name", out.cost_description);
  }
  write_training_history(hist.id(), out, data.validation.has_value());

  h5::Handle metrics = h5::create_group(root, "metrics");
  h5::write_scalar(metrics.id(), "final_cost", out.final_cost);
  h5::write_scalar(metrics.id(), "train_" + out.metric, out.train_metric);
  if (out.test_metric) h5::write_scalar(metrics.id(), "test_" + out.metric, *out.test_metric);
  if (out.validation_metric) h5::write_scalar(metrics.id(), "validation_" + out.metric, *out.validation_metric);

  write_data_group(root, data);
  describe_results(root, out);
  metrics.reset();
  hist.reset();
  model.reset();
  return h5::close_to_image(f);
}

}  // namespace

void write_atomically(const std::string& path, const std::string& what,
                      const std::function<void(const std::string&)>& write) {
  const std::string tmp = temp_path(path);
  TempFileGuard guard(tmp);  // a second Ctrl-C during the write removes the temporary file
  try {
    write(tmp);  // writers fsync what they write (h5::write_image)
  } catch (const std::exception& ex) {
    ::unlink(tmp.c_str());
    throw std::runtime_error("writing " + what + " to " + path + " failed: " + ex.what());
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw std::runtime_error("cannot move the " + what + " into place at " + path + ": " + std::strerror(err));
  }
  std::string dir = fs::path(path).parent_path().string();
  fsync_path(dir.empty() ? "." : dir, true);
}

void write_results(const std::string& path, const Experiment& e, const DataBundle& data, const TrainOutcome& out,
                   const RunInfo& info) {
  write_atomically(path, "results", [&](const std::string& tmp) { h5::write_image(tmp, build_file(e, data, out, info)); });
}

}  // namespace mindset
