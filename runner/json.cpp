#include "json.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace mindset {

Json Json::boolean(bool v) {
  Json j;
  j.type_ = Type::Bool;
  j.bool_ = v;
  return j;
}
Json Json::integer(long long v) {
  Json j;
  j.type_ = Type::Integer;
  j.int_ = v;
  return j;
}
Json Json::number(double v) {
  Json j;
  if (!std::isfinite(v)) return j;
  j.type_ = Type::Number;
  j.num_ = v;
  return j;
}
Json Json::string(std::string v) {
  Json j;
  j.type_ = Type::String;
  j.str_ = std::move(v);
  return j;
}
Json Json::array() {
  Json j;
  j.type_ = Type::Array;
  return j;
}
Json Json::object() {
  Json j;
  j.type_ = Type::Object;
  return j;
}

Json& Json::push(Json v) {
  type_ = Type::Array;
  items_.push_back(std::move(v));
  return items_.back();
}

Json& Json::set(const std::string& key, Json v) {
  type_ = Type::Object;
  for (auto& m : members_)
    if (m.first == key) return m.second = std::move(v);
  members_.emplace_back(key, std::move(v));
  return members_.back().second;
}

const Json* Json::find(const std::string& key) const {
  for (const auto& m : members_)
    if (m.first == key) return &m.second;
  return nullptr;
}

bool Json::erase(const std::string& key) {
  for (auto it = members_.begin(); it != members_.end(); ++it)
    if (it->first == key) {
      members_.erase(it);
      return true;
    }
  return false;
}

std::string json_quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

namespace {
// Shortest text that reads back to the same double, always with a '.' or exponent.
std::string number_text(double v) {
  char buf[40];
  for (int prec = 1; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  std::string s = buf;
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}
}  // namespace

void Json::write(std::string& out, int indent, int depth) const {
  auto newline = [&](int d) {
    out += '\n';
    out.append(static_cast<std::size_t>(indent * d), ' ');
  };
  switch (type_) {
    case Type::Null: out += "null"; return;
    case Type::Bool: out += bool_ ? "true" : "false"; return;
    case Type::Integer: out += std::to_string(int_); return;
    case Type::Number: out += number_text(num_); return;
    case Type::String: out += json_quote(str_); return;
    case Type::Array: {
      if (items_.empty()) {
        out += "[]";
        return;
      }
      // Short arrays of scalars stay on one line: ["type", "units"].
      bool flat = items_.size() <= 12;
      for (const auto& i : items_) flat = flat && i.type_ != Type::Array && i.type_ != Type::Object;
      out += '[';
      for (std::size_t k = 0; k < items_.size(); ++k) {
        if (k) out += flat ? ", " : ",";
        if (!flat) newline(depth + 1);
        items_[k].write(out, indent, depth + 1);
      }
      if (!flat) newline(depth);
      out += ']';
      return;
    }
    case Type::Object: {
      if (members_.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      for (std::size_t k = 0; k < members_.size(); ++k) {
        if (k) out += ',';
        newline(depth + 1);
        out += json_quote(members_[k].first) + ": ";
        members_[k].second.write(out, indent, depth + 1);
      }
      newline(depth);
      out += '}';
      return;
    }
  }
}

std::string Json::dump(int indent) const {
  std::string out;
  write(out, indent, 0);
  return out;
}

}  // namespace mindset
