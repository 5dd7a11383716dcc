// Config values and option specs.
//
// A ConfigNode is a YAML value that remembers where it came from (file, line, column), so every
// error can point at the text the user wrote. Registered types (layers, activations, ...) declare
// their options as a Spec; the runner validates configs against these specs, fills defaults, and
// generates the JSON Schema and docs from them. One declaration, every use.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mindset {

struct Mark {
  std::shared_ptr<const std::string> file;  // null for values made in code
  int line = 0;                             // 1-based; 0 = unknown
  int column = 0;
  bool command_line = false;  // a value given on the command line (relative paths: the cwd)

  // "file:line:column" (or the parts that are known); empty when nothing is known.
  std::string str() const;
};

class ConfigNode {
 public:
  enum class Type { Null, Scalar, Sequence, Map };
  using Entry = std::pair<std::string, ConfigNode>;

  ConfigNode() = default;
  static ConfigNode null(Mark m = {});
  static ConfigNode scalar(std::string text, bool quoted = false, Mark m = {});
  static ConfigNode sequence(Mark m = {});
  static ConfigNode map(Mark m = {});
  static ConfigNode of(double v);
  static ConfigNode of(long long v);
  static ConfigNode of(int v) { return of(static_cast<long long>(v)); }
  static ConfigNode of(bool v);
  static ConfigNode of(const std::string& v) { return scalar(v, true); }
  static ConfigNode of(const char* v) { return scalar(v, true); }

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::Null; }
  bool is_scalar() const { return type_ == Type::Scalar; }
  bool is_sequence() const { return type_ == Type::Sequence; }
  bool is_map() const { return type_ == Type::Map; }
  const Mark& mark() const { return mark_; }
  void set_mark(Mark m) { mark_ = std::move(m); }
  void set_mark_recursive(const Mark& m);

  // Scalars. `quoted` scalars are always strings; plain ones are typed by the YAML 1.2 core
  // schema when read with the typed accessors below.
  const std::string& text() const { return text_; }
  bool quoted() const { return quoted_; }
  bool is_integer() const;  // plain scalar that parses as an integer
  bool is_number() const;   // plain scalar that parses as int or float (incl. .inf/.nan)
  bool is_bool() const;
  bool is_string() const { return type_ == Type::Scalar; }  // any scalar can be read as text
  long long as_integer() const;  // precondition: is_integer()
  double as_number() const;      // precondition: is_number()
  bool as_bool() const;          // precondition: is_bool()

  // Sequences.
  std::vector<ConfigNode>& items() { return items_; }
  const std::vector<ConfigNode>& items() const { return items_; }
  std::size_t size() const { return type_ == Type::Map ? entries_.size() : items_.size(); }

  // Maps: ordered entries (duplicates rejected by the parser).
  std::vector<Entry>& entries() { return entries_; }
  const std::vector<Entry>& entries() const { return entries_; }
  const ConfigNode* find(const std::string& key) const;
  ConfigNode* find(const std::string& key);
  bool has(const std::string& key) const { return find(key) != nullptr; }
  const ConfigNode& at(const std::string& key) const;  // throws std::out_of_range
  ConfigNode& set(const std::string& key, ConfigNode v);  // replace or append
  bool erase(const std::string& key);
  const Mark& key_mark(const std::string& key) const;  // mark of the key text (or the map's)
  void set_key_mark(const std::string& key, Mark m);

  // Convenience for code that reads validated options (defaults already filled in).
  long long get_integer(const std::string& key) const { return at(key).as_integer(); }
  double get_number(const std::string& key) const { return at(key).as_number(); }
  bool get_bool(const std::string& key) const { return at(key).as_bool(); }
  const std::string& get_string(const std::string& key) const { return at(key).text(); }

  // Deep structural equality (ignores marks).
  bool operator==(const ConfigNode& o) const;
  bool operator!=(const ConfigNode& o) const { return !(*this == o); }

  // A short description of the type found, for error messages: "a string 'many'", "a list".
  std::string describe() const;

 private:
  Type type_ = Type::Null;
  std::string text_;
  bool quoted_ = false;
  std::vector<ConfigNode> items_;
  std::vector<Entry> entries_;
  std::vector<Mark> key_marks_;  // parallel to entries_
  Mark mark_;
};

// ---------------------------------------------------------------------------------------------
// Specs: what a config value may be. Built with the small fluent helpers at the bottom.

struct Spec;
struct Field;

struct Spec {
  enum class Kind { Integer, Number, String, Boolean, Path, Map, List, Object, Any };

  Kind kind = Kind::Any;
  std::string doc;
  bool required = false;
  std::optional<ConfigNode> default_value;
  std::string default_doc;  // for defaults computed at run time ("iterations/20")
  std::optional<double> minimum, maximum;
  bool exclusive_minimum = false, exclusive_maximum = false;
  bool finite = false;                // numbers: reject inf/nan
  std::optional<double> multiple;     // numbers: must be a multiple of this (examples: even)
  bool must_exist = false;            // paths: the file must exist when the config is checked
  std::vector<std::string> choices;   // strings: allowed values
  std::vector<Field> fields;          // maps: known keys, in order
  std::shared_ptr<Spec> items;        // lists: spec of each item
  std::size_t min_items = 0;
  std::string registry;               // objects: registry kind ("layer", "activation", ...)
  std::string default_type;           // objects given as a map without `type`
  bool name_allowed = true;           // objects may be written as a bare name
  std::vector<Spec> alternatives;     // value may also match one of these (e.g. a number or a list)

  // Fluent setters.
  Spec& describe(std::string d) { doc = std::move(d); return *this; }
  Spec& require() { required = true; return *this; }
  Spec& def(ConfigNode v) { default_value = std::move(v); return *this; }
  Spec& def_doc(std::string d) { default_doc = std::move(d); return *this; }
  Spec& min(double v, bool exclusive = false) { minimum = v; exclusive_minimum = exclusive; return *this; }
  Spec& max(double v, bool exclusive = false) { maximum = v; exclusive_maximum = exclusive; return *this; }
  Spec& must_be_finite() { finite = true; return *this; }
  Spec& multiple_of(double m) { multiple = m; return *this; }
  Spec& existing() { must_exist = true; return *this; }
  Spec& one_of(std::vector<std::string> c) { choices = std::move(c); return *this; }
  Spec& field(std::string key, Spec s);
  Spec& at_least(std::size_t n) { min_items = n; return *this; }
  Spec& or_else(Spec alt) { alternatives.push_back(std::move(alt)); return *this; }
  Spec& map_only() { name_allowed = false; return *this; }

  const Field* find_field(const std::string& key) const;
};

struct Field {
  std::string key;
  Spec spec;
};

namespace spec {
Spec integer(std::string doc = {});
Spec number(std::string doc = {});
Spec string(std::string doc = {});
Spec boolean(std::string doc = {});
Spec path(std::string doc = {});
Spec map(std::string doc = {});
Spec list(Spec item, std::string doc = {});
Spec object(std::string registry, std::string doc = {}, std::string default_type = {});
Spec any(std::string doc = {});
}  // namespace spec

// Human names of kinds for messages and docs: "an integer", "a number", ...
std::string kind_name(Spec::Kind k);

}  // namespace mindset
