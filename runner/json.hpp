// A small ordered JSON value and writer, for the generated JSON Schema. Keys keep the order they
// were set in, so the output is deterministic and reads in the order the schema declares.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mindset {

class Json {
 public:
  enum class Type { Null, Bool, Integer, Number, String, Array, Object };

  Json() = default;
  static Json boolean(bool v);
  static Json integer(long long v);
  static Json number(double v);  // non-finite numbers are written as null (JSON has no inf)
  static Json string(std::string v);
  static Json array();
  static Json object();
  template <class... S>
  static Json strings(const S&... s) {
    Json a = array();
    (a.push(string(s)), ...);
    return a;
  }

  Type type() const { return type_; }
  bool is_object() const { return type_ == Type::Object; }
  std::size_t size() const { return type_ == Type::Array ? items_.size() : members_.size(); }

  Json& push(Json v);                      // arrays
  Json& set(const std::string& key, Json v);  // objects: replace or append
  const Json* find(const std::string& key) const;
  const std::vector<std::pair<std::string, Json>>& members() const { return members_; }
  const std::vector<Json>& items() const { return items_; }
  bool erase(const std::string& key);

  // Pretty-printed with `indent` spaces; ends without a newline.
  std::string dump(int indent = 2) const;

 private:
  void write(std::string& out, int indent, int depth) const;

  Type type_ = Type::Null;
  bool bool_ = false;
  long long int_ = 0;
  double num_ = 0;
  std::string str_;
  std::vector<Json> items_;
  std::vector<std::pair<std::string, Json>> members_;
};

// `s` as a JSON string literal, quotes included.
std::string json_quote(const std::string& s);

}  // namespace mindset
