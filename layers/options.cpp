#include "options.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <stdexcept>

namespace mindset {

std::string Mark::str() const {
  std::string s = file ? *file : std::string();
  if (line > 0) {
    if (!s.empty()) s += ":";
    s += std::to_string(line);
    if (column > 0) s += ":" + std::to_string(column);
  }
  return s;
}

ConfigNode ConfigNode::null(Mark m) {
  ConfigNode n;
  n.mark_ = std::move(m);
  return n;
}

ConfigNode ConfigNode::scalar(std::string text, bool quoted, Mark m) {
  ConfigNode n;
  n.type_ = Type::Scalar;
  n.text_ = std::move(text);
  n.quoted_ = quoted;
  n.mark_ = std::move(m);
  return n;
}

ConfigNode ConfigNode::sequence(Mark m) {
  ConfigNode n;
  n.type_ = Type::Sequence;
  n.mark_ = std::move(m);
  return n;
}

ConfigNode ConfigNode::map(Mark m) {
  ConfigNode n;
  n.type_ = Type::Map;
  n.mark_ = std::move(m);
  return n;
}

ConfigNode ConfigNode::of(double v) {
  if (std::isnan(v)) return scalar(".nan");
  if (std::isinf(v)) return scalar(v > 0 ? ".inf" : "-.inf");
  // Shortest text that reads back to the same double, written so YAML sees a float.
  char buf[40];
  for (int prec = 1; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  std::string s = buf;
  // A '.' before any exponent, so YAML 1.1 readers (PyYAML) read a float too: 1.0e-10, not 1e-10.
  std::size_t e = s.find_first_of("eE");
  if (s.find('.') == std::string::npos && s.find('n') == std::string::npos) s.insert(e == std::string::npos ? s.size() : e, ".0");
  return scalar(s);
}

ConfigNode ConfigNode::of(long long v) { return scalar(std::to_string(v)); }
ConfigNode ConfigNode::of(bool v) { return scalar(v ? "true" : "false"); }

void ConfigNode::set_mark_recursive(const Mark& m) {
  mark_ = m;
  for (auto& i : items_) i.set_mark_recursive(m);
  for (auto& e : entries_) e.second.set_mark_recursive(m);
  for (auto& k : key_marks_) k = m;
}

namespace {

bool all_digits(const std::string& s, std::size_t from, bool hex = false) {
  if (from >= s.size()) return false;
  for (std::size_t i = from; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= '0' && c <= '9') ||
              (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
    if (!ok) return false;
  }
  return true;
}

// YAML 1.2 core schema integer; sets `out` when it fits in a long long.
bool parse_integer(const std::string& s, long long* out) {
  if (s.empty()) return false;
  std::size_t start = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  int base = 10;
  std::string digits;
  if (start == 0 && s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    base = s[1] == 'x' ? 16 : 8;
    if (!all_digits(s, 2, base == 16)) return false;
    if (base == 8)
      for (std::size_t i = 2; i < s.size(); ++i)
        if (s[i] > '7') return false;
    digits = s.substr(2);
  } else {
    if (!all_digits(s, start)) return false;
    digits = s;
  }
  errno = 0;
  long long v = std::strtoll(digits.c_str(), nullptr, base);
  if (errno == ERANGE) return false;
  if (out) *out = v;
  return true;
}

bool parse_float(const std::string& s, double* out) {
  if (s.empty()) return false;
  std::size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  std::string rest = s.substr(i);
  double sign = (s[0] == '-') ? -1.0 : 1.0;
  if (rest == ".inf" || rest == ".Inf" || rest == ".INF") {
    if (out) *out = sign * std::numeric_limits<double>::infinity();
    return true;
  }
  if (i == 0 && (rest == ".nan" || rest == ".NaN" || rest == ".NAN")) {
    if (out) *out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
  std::size_t p = i, n = s.size();
  std::size_t int_digits = 0, frac_digits = 0;
  while (p < n && s[p] >= '0' && s[p] <= '9') ++p, ++int_digits;
  if (p < n && s[p] == '.') {
    ++p;
    while (p < n && s[p] >= '0' && s[p] <= '9') ++p, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (p < n && (s[p] == 'e' || s[p] == 'E')) {
    ++p;
    if (p < n && (s[p] == '-' || s[p] == '+')) ++p;
    std::size_t exp_digits = 0;
    while (p < n && s[p] >= '0' && s[p] <= '9') ++p, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  if (p != n) return false;
  if (out) *out = std::strtod(s.c_str(), nullptr);
  return true;
}

}  // namespace

bool ConfigNode::is_integer() const {
  return type_ == Type::Scalar && !quoted_ && parse_integer(text_, nullptr);
}

bool ConfigNode::is_number() const {
  return type_ == Type::Scalar && !quoted_ &&
         (parse_integer(text_, nullptr) || parse_float(text_, nullptr));
}

bool ConfigNode::is_bool() const {
  if (type_ != Type::Scalar || quoted_) return false;
  return text_ == "true" || text_ == "True" || text_ == "TRUE" || text_ == "false" ||
         text_ == "False" || text_ == "FALSE";
}

long long ConfigNode::as_integer() const {
  long long v = 0;
  if (type_ != Type::Scalar || !parse_integer(text_, &v))
    throw std::logic_error("not an integer: " + describe());
  return v;
}

double ConfigNode::as_number() const {
  long long i = 0;
  if (type_ == Type::Scalar && parse_integer(text_, &i)) return static_cast<double>(i);
  double d = 0;
  if (type_ != Type::Scalar || !parse_float(text_, &d))
    throw std::logic_error("not a number: " + describe());
  return d;
}

bool ConfigNode::as_bool() const {
  if (!is_bool()) throw std::logic_error("not a boolean: " + describe());
  return text_[0] == 't' || text_[0] == 'T';
}

const ConfigNode* ConfigNode::find(const std::string& key) const {
  if (type_ != Type::Map) return nullptr;
  for (const auto& e : entries_)
    if (e.first == key) return &e.second;
  return nullptr;
}

ConfigNode* ConfigNode::find(const std::string& key) {
  return const_cast<ConfigNode*>(static_cast<const ConfigNode*>(this)->find(key));
}

const ConfigNode& ConfigNode::at(const std::string& key) const {
  const ConfigNode* n = find(key);
  if (!n) throw std::out_of_range("config key '" + key + "' is missing");
  return *n;
}

ConfigNode& ConfigNode::set(const std::string& key, ConfigNode v) {
  if (type_ != Type::Map) {
    type_ = Type::Map;
    items_.clear();
    text_.clear();
  }
  for (auto& e : entries_)
    if (e.first == key) return e.second = std::move(v);
  entries_.emplace_back(key, std::move(v));
  key_marks_.push_back(entries_.back().second.mark());
  return entries_.back().second;
}

bool ConfigNode::erase(const std::string& key) {
  for (std::size_t i = 0; i < entries_.size(); ++i)
    if (entries_[i].first == key) {
      entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
      key_marks_.erase(key_marks_.begin() + static_cast<std::ptrdiff_t>(i));
      return true;
    }
  return false;
}

const Mark& ConfigNode::key_mark(const std::string& key) const {
  for (std::size_t i = 0; i < entries_.size(); ++i)
    if (entries_[i].first == key) return key_marks_[i];
  return mark_;
}

void ConfigNode::set_key_mark(const std::string& key, Mark m) {
  for (std::size_t i = 0; i < entries_.size(); ++i)
    if (entries_[i].first == key) key_marks_[i] = std::move(m);
}

bool ConfigNode::operator==(const ConfigNode& o) const {
  if (type_ != o.type_) return false;
  switch (type_) {
    case Type::Null:
      return true;
    case Type::Scalar:
      return text_ == o.text_ && quoted_ == o.quoted_;
    case Type::Sequence:
      return items_ == o.items_;
    case Type::Map:
      return entries_ == o.entries_;
  }
  return false;
}

std::string ConfigNode::describe() const {
  switch (type_) {
    case Type::Null:
      return "nothing (null)";
    case Type::Sequence:
      return "a list";
    case Type::Map:
      return "a map";
    case Type::Scalar:
      break;
  }
  std::string shown = text_.size() > 40 ? text_.substr(0, 40) + "..." : text_;
  if (is_integer()) return "the integer " + shown;
  if (is_number()) return "the number " + shown;
  if (is_bool()) return "the boolean " + shown;
  return "the string '" + shown + "'";
}

Spec& Spec::field(std::string key, Spec s) {
  fields.push_back(Field{std::move(key), std::move(s)});
  return *this;
}

const Field* Spec::find_field(const std::string& key) const {
  for (const auto& f : fields)
    if (f.key == key) return &f;
  return nullptr;
}

namespace spec {
namespace {
Spec make(Spec::Kind k, std::string doc) {
  Spec s;
  s.kind = k;
  s.doc = std::move(doc);
  return s;
}
}  // namespace
Spec integer(std::string doc) { return make(Spec::Kind::Integer, std::move(doc)); }
Spec number(std::string doc) { return make(Spec::Kind::Number, std::move(doc)); }
Spec string(std::string doc) { return make(Spec::Kind::String, std::move(doc)); }
Spec boolean(std::string doc) { return make(Spec::Kind::Boolean, std::move(doc)); }
Spec path(std::string doc) { return make(Spec::Kind::Path, std::move(doc)); }
Spec map(std::string doc) { return make(Spec::Kind::Map, std::move(doc)); }
Spec list(Spec item, std::string doc) {
  Spec s = make(Spec::Kind::List, std::move(doc));
  s.items = std::make_shared<Spec>(std::move(item));
  return s;
}
Spec object(std::string registry, std::string doc, std::string default_type) {
  Spec s = make(Spec::Kind::Object, std::move(doc));
  s.registry = std::move(registry);
  s.default_type = std::move(default_type);
  return s;
}
Spec any(std::string doc) { return make(Spec::Kind::Any, std::move(doc)); }
}  // namespace spec

std::string kind_name(Spec::Kind k) {
  switch (k) {
    case Spec::Kind::Integer: return "an integer";
    case Spec::Kind::Number: return "a number";
    case Spec::Kind::String: return "a string";
    case Spec::Kind::Boolean: return "a boolean (true or false)";
    case Spec::Kind::Path: return "a file path";
    case Spec::Kind::Map: return "a map";
    case Spec::Kind::List: return "a list";
    case Spec::Kind::Object: return "a name or a map with 'type'";
    case Spec::Kind::Any: return "any value";
  }
  return "a value";
}

}  // namespace mindset
