#include "sweep.hpp"

#include <charconv>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "sweep_axes.hpp"
#include "validate.hpp"
#include "yaml_tree.hpp"

namespace fs = std::filesystem;

namespace mindset {

namespace {

constexpr std::size_t kMaxRuns = 100000;

const Spec& sweep_spec() {
  static const Spec s = [] {
    Spec random = spec::map("a seeded random search");
    random.field("trials", spec::integer("number of samples").require().min(1).max(static_cast<double>(kMaxRuns)))
        .field("seed", spec::integer("seeds numpy.random.RandomState(seed)").def(ConfigNode::of(0)).min(0).max(4294967295.0))
        .field("params", spec::any("key.path: {distribution: uniform|log_uniform|int_uniform, min, max} or "
                                   "{values: [...]}").require());
    Spec root = spec::map("a mindset sweep");
    root.field("name", spec::string("names the sweep and its default output folder results/<name>/"))
        .field("description", spec::string("free text"))
        .field("experiment", spec::any("the base experiment: a config file relative to this one, or a map").require())
        .field("set", spec::any("key.path: value overrides for every run"))
        .field("grid", spec::any("key.path: [values...]; every combination, in the order written"))
        .field("random", random);
    return root;
  }();
  return s;
}

std::string strip_op(const std::string& key) {
  return !key.empty() && (key[0] == '+' || key[0] == '~') ? key.substr(1) : key;
}

// Short names of swept keys for run ids: the last key of the path (learning_rate reads "lr"),
// or the whole path when two keys would read the same.
std::vector<std::string> short_names(const std::vector<std::string>& keys) {
  std::vector<std::string> out;
  for (const auto& k : keys) {
    std::string p = strip_op(k), last = p.substr(p.find_last_of('.') == std::string::npos ? 0 : p.find_last_of('.') + 1);
    last = last.substr(0, last.find('['));
    out.push_back(last == "learning_rate" ? "lr" : last);
  }
  std::vector<bool> clash(keys.size(), false);
  for (std::size_t i = 0; i < keys.size(); ++i)
    for (std::size_t j = 0; j < keys.size(); ++j) clash[i] = clash[i] || (i != j && out[i] == out[j]);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (clash[i] || out[i].empty()) {
      std::string full;
      for (char c : strip_op(keys[i]))
        if (c != '[' && c != ']') full += c;
      out[i] = full;
    }
  }
  return out;
}

std::string make_id(const std::vector<std::string>& names, const std::vector<Choice>& choices, const std::string& hash,
                    std::size_t hash_len) {
  std::string readable;
  for (std::size_t i = 0; i < names.size(); ++i)
    readable += (i ? "_" : "") + id_safe(names[i], 40) + "=" + choices[i].token;
  readable = id_safe(readable, 96);
  if (readable.empty()) readable = "run";
  if (!std::isalnum(static_cast<unsigned char>(readable[0]))) readable = "r" + readable;
  return readable + "-" + hash.substr(0, hash_len);
}

// A run that failed validation, for messages: "run 3 of 14 (lr=0.1_units=0)".
std::string run_label(std::size_t i, std::size_t n, const std::vector<std::string>& names, const std::vector<Choice>& c) {
  std::string id = make_id(names, c, "", 0);
  id.pop_back();  // the '-' before the (absent) hash
  return "run " + std::to_string(i + 1) + " of " + std::to_string(n) + " (" + id + ")";
}

// Reads `set:` or `grid:` (a map of key paths), checking each path parses.
void read_key_map(const ConfigNode& root, const char* field, Diagnostics& diags) {
  const ConfigNode* m = root.find(field);
  if (!m || m->is_null()) return;
  if (!m->is_map()) {
    diags.add(m->mark(), field, std::string("expected a map of key.path: ") + (field == std::string("grid") ? "[values...]" : "value") +
                                     ", found " + m->describe());
    return;
  }
  for (const auto& [key, v] : m->entries()) {
    try {
      make_override(key, v, key);
    } catch (const UserError&) {
      diags.add(m->key_mark(key), join_path(field, key), "bad key path '" + key + "' (expected e.g. training.learning_rate or model.layers[0].units)");
      continue;
    }
    if (std::string(field) == "grid") {
      if (!v.is_sequence()) diags.add(v.mark(), join_path(field, key), "expected a list of values, found " + v.describe() +
                                                                        (v.is_scalar() ? " (write [" + v.text() + "] for one value)" : ""));
      else if (v.items().empty()) diags.add(v.mark(), join_path(field, key), "needs at least one value");
    }
  }
}

// The base experiment tree: a file (relative to the sweep file) or an inline map (which may
// itself use `extends`).
ConfigNode base_tree(const ConfigNode& exp, std::string& origin) {
  if (exp.is_scalar()) {
    std::string path = resolve_path(exp.text(), exp.mark());
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
      throw UserError(exp.mark(), "experiment", (fs::exists(path, ec) ? "not a regular file: " : "file not found: ") + path);
    origin = path;
    return load_with_extends(path);
  }
  if (!exp.is_map())
    throw UserError(exp.mark(), "experiment", "expected a config file path or a map, found " + exp.describe());
  ConfigNode tree = exp;
  if (const ConfigNode* ext = exp.find("extends")) {
    if (!ext->is_scalar() || ext->text().empty())
      throw UserError(ext->mark(), "experiment.extends", "expected the path of a base config, found " + ext->describe());
    ConfigNode base = load_with_extends(resolve_path(ext->text(), ext->mark()));
    tree.erase("extends");
    tree = merge_configs(base, tree);
  }
  return tree;
}

}  // namespace

