#include "config.hpp"

#include <algorithm>
#include <filesystem>
#include <tuple>

#include "registry.hpp"
#include "schema.hpp"
#include "validate.hpp"
#include "yaml_tree.hpp"

namespace fs = std::filesystem;

namespace mindset {

std::string Experiment::yaml() const { return emit_yaml(resolved); }

namespace {

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

std::vector<Override::Segment> parse_path(const std::string& path, const std::string& text) {
  std::vector<Override::Segment> segs;
  auto bad = [&](const std::string& why) {
    return UserError(Mark{}, "", "override '" + text + "': " + why +
                                     " (expected key.path=value, e.g. training.learning_rate=0.01 or "
                                     "model.layers[0].units=20)");
  };
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t start = i;
    while (i < path.size() && is_key_char(path[i])) ++i;
    if (i == start) throw bad("bad key path '" + path + "'");
    segs.push_back({path.substr(start, i - start), -1});
    while (i < path.size() && path[i] == '[') {
      std::size_t close = path.find(']', i);
      std::string num = close == std::string::npos ? "" : path.substr(i + 1, close - i - 1);
      if (num.empty() || num.find_first_not_of("0123456789") != std::string::npos || num.size() > 9)
        throw bad("bad list index in '" + path + "'");
      segs.push_back({"", std::stoll(num)});
      i = close + 1;
    }
    if (i < path.size()) {
      if (path[i] != '.' || i + 1 == path.size()) throw bad("bad key path '" + path + "'");
      ++i;
    }
  }
  if (segs.empty()) throw bad("empty key path");
  return segs;
}

std::string path_prefix(const std::vector<Override::Segment>& segs, std::size_t n) {
  std::string p;
  for (std::size_t i = 0; i < n; ++i)
    p = segs[i].index >= 0 ? index_path(p, static_cast<std::size_t>(segs[i].index)) : join_path(p, segs[i].key);
  return p;
}

// The spec for the children of `node` (a map or an object), or null when the schema says nothing.
const Spec* child_spec(const Spec* s, const ConfigNode& node) {
  if (!s) return nullptr;
  if (s->kind == Spec::Kind::Object) return object_options(*s, node);
  return s;
}

// Keys the schema allows at this place in the tree.
std::vector<std::string> schema_keys(const Spec* s, const ConfigNode& node) {
  std::vector<std::string> keys;
  const Spec* c = child_spec(s, node);
  if (c)
    for (const auto& f : c->fields) keys.push_back(f.key);
  if (s && s->kind == Spec::Kind::Object) keys.push_back("type");
  return keys;
}

}  // namespace

Override parse_override(const std::string& text) {
  Override o;
  o.text = text;
  std::string body = text;
  if (!body.empty() && body[0] == '+') o.op = Override::Op::Add, body = body.substr(1);
  else if (!body.empty() && body[0] == '~') o.op = Override::Op::Remove, body = body.substr(1);
  std::size_t eq = body.find('=');
  if (o.op == Override::Op::Remove) {
    if (eq != std::string::npos) body = body.substr(0, eq);  // Hydra allows ~key=value; the value is ignored
    o.path = body;
  } else {
    if (eq == std::string::npos)
      throw UserError("override '" + text + "' has no '=' (expected key.path=value, +key.path=value or ~key.path)");
    o.path = body.substr(0, eq);
    auto label = std::make_shared<const std::string>("override '" + text + "'");
    o.value = parse_yaml(body.substr(eq + 1), label);
    Mark m{label, 0, 0, true};
    o.value.set_mark_recursive(m);
  }
  o.segments = parse_path(o.path, text);
  return o;
}

Override make_override(const std::string& path, ConfigNode value, const std::string& label) {
  Override o;
  std::string body = path;
  if (!body.empty() && body[0] == '+') o.op = Override::Op::Add, body = body.substr(1);
  else if (!body.empty() && body[0] == '~') o.op = Override::Op::Remove, body = body.substr(1);
  o.path = body;
  o.text = label.empty() ? path + (o.op == Override::Op::Remove ? "" : "=" + emit_flow(value)) : label;
  o.segments = parse_path(o.path, o.text);
  o.value = std::move(value);
  return o;
}

