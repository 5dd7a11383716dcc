// mindset inspect: a readable summary of a results file, or a table of the runs of a sweep
// folder (its summary.h5) or of any folder of results files, sorted by a metric, best marked.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>

#include "analysis_commands.hpp"
#include "commands.hpp"
#include "h5.hpp"
#include "isolate.hpp"
#include "registry.hpp"
#include "run_file.hpp"
#include "yaml_tree.hpp"

namespace fs = std::filesystem;

namespace mindset {

namespace {

std::string number(double v, const char* fmt = "%.6g") {
  if (std::isnan(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

std::string object_name(const ConfigNode* n) {
  if (!n) return "";
  if (n->is_scalar()) return n->text();
  if (const ConfigNode* t = n->find("type")) return t->text();
  return emit_flow(*n);
}

std::string training_text(const ConfigNode& cfg) {
  const ConfigNode* t = cfg.find("training");
  if (!t) return "";
  std::string s = object_name(t->find("optimizer"));
  if (const ConfigNode* lr = t->find("learning_rate")) s += ", learning rate " + lr->text();
  if (const ConfigNode* sc = t->find("schedule"); sc && object_name(sc) != "constant") s += " (" + object_name(sc) + ")";
  if (const ConfigNode* it = t->find("iterations")) s += ", " + it->text() + " iterations";
  if (const ConfigNode* ep = t->find("epochs")) s += ", " + ep->text() + " epochs";
  if (const ConfigNode* bs = t->find("batch_size")) s += ", batch size " + bs->text();
  if (const ConfigNode* l2 = t->find("l2"); l2 && l2->is_number() && l2->as_number() != 0) s += ", l2 " + l2->text();
  if (const ConfigNode* loss = cfg.find("loss")) s += "; loss " + object_name(loss);
  return s;
}

void print_run(const RunFile& r) {
  std::printf("%s  (%s)\n", r.name.c_str(), r.path.c_str());
  auto row = [](const char* key, const std::string& value) {
    if (!value.empty()) std::printf("  %-13s %s\n", key, value.c_str());
  };
  // "completed 3000 iterations (3000 epochs)", "diverged at iteration 41: ...", "completed: stopped early ..."
  std::string status = r.stop_reason.rfind(r.status + " ", 0) == 0 ? r.stop_reason
                       : r.stop_reason.empty()                      ? r.status
                                                                    : r.status + ": " + r.stop_reason;
  row("status", status);
  row("architecture", r.architecture() + " (" + r.activations() + "), " + std::to_string(r.parameter_count) +
                          " parameters");
  std::size_t fan_in = r.input_size;
  for (std::size_t l = 0; l < r.layers.size(); ++l) {
    const ConfigNode& a = r.layers[l];
    std::string text = std::to_string(l + 1) + ": " + object_name(a.find("type"));
    const ConfigNode* units = a.find("units");
    const std::size_t u = units && units->is_integer() ? static_cast<std::size_t>(units->as_integer()) : fan_in;
    if (const ConfigNode* act = a.find("activation")) {
      text += ", " + std::to_string(u) + (u == 1 ? " unit, " : " units, ") + act->text() + "  W (" + std::to_string(u) + ", " +
              std::to_string(fan_in) + "), b (" + std::to_string(u) + ", 1)";
    } else if (const ConfigNode* rate = a.find("rate")) {
      text += ", rate " + rate->text();
    }
    row(l == 0 ? "layers" : "", text);
    fan_in = u;
  }
  std::string training = training_text(r.config);
  if (const ConfigNode* seed = r.config.find("seed")) training += "; seed " + seed->text();
  training += "; " + r.dtype();
  row("training", training);
  for (const auto& [split, text] : r.splits) row(split == "train" ? "data" : "", split + ": " + text);
  std::string metrics;
  for (const auto& [name, value] : r.metrics) metrics += (metrics.empty() ? "" : ", ") + name + " " + number(value, "%.6g");
  row("metrics", metrics);
  std::string wall = number(r.wall_seconds, "%.3g") + " s";
  if (!r.started_at.empty()) wall += " (" + r.started_at + " → " + r.finished_at + ")";
  row("wall time", wall);
  std::string iters;
  auto count = [](long long n, const char* what) { return std::to_string(n) + " " + what + (n == 1 ? "" : "s"); };
  if (r.iterations_done >= 0) iters = count(r.iterations_done, "iteration");
  if (r.epochs_done >= 0) iters += ", " + count(r.epochs_done, "epoch");
  row("done", iters);
  std::string ov;
  for (const auto& o : r.overrides) ov += (ov.empty() ? "" : " ") + o;
  row("overrides", ov);
  row("written by", r.mindset_version.empty() ? "" : "mindset " + r.mindset_version);
}

// A table: named columns of text cells, numeric values where a column has them.
struct Table {
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> cells;  // per column
  std::vector<std::vector<double>> values;      // per column; empty for text columns
  std::vector<std::string> keys;                // the swept keys (a sweep's summary)
  std::size_t rows() const { return cells.empty() ? 0 : cells[0].size(); }
  long column(const std::string& name) const {
    auto it = std::find(names.begin(), names.end(), name);
    return it == names.end() ? -1 : static_cast<long>(it - names.begin());
  }
};

Table summary_here(const std::string& path) {
  Table t;
  try {
    h5::Handle f = h5::open_file(path);
    if (!h5::exists(f.id(), "summary")) throw UserError(path + ": no /summary group; not a sweep summary");
    h5::Handle g = h5::open_group(f.id(), "summary");
    if (!h5::has_attr(g.id(), "columns")) throw UserError(path + ": /summary has no `columns` attribute");
    const std::vector<std::string> order = h5::get_attr_strings(g.id(), "columns");
    for (const auto& name : order) {
      h5::Handle ds = h5::open_dataset(g.id(), name);
      h5::Handle type(H5Dget_type(ds.id()), H5Tclose);
      t.names.push_back(name);
      if (H5Tget_class(type.id()) == H5T_STRING) {
        t.cells.push_back(h5::read_strings(ds.id()));
        t.values.emplace_back();
      } else {
        std::vector<double> v = h5::read_doubles(ds.id());
        std::vector<std::string> text;
        const bool integer = H5Tget_class(type.id()) == H5T_INTEGER;
        for (double x : v) text.push_back(number(x, integer ? "%.0f" : name == "wall_seconds" ? "%.3g" : "%.6g"));
        t.cells.push_back(std::move(text));
        t.values.push_back(std::move(v));
      }
    }
    if (h5::has_attr(f.id(), "keys")) t.keys = h5::get_attr_strings(f.id(), "keys");
  } catch (const h5::H5Error& e) {
    throw UserError(path + ": cannot read the sweep summary: " + e.what());
  }
  return t;
}

// A sweep's summary.h5, first read in a child process (a damaged file may crash libhdf5).
Table read_summary(const std::string& path) {
  screen_file(path, [&] { summary_here(path); });
  return summary_here(path);
}

// A table of the results files in a folder (not a sweep): name, status and metrics.
Table table_of_runs(const std::string& dir, const std::vector<std::string>& files) {
  std::vector<RunFile> runs;
  for (const auto& f : files) runs.push_back(read_run_file(f));
  Table t;
  std::vector<std::string> metrics;
  for (const auto& r : runs)
    for (const auto& [m, v] : r.metrics)
      if (std::find(metrics.begin(), metrics.end(), m) == metrics.end()) metrics.push_back(m);
  t.names = {"file", "name", "status", "architecture"};
  t.cells.resize(4);
  t.values.resize(4);
  for (const auto& r : runs) {
    t.cells[0].push_back(fs::relative(r.path, dir).string());
    t.cells[1].push_back(r.name);
    t.cells[2].push_back(r.status);
    t.cells[3].push_back(r.architecture());
  }
  for (const auto& m : metrics) {
    t.names.push_back(m);
    std::vector<double> v;
    std::vector<std::string> text;
    for (const auto& r : runs) {
      const double* x = r.metric(m);
      v.push_back(x ? *x : std::nan(""));
      text.push_back(number(v.back()));
    }
    t.cells.push_back(std::move(text));
    t.values.push_back(std::move(v));
  }
  t.names.push_back("wall_seconds");
  std::vector<double> w;
  std::vector<std::string> wt;
  for (const auto& r : runs) w.push_back(r.wall_seconds), wt.push_back(number(r.wall_seconds, "%.3g"));
  t.cells.push_back(wt);
  t.values.push_back(w);
  return t;
}

// Characters on screen (UTF-8 code points): the architecture's arrows are 3 bytes each.
std::size_t display_width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string pad(const std::string& s, std::size_t width) {
  return s + std::string(width + 2 - std::min(width, display_width(s)), ' ');
}

bool lower_is_better(const std::string& column) {
  for (const char* s : {"cost", "rmse", "loss", "seconds", "error"})
    if (column.find(s) != std::string::npos) return true;
  return false;
}

void print_table(const std::string& title, const Table& t, const std::string& sort_arg) {
  std::string sort = sort_arg;
  if (sort.empty()) {
    for (const char* c : {"test_accuracy", "validation_accuracy", "train_accuracy", "test_rmse", "train_rmse", "final_cost"})
      if (t.column(c) >= 0) {
        const auto& v = t.values[static_cast<std::size_t>(t.column(c))];
        if (std::any_of(v.begin(), v.end(), [](double x) { return !std::isnan(x); })) {
          sort = c;
          break;
        }
      }
  }
  long sc = sort.empty() ? -1 : t.column(sort);
  if (!sort.empty() && sc < 0) {
    std::vector<std::string> numeric;
    for (std::size_t c = 0; c < t.names.size(); ++c)
      if (!t.values[c].empty()) numeric.push_back(t.names[c]);
    std::string best = closest_match(sort, numeric), all;
    for (const auto& n : numeric) all += (all.empty() ? "" : ", ") + n;
    throw UserError("--sort: no column '" + sort + "'" + (best.empty() ? "" : " (did you mean '" + best + "'?)") +
                    "; numeric columns: " + all);
  }
  if (sc >= 0 && t.values[static_cast<std::size_t>(sc)].empty())
    throw UserError("--sort: column '" + sort + "' holds text; sort by a numeric column");
  std::vector<std::size_t> order(t.rows());
  std::iota(order.begin(), order.end(), 0);
  const bool lower = lower_is_better(sort);
  if (sc >= 0) {
    const auto& v = t.values[static_cast<std::size_t>(sc)];
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      if (std::isnan(v[a]) || std::isnan(v[b])) return !std::isnan(v[a]) && std::isnan(v[b]);  // missing last
      return lower ? v[a] < v[b] : v[a] > v[b];
    });
  }
  std::vector<std::size_t> shown;  // columns: all but file/error (long) in a sweep table
  for (std::size_t c = 0; c < t.names.size(); ++c)
    if (t.keys.empty() || (t.names[c] != "file" && t.names[c] != "error")) shown.push_back(c);
  std::printf("%s, sorted by %s (%s first); * marks the best\n", title.c_str(), sort.empty() ? "nothing" : sort.c_str(),
              lower ? "lowest" : "highest");
  std::vector<std::size_t> width;
  for (std::size_t c : shown) {
    std::size_t w = t.names[c].size();
    for (const auto& cell : t.cells[c]) w = std::max(w, display_width(cell));
    width.push_back(std::min<std::size_t>(w, 48));
  }
  std::string line = "  ";
  for (std::size_t i = 0; i < shown.size(); ++i) line += pad(t.names[shown[i]], width[i]);
  while (!line.empty() && line.back() == ' ') line.pop_back();
  std::printf("%s\n", line.c_str());
  const bool best_exists = sc >= 0 && !order.empty() && !std::isnan(t.values[static_cast<std::size_t>(sc)][order[0]]);
  for (std::size_t k = 0; k < order.size(); ++k) {
    line = (k == 0 && best_exists) ? "* " : "  ";
    for (std::size_t i = 0; i < shown.size(); ++i) {
      std::string cell = t.cells[shown[i]][order[k]];
      if (display_width(cell) > width[i]) cell = cell.substr(0, width[i] - 3) + "...";
      line += pad(cell, width[i]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::printf("%s\n", line.c_str());
  }
  // Runs that did not complete, with why (a sweep's error column).
  std::vector<std::string> failed;
  const long st = t.column("status"), er = t.column("error"), id = t.column(t.keys.empty() ? "file" : "run_id");
  if (st >= 0)
    for (std::size_t k = 0; k < t.rows(); ++k) {
      const std::string& s = t.cells[static_cast<std::size_t>(st)][k];
      if (s == "completed") continue;
      std::string why = er >= 0 ? t.cells[static_cast<std::size_t>(er)][k] : "";
      failed.push_back((id >= 0 ? t.cells[static_cast<std::size_t>(id)][k] + ": " : "") + s + (why.empty() ? "" : ": " + why));
    }
  if (!failed.empty()) {
    std::printf("%zu of %zu runs not completed:\n", failed.size(), t.rows());
    for (const auto& f : failed) std::printf("  %s\n", f.c_str());
  }
}

std::vector<std::string> results_files(const std::string& dir) {
  std::vector<std::string> out;
  for (const std::string& sub : {std::string(), std::string("runs")}) {
    fs::path p = sub.empty() ? fs::path(dir) : fs::path(dir) / sub;
    std::error_code ec;
    if (!fs::is_directory(p, ec)) continue;
    for (const auto& e : fs::directory_iterator(p, ec)) {
      const std::string name = e.path().filename().string();
      if (e.is_regular_file() && e.path().extension() == ".h5" && name[0] != '.' &&
          name.find(".ckpt.h5") == std::string::npos && name != "summary.h5" && looks_like_run_file(e.path().string()))
        out.push_back(e.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

int cmd_inspect(const InspectArgs& a) {
  try {
    std::error_code ec;
    if (!fs::is_directory(a.path, ec)) {
      if (!a.sort.empty()) throw UserError("--sort applies to a sweep folder; " + a.path + " is a single run");
      print_run(read_run_file(a.path));
      return 0;
    }
    const fs::path summary = fs::path(a.path) / "summary.h5";
    if (fs::exists(summary, ec)) {
      Table t = read_summary(summary.string());
      std::string keys;
      for (const auto& k : t.keys) keys += (keys.empty() ? "" : ", ") + k;
      print_table("sweep " + a.path + ": " + std::to_string(t.rows()) + " runs" + (keys.empty() ? "" : " over " + keys), t,
                  a.sort);
      return 0;
    }
    std::vector<std::string> files = results_files(a.path);
    if (files.empty())
      throw UserError(a.path + ": a folder with neither a sweep summary (summary.h5) nor results files (*.h5)" +
                      std::string(fs::exists(fs::path(a.path) / "runs", ec)
                                      ? "; a sweep still running writes summary.h5 at its end (mindset sweep --merge DIR)"
                                      : ""));
    Table t = table_of_runs(a.path, files);
    print_table(a.path + ": " + std::to_string(files.size()) + " results files", t, a.sort);
    return 0;
  } catch (...) {
    return report_current_exception();
  }
}

}  // namespace mindset