namespace {
ConfigNode canonical(const ConfigNode& n) {
  if (n.is_scalar()) return n.quoted() || !n.is_number() ? n : ConfigNode::scalar(format_value(n));
  ConfigNode out = n;
  for (auto& i : out.items()) i = canonical(i);
  for (auto& e : out.entries()) e.second = canonical(e.second);
  return out;
}
}  // namespace

std::string config_hash(const ConfigNode& resolved) {
  const std::string text = emit_yaml(canonical(resolved));
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string format_double(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, r.ptr);  // d.ddde[+-]XX, shortest round-trip digits
  std::size_t e = sci.find('e');
  int exp = std::stoi(sci.substr(e + 1));
  std::string mant = sci.substr(0, e), sign;
  if (mant[0] == '-') sign = "-", mant = mant.substr(1);
  std::string digits;
  for (char c : mant)
    if (c != '.') digits += c;
  if (exp < -4 || exp >= 16) {  // Python's repr switches to exponent form here
    std::string m = digits.substr(0, 1) + (digits.size() > 1 ? "." + digits.substr(1) : "");
    char eb[16];
    std::snprintf(eb, sizeof eb, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
    return sign + m + eb;
  }
  if (exp < 0) return sign + "0." + std::string(static_cast<std::size_t>(-exp - 1), '0') + digits;
  const auto point = static_cast<std::size_t>(exp) + 1;
  if (digits.size() <= point) return sign + digits + std::string(point - digits.size(), '0') + ".0";
  return sign + digits.substr(0, point) + "." + digits.substr(point);
}

std::string format_value(const ConfigNode& v) {
  if (v.is_scalar() && !v.quoted()) {
    if (v.is_integer()) return std::to_string(v.as_integer());
    if (v.is_number()) return format_double(v.as_number());
  }
  if (v.is_scalar()) return v.text();
  if (v.is_null()) return "null";
  return emit_flow(v);
}

std::string id_safe(const std::string& s, std::size_t max_len) {
  std::string out;
  for (unsigned char c : s) {
    bool ok = std::isalnum(c) || c == '.' || c == '+' || c == '-' || c == ',' || c == '@' || c == '=' || c == '_';
    out += ok ? static_cast<char>(c) : '_';
  }
  if (out.size() > max_len) out.resize(max_len);
  return out;
}

std::string choice_token(const ConfigNode& v, std::size_t position) {
  if (v.is_null()) return "null";
  if (!v.is_scalar()) return "v" + std::to_string(position + 1);
  if (!v.quoted() && v.is_number() && !v.is_integer()) {
    std::string s = format_double(v.as_number());
    if (s.size() <= 10) return s;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v.as_number());
    return buf;
  }
  std::string t = id_safe(v.is_integer() && !v.quoted() ? std::to_string(v.as_integer()) : v.text(), 24);
  for (char& c : t)
    if (c == '=') c = '_';
  return t.empty() ? "empty" : t;
}