void apply_override(ConfigNode& root, const Override& o) {
  auto fail = [&](const std::string& why) { return UserError(Mark{}, "", "override '" + o.text + "': " + why); };
  if (!root.is_map()) root = ConfigNode::map(root.mark());
  ConfigNode* node = &root;
  const Spec* s = &experiment_spec();
  const auto& segs = o.segments;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    const bool last = i + 1 == segs.size();
    const std::string here = path_prefix(segs, i + 1);
    if (segs[i].index >= 0) {
      if (!node->is_sequence())
        throw fail(path_prefix(segs, i) + " is " + node->describe() + ", not a list");
      std::size_t n = node->items().size(), idx = static_cast<std::size_t>(segs[i].index);
      if (idx >= n)
        throw fail(path_prefix(segs, i) + " has " + std::to_string(n) + " item" + (n == 1 ? "" : "s") +
                   "; index " + std::to_string(idx) + " is out of range");
      if (last) {
        if (o.op == Override::Op::Remove) node->items().erase(node->items().begin() + static_cast<std::ptrdiff_t>(idx));
        else node->items()[idx] = o.value;
        return;
      }
      s = s && s->kind == Spec::Kind::List && s->items ? s->items.get() : nullptr;
      node = &node->items()[idx];
      continue;
    }
    const std::string& key = segs[i].key;
    if (!node->is_map()) {
      if (o.op == Override::Op::Add && node->is_null()) *node = ConfigNode::map(node->mark());
      else throw fail(path_prefix(segs, i) + " is " + node->describe() + ", not a map");
    }
    const Spec* cs = child_spec(s, *node);
    const Field* f = cs ? cs->find_field(key) : nullptr;
    ConfigNode* child = node->find(key);
    if (!child) {
      std::vector<std::string> keys = schema_keys(s, *node);
      bool known = std::find(keys.begin(), keys.end(), key) != keys.end();
      if (o.op == Override::Op::Remove) throw fail(here + " is not set, nothing to remove");
      if (o.op == Override::Op::Set && !known) {
        for (const auto& e : node->entries()) keys.push_back(e.first);
        std::string best = closest_match(key, keys);
        throw fail("no key '" + here + "' to override" +
                   (best.empty() ? "" : " (did you mean '" + join_path(path_prefix(segs, i), best) + "'?)") +
                   "; use +" + o.path + "=... to add a new key");
      }
      if (last) {
        node->set(key, o.value);
        return;
      }
      child = &node->set(key, ConfigNode::map(Mark{}));
    } else if (last) {
      if (o.op == Override::Op::Add)
        throw fail(here + " is already set; use " + o.path + "=... to change it");
      if (o.op == Override::Op::Remove) node->erase(key);
      else *child = o.value;
      return;
    }
    s = f ? &f->spec : nullptr;
    node = child;
  }
}

ConfigNode merge_configs(const ConfigNode& base, const ConfigNode& over) {
  if (!base.is_map() || !over.is_map()) return over;
  ConfigNode out = base;
  out.set_mark(over.mark());
  for (const auto& e : over.entries()) {
    const ConfigNode* b = base.find(e.first);
    out.set(e.first, b ? merge_configs(*b, e.second) : e.second);
    out.set_key_mark(e.first, over.key_mark(e.first));
  }
  return out;
}

