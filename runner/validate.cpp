#include "validate.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "registry.hpp"

namespace fs = std::filesystem;

namespace mindset {

std::string join_path(const std::string& base, const std::string& key) {
  return base.empty() ? key : base + "." + key;
}
std::string index_path(const std::string& base, std::size_t i) {
  return base + "[" + std::to_string(i) + "]";
}

std::string resolve_path(const std::string& p, const Mark& mark) {
  fs::path path(p);
  if (path.is_relative()) {
    fs::path dir = (mark.file && !mark.command_line) ? fs::path(*mark.file).parent_path() : fs::path();
    if (dir.empty() || dir.is_relative()) dir = fs::current_path() / dir;
    path = dir / path;
  }
  return path.lexically_normal().string();
}

namespace {

std::string list_of(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

std::string format_number(double v) {
  char buf[40];
  if (std::fabs(v) < 1e15 && v == std::floor(v)) std::snprintf(buf, sizeof buf, "%.0f", v);  // 4294967295, not 4.29e+09
  else std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// The range a number must lie in, for messages: "> 0", ">= 1", "in [0, 1)".
std::string range_text(const Spec& s) {
  std::string lo = s.minimum ? (s.exclusive_minimum ? "> " : ">= ") + format_number(*s.minimum) : "";
  std::string hi = s.maximum ? (s.exclusive_maximum ? "< " : "<= ") + format_number(*s.maximum) : "";
  if (!lo.empty() && !hi.empty()) return lo + " and " + hi;
  return lo + hi;
}

bool matches_kind(const ConfigNode& in, const Spec& s) {
  switch (s.kind) {
    case Spec::Kind::Integer: return in.is_integer();
    case Spec::Kind::Number: return in.is_number();
    case Spec::Kind::String:
    case Spec::Kind::Path: return in.is_scalar();
    case Spec::Kind::Boolean: return in.is_bool();
    case Spec::Kind::Map: return in.is_map() || in.is_null();
    case Spec::Kind::List: return in.is_sequence();
    case Spec::Kind::Object: return in.is_map() || (s.name_allowed && in.is_scalar());
    case Spec::Kind::Any: return true;
  }
  return false;
}

std::string expected_text(const Spec& s) {
  std::string e = kind_name(s.kind);
  if (s.kind == Spec::Kind::Object) {
    const RegistryBase* reg = find_registry(s.registry);
    std::string noun = reg ? reg->kind() : s.registry;
    e = s.name_allowed ? "a " + noun + " name or a map with 'type'" : "a map with 'type' (a " + noun + ")";
  }
  for (const auto& alt : s.alternatives) e += " or " + kind_name(alt.kind);
  return e;
}

class Validator {
 public:
  explicit Validator(Diagnostics& d) : diags_(d) {}

  ConfigNode check(const ConfigNode& in, const Spec& s, const std::string& path) {
    if (!matches_kind(in, s)) {
      for (const Spec& alt : s.alternatives)
        if (matches_kind(in, alt)) return check(in, alt, path);
      error(in.mark(), path, "expected " + expected_text(s) + ", found " + in.describe());
      return in;
    }
    switch (s.kind) {
      case Spec::Kind::Integer:
      case Spec::Kind::Number: return check_number(in, s, path);
      case Spec::Kind::String: return check_string(in, s, path);
      case Spec::Kind::Path: return check_path(in, s, path);
      case Spec::Kind::Map: return check_map(in, s, path);
      case Spec::Kind::List: return check_list(in, s, path);
      case Spec::Kind::Object: return check_object(in, s, path);
      case Spec::Kind::Boolean:
      case Spec::Kind::Any: return in;
    }
    return in;
  }

 private:
  void error(const Mark& m, const std::string& path, std::string msg) { diags_.add(m, path, std::move(msg)); }

  ConfigNode check_number(const ConfigNode& in, const Spec& s, const std::string& path) {
    double v = in.as_number();
    if (s.finite && !std::isfinite(v)) {
      error(in.mark(), path, "must be a finite number, found " + in.text());
      return in;
    }
    bool low = s.minimum && (s.exclusive_minimum ? !(v > *s.minimum) : !(v >= *s.minimum));
    bool high = s.maximum && (s.exclusive_maximum ? !(v < *s.maximum) : !(v <= *s.maximum));
    if (std::isnan(v)) {
      error(in.mark(), path, "must be a number, found " + in.text() + " (not a number)");
      return in;
    }
    if (low || high) {
      error(in.mark(), path, "must be " + range_text(s) + ", found " + in.text());
      return in;
    }
    if (s.multiple && std::fmod(v, *s.multiple) != 0) {
      error(in.mark(), path, "must be a multiple of " + format_number(*s.multiple) + ", found " + in.text());
      return in;
    }
    // The resolved config spells numbers one way (decimal integers; floats as 0.001, 1.0e-10),
    // which every YAML reader, 1.1 or 1.2, reads back as the same number.
    ConfigNode out = in.is_integer() ? ConfigNode::of(in.as_integer()) : ConfigNode::of(v);
    out.set_mark(in.mark());
    return out;
  }

  ConfigNode check_string(const ConfigNode& in, const Spec& s, const std::string& path) {
    if (!s.choices.empty() &&
        std::find(s.choices.begin(), s.choices.end(), in.text()) == s.choices.end()) {
      std::string best = closest_match(in.text(), s.choices);
      error(in.mark(), path,
            "unknown value '" + in.text() + "'" + (best.empty() ? "" : " (did you mean '" + best + "'?)") +
                "; allowed: " + list_of(s.choices));
      return in;
    }
    // A string stays a string in the resolved config (name: 2024 is the name "2024").
    return ConfigNode::scalar(in.text(), true, in.mark());
  }

  ConfigNode check_path(const ConfigNode& in, const Spec& s, const std::string& path) {
    if (in.text().empty()) {
      error(in.mark(), path, "expected a file path, found an empty string");
      return in;
    }
    ConfigNode out = in;
    std::string abs = resolve_path(in.text(), in.mark());
    out = ConfigNode::scalar(abs, true, in.mark());
    std::error_code ec;
    if (s.must_exist && !fs::is_regular_file(abs, ec))
      error(in.mark(), path, (fs::exists(abs, ec) ? "not a regular file: " : "file not found: ") + abs);
    return out;
  }

  ConfigNode check_map(const ConfigNode& in, const Spec& s, const std::string& path,
                       const std::vector<std::string>& implicit = {}) {
    ConfigNode out = ConfigNode::map(in.mark());
    std::vector<std::string> allowed;
    for (const auto& f : s.fields) allowed.push_back(f.key);
    std::vector<std::string> suggested;  // keys a typo already points at
    for (const auto& e : in.entries()) {
      if (std::find(implicit.begin(), implicit.end(), e.first) != implicit.end()) continue;
      if (!s.find_field(e.first)) {
        std::string best = closest_match(e.first, allowed);
        // When the suggested key is also given, say so: the typo is then likely a leftover.
        std::string hint;
        if (!best.empty() && in.has(best))
          hint = " (did you mean '" + best + "'? it is also given, on line " + std::to_string(in.key_mark(best).line) + ")";
        else if (!best.empty())
          hint = " (did you mean '" + best + "'?)", suggested.push_back(best);
        error(in.key_mark(e.first), join_path(path, e.first),
              "unknown key '" + e.first + "'" + hint +
                  (allowed.empty() ? "; this takes no options" : "; allowed keys: " + list_of(allowed)));
      }
    }
    for (const auto& f : s.fields) {
      std::string sub = join_path(path, f.key);
      if (const ConfigNode* v = in.find(f.key)) {
        out.set(f.key, check(*v, f.spec, sub));
        out.set_key_mark(f.key, in.key_mark(f.key));
      } else if (f.spec.required &&
                 std::find(suggested.begin(), suggested.end(), f.key) == suggested.end()) {
        // (a misspelt required key is reported once, as the unknown key that names it)
        error(in.mark(), path.empty() ? f.key : path,
              "missing required key '" + f.key + "' (" + expected_text(f.spec) +
                  (f.spec.doc.empty() ? "" : ": " + f.spec.doc) + ")");
      } else if (f.spec.default_value) {
        ConfigNode d = check(*f.spec.default_value, f.spec, sub);
        d.set_mark_recursive(in.mark());
        out.set(f.key, std::move(d));
      }
    }
    return out;
  }

  ConfigNode check_list(const ConfigNode& in, const Spec& s, const std::string& path) {
    ConfigNode out = ConfigNode::sequence(in.mark());
    if (in.items().size() < s.min_items)
      error(in.mark(), path, "needs at least " + std::to_string(s.min_items) + " item" +
                                 (s.min_items == 1 ? "" : "s") + ", found " + std::to_string(in.items().size()));
    for (std::size_t i = 0; i < in.items().size(); ++i)
      out.items().push_back(s.items ? check(in.items()[i], *s.items, index_path(path, i)) : in.items()[i]);
    return out;
  }

  ConfigNode check_object(const ConfigNode& in, const Spec& s, const std::string& path) {
    const RegistryBase* reg = find_registry(s.registry);
    if (!reg) {
      error(in.mark(), path, "internal: no registry of kind '" + s.registry + "'");
      return in;
    }
    std::string name;
    Mark name_mark = in.mark();
    std::string name_path = path;
    if (in.is_scalar()) {
      name = in.text();
    } else if (const ConfigNode* t = in.find("type")) {
      if (!t->is_scalar()) {
        error(t->mark(), join_path(path, "type"), "expected a " + reg->kind() + " name, found " + t->describe());
        return in;
      }
      name = t->text();
      name_mark = t->mark();
      name_path = join_path(path, "type");
    } else if (!s.default_type.empty()) {
      name = s.default_type;
    } else {
      error(in.mark(), path, "missing key 'type' (the " + reg->kind() + "; known " + reg->plural() + ": " +
                                 list_of(reg->names()) + ")");
      return in;
    }
    const TypeInfo* info = reg->find(name);
    if (!info) {
      error(name_mark, name_path, reg->unknown_message(name));
      return in;
    }
    if (in.is_scalar() && info->options.fields.empty()) return in;  // a bare name stays a name
    ConfigNode options = in.is_scalar() ? ConfigNode::map(in.mark()) : in;
    ConfigNode out = check_map(options, info->options, path, {"type"});
    ConfigNode typed = ConfigNode::map(in.mark());
    typed.set("type", ConfigNode::scalar(name, false, name_mark));
    for (auto& e : out.entries()) {
      typed.set(e.first, e.second);
      typed.set_key_mark(e.first, out.key_mark(e.first));
    }
    return typed;
  }

  Diagnostics& diags_;
};

}  // namespace

ConfigNode validate(const ConfigNode& in, const Spec& spec, const std::string& path, Diagnostics& diags) {
  Validator v(diags);
  return v.check(in, spec, path);
}

const Spec* object_options(const Spec& object_spec, const ConfigNode& value) {
  const RegistryBase* reg = find_registry(object_spec.registry);
  if (!reg) return nullptr;
  std::string name = object_spec.default_type;
  if (value.is_scalar()) name = value.text();
  else if (const ConfigNode* t = value.find("type"); t && t->is_scalar()) name = t->text();
  const TypeInfo* info = reg->find(name);
  return info ? &info->options : nullptr;
}

}  // namespace mindset