SweepPlan load_sweep(const std::string& path, const std::vector<std::string>& overrides) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw UserError("sweep file not found: " + path);
  if (fs::is_directory(path, ec)) throw UserError("sweep path is a folder, not a file: " + path);
  std::string abs = fs::absolute(path).lexically_normal().string();
  std::FILE* f = std::fopen(abs.c_str(), "rb");
  if (!f) throw UserError("cannot read the sweep file " + abs);
  std::string text;
  char buf[65536];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
  std::fclose(f);
  SweepPlan plan = plan_sweep(text, abs, overrides);
  plan.file = abs;
  return plan;
}

SweepPlan plan_sweep(const std::string& text, const std::string& origin, const std::vector<std::string>& overrides) {
  ConfigNode raw = parse_yaml(text, std::make_shared<const std::string>(origin));
  if (!raw.is_map()) throw UserError(raw.mark(), "", "expected a sweep: a map with experiment and grid or random, found " + raw.describe());
  Diagnostics diags;
  ConfigNode sw = validate(raw, sweep_spec(), "", diags);
  read_key_map(raw, "set", diags);
  read_key_map(raw, "grid", diags);
  diags.throw_if_any();

  // Axes: grid keys in order, then random params.
  std::vector<Axis> axes;
  if (const ConfigNode* g = sw.find("grid"); g && g->is_map())
    for (const auto& [key, values] : g->entries()) {
      Axis a{key, g->key_mark(key), {}};
      for (std::size_t i = 0; i < values.items().size(); ++i) a.choices.push_back({values.items()[i], choice_token(values.items()[i], i)});
      axes.push_back(std::move(a));
    }
  const std::size_t n_grid = axes.size();
  std::vector<std::vector<Choice>> samples;
  if (const ConfigNode* r = sw.find("random")) samples = sample_random(*r, axes, diags);
  // A key given twice (set and grid, grid and random) would silently lose one of its values.
  std::map<std::string, Mark> seen;
  if (const ConfigNode* s = sw.find("set"); s && s->is_map())
    for (const auto& e : s->entries()) seen.emplace(strip_op(e.first), s->key_mark(e.first));
  for (const Axis& a : axes)
    if (!seen.emplace(strip_op(a.key), a.mark).second)
      diags.add(a.mark, strip_op(a.key), "swept here but also given earlier (at " + seen[strip_op(a.key)].str() + "); give each key once");
  for (const auto& o : overrides) {
    std::string p = strip_op(parse_override(o).path);
    for (const Axis& a : axes)
      if (strip_op(a.key) == p)
        diags.add(a.mark, p, "the command-line override '" + o + "' sets a key this sweep sweeps; change the sweep file instead");
  }
  diags.throw_if_any();

  // The base for every run: the experiment, then `set`, then the command-line overrides.
  SweepPlan plan;
  plan.text = text;
  plan.overrides = overrides;
  plan.name = sw.has("name") ? sw.get_string("name") : fs::path(origin).stem().string();
  if (plan.name.empty()) plan.name = "sweep";
  std::string base_origin = origin;
  ConfigNode base = base_tree(sw.at("experiment"), base_origin);
  std::vector<std::string> fixed;
  if (const ConfigNode* s = sw.find("set"); s && s->is_map())
    for (const auto& [key, v] : s->entries()) {
      Override o = make_override(key, v);
      try {
        apply_override(base, o);
      } catch (const UserError& e) {
        for (const auto& d : e.diagnostics()) diags.add(s->key_mark(key), join_path("set", key), d.message);
      }
      fixed.push_back(o.text);
    }
  diags.throw_if_any();
  for (const auto& o : overrides) apply_override(base, parse_override(o));
  fixed.insert(fixed.end(), overrides.begin(), overrides.end());

  // Combinations: the grid's odometer (first key slowest) times the random trials.
  std::size_t total = 1;
  for (std::size_t a = 0; a < n_grid; ++a) {
    total *= axes[a].choices.size();
    if (total > kMaxRuns) throw UserError(axes[a].mark, "grid", "more than " + std::to_string(kMaxRuns) + " runs");
  }
  if (!samples.empty()) total *= samples.size();
  if (total > kMaxRuns) throw UserError(sw.at("random").mark(), "random", "more than " + std::to_string(kMaxRuns) + " runs");
  for (const Axis& a : axes) plan.keys.push_back(strip_op(a.key));
  const std::vector<std::string> names = short_names(plan.keys);

  std::map<std::string, std::vector<std::string>> problems;  // one message, the runs it hit
  std::vector<Diagnostic> order;
  std::set<std::string> hashes;
  for (std::size_t r = 0; r < total; ++r) {
    std::vector<Choice> combo(axes.size());
    std::size_t rest = samples.empty() ? r : r / samples.size();
    for (std::size_t a = n_grid; a-- > 0;) {
      combo[a] = axes[a].choices[rest % axes[a].choices.size()];
      rest /= axes[a].choices.size();
    }
    if (!samples.empty())
      for (std::size_t p = 0; p < samples[r % samples.size()].size(); ++p) combo[n_grid + p] = samples[r % samples.size()][p];
    ConfigNode cfg = base;
    std::vector<std::string> applied = fixed;
    try {
      for (std::size_t a = 0; a < axes.size(); ++a) {
        Override o = make_override(axes[a].key, combo[a].value);
        applied.push_back(o.text);
        try {
          apply_override(cfg, o);
        } catch (const UserError& e) {
          throw UserError(axes[a].mark, axes[a].key, e.diagnostics().front().message);
        }
      }
      SweepRun run;
      run.experiment = resolve_experiment(std::move(cfg), base_origin, {});
      run.experiment.overrides = applied;
      run.hash = config_hash(run.experiment.resolved);
      if (!hashes.insert(run.hash).second) {
        ++plan.duplicates;
        continue;
      }
      for (const Choice& c : combo) run.values.push_back(c.value);
      run.index = plan.runs.size();
      run.id = make_id(names, combo, run.hash, 6);
      plan.runs.push_back(std::move(run));
    } catch (const UserError& e) {
      for (const auto& d : e.diagnostics()) {
        std::string key = d.str();
        if (!problems.count(key)) order.push_back(d);
        problems[key].push_back(run_label(r, total, names, combo));
      }
    }
  }
  if (!problems.empty()) {
    std::vector<Diagnostic> out;
    for (const auto& d : order) {
      const auto& runs = problems[d.str()];
      std::string which = runs.front() + (runs.size() > 1 ? " and " + std::to_string(runs.size() - 1) + " more" : "");
      out.push_back({d.mark, d.path, d.message + " [" + which + "]"});
      if (out.size() >= Diagnostics::kMaxReported) break;
    }
    throw UserError(out);
  }
  // Ids are unique: two different configs whose readable part and short hash agree get the full hash.
  std::map<std::string, std::size_t> ids;
  for (const auto& run : plan.runs) ids[run.id]++;
  for (auto& run : plan.runs)
    if (ids[run.id] > 1) run.id = run.id.substr(0, run.id.rfind('-') + 1) + run.hash;
  return plan;
}

}  // namespace mindset