namespace {

ConfigNode load_chain(const std::string& path, std::vector<std::string>& chain, const Mark& from) {
  std::error_code ec;
  std::string canon = fs::weakly_canonical(path, ec).string();
  if (ec) canon = path;
  if (std::find(chain.begin(), chain.end(), canon) != chain.end()) {
    std::string cycle;
    for (const auto& c : chain) cycle += fs::path(c).filename().string() + " -> ";
    throw UserError(from, "extends", "extends cycle: " + cycle + fs::path(canon).filename().string());
  }
  if (chain.size() > 32) throw UserError(from, "extends", "extends chain longer than 32 files");
  if (!chain.empty() && !fs::exists(path, ec))
    throw UserError(from, "extends", "file not found: " + path);
  chain.push_back(canon);
  ConfigNode node = load_yaml_file(path);
  const ConfigNode* ext = node.is_map() ? node.find("extends") : nullptr;
  if (!ext) return node;
  if (!ext->is_scalar() || ext->text().empty())
    throw UserError(ext->mark(), "extends", "expected the path of a base config, found " + ext->describe());
  std::string base_path = resolve_path(ext->text(), ext->mark());
  Mark ext_mark = ext->mark();
  ConfigNode base = load_chain(base_path, chain, ext_mark);
  node.erase("extends");
  return merge_configs(base, node);
}

// Throws the diagnostics (if any) in reading order: command-line overrides first, then by file,
// line and column, so the lines read top to bottom like the config.
void throw_sorted(const Diagnostics& diags) {
  if (diags.empty()) return;
  std::vector<Diagnostic> list = diags.list();
  auto key = [](const Diagnostic& d) {
    bool in_file = d.mark.file && !d.mark.command_line;  // the rest keep the order they were found in
    return in_file ? std::make_tuple(1, *d.mark.file, d.mark.line, d.mark.column) : std::make_tuple(0, std::string(), 0, 0);
  };
  std::stable_sort(list.begin(), list.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); });
  Diagnostics sorted;
  for (const Diagnostic& d : list) sorted.add(d.mark, d.path, d.message);
  sorted.throw_if_any();
}

}  // namespace

ConfigNode load_with_extends(const std::string& path) {
  std::vector<std::string> chain;
  return load_chain(path, chain, Mark{});
}

Experiment load_experiment(const std::string& path, const std::vector<std::string>& overrides) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw UserError("config file not found: " + path);
  if (fs::is_directory(path, ec)) throw UserError("config path is a folder, not a file: " + path);
  std::string abs = fs::absolute(path).lexically_normal().string();
  Experiment e = resolve_experiment(load_with_extends(abs), abs, overrides);
  return e;
}

Experiment resolve_experiment(ConfigNode raw, const std::string& origin, const std::vector<std::string>& overrides) {
  // Every problem in one run: bad overrides, then the file's errors, then the cross-key checks.
  Diagnostics diags;
  for (const auto& text : overrides) {
    try {
      apply_override(raw, parse_override(text));
    } catch (const UserError& e) {
      for (const Diagnostic& d : e.diagnostics()) diags.add(d.mark, d.path, d.message);
    }
  }
  if (!raw.is_map()) {
    diags.add(raw.mark(), "", raw.is_null() ? "the config is empty; expected a map with data, model and training"
                                            : "expected a map with data, model and training, found " + raw.describe());
    diags.throw_if_any();
  }
  // Defaults computed from other values go into the tree before validation, so they take their
  // place in schema order and resolving a resolved config changes nothing.
  if (!raw.has("name")) {
    std::string stem = fs::path(origin).stem().string();
    raw.set("name", ConfigNode::scalar(stem.empty() ? "experiment" : stem, true));
  }
  if (ConfigNode* t = raw.find("training"); t && t->is_map() && !t->has("print_every")) {
    const ConfigNode* it = t->find("iterations");
    if (it && it->is_integer() && it->as_integer() >= 0)  // with epochs: the trainer's total/20
      t->set("print_every", ConfigNode::of(it->as_integer() >= 20 ? it->as_integer() / 20 : 1LL));
  }
  ConfigNode resolved = validate(raw, experiment_spec(), "", diags);
  check_experiment(resolved, diags);
  throw_sorted(diags);

  Experiment e;
  e.config_path = origin;
  e.overrides = overrides;
  e.name = resolved.get_string("name");
  e.resolved = std::move(resolved);
  return e;
}

}  // namespace mindset
