// Override paths with list indices as keys of flow maps: `grid: {model.layers[0].units: [2, 4]}`.
// YAML forbids '[' and ']' in plain scalars inside flow collections, so that text does not parse
// (PyYAML and yaml-cpp both refuse it), yet it is how people write sweep grids on one line.
// When a document fails to parse, parse_yaml retries with the brackets of such keys read as
// parentheses (the same length, so every mark stays exact) and then restores them in the tree.
// Valid YAML is never reinterpreted: the rewrite runs only after the text failed to parse.
#include "yaml_flow_keys.hpp"

#include <cctype>

namespace mindset {

namespace {

bool name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

// Length of an override path with at least one [index] at `p` (followed by optional blanks and
// ": "), or 0.
std::size_t indexed_path_key(const std::string& t, std::size_t p) {
  std::size_t i = p;
  if (i < t.size() && (t[i] == '+' || t[i] == '~')) ++i;
  if (i >= t.size() || !name_start(t[i])) return 0;
  bool indexed = false;
  while (i < t.size()) {
    if (name_char(t[i])) {
      ++i;
    } else if (t[i] == '.' && i + 1 < t.size() && name_start(t[i + 1])) {
      ++i;
    } else if (t[i] == '[') {
      std::size_t j = i + 1;
      while (j < t.size() && std::isdigit(static_cast<unsigned char>(t[j]))) ++j;
      if (j == i + 1 || j >= t.size() || t[j] != ']') return 0;
      i = j + 1;
      indexed = true;
    } else {
      break;
    }
  }
  std::size_t end = i;
  while (i < t.size() && (t[i] == ' ' || t[i] == '\t')) ++i;
  if (!indexed || i + 1 >= t.size() || t[i] != ':' || !(t[i + 1] == ' ' || t[i + 1] == '\t' || t[i + 1] == '\n'))
    return 0;
  return end - p;
}

}  // namespace

std::string swap_flow_key_brackets(const std::string& text, std::set<std::pair<int, int>>& keys) {
  std::string t = text;
  std::vector<char> flow;  // open '{' and '[' of flow collections
  int line = 1;
  std::size_t line_start = 0;
  bool expect_key = false;  // just after '{' or a ',' inside a flow map
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c == '\n') {
      ++line;
      line_start = i + 1;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') continue;
    if (c == '#' && (i == 0 || t[i - 1] == ' ' || t[i - 1] == '\t' || t[i - 1] == '\n')) {
      while (i + 1 < t.size() && t[i + 1] != '\n') ++i;
      continue;
    }
    if (expect_key && !flow.empty() && flow.back() == '{') {
      expect_key = false;
      if (std::size_t n = indexed_path_key(t, i)) {
        keys.insert({line, static_cast<int>(i - line_start) + 1});
        for (std::size_t k = i; k < i + n; ++k) t[k] = t[k] == '[' ? '(' : t[k] == ']' ? ')' : t[k];
        i += n - 1;
        continue;
      }
    }
    expect_key = false;
    if (c == '"' || c == '\'') {  // skip a quoted scalar
      for (++i; i < t.size(); ++i) {
        if (t[i] == '\n') ++line, line_start = i + 1;
        if (c == '"' && t[i] == '\\') ++i;
        else if (t[i] == c && c == '\'' && i + 1 < t.size() && t[i + 1] == '\'') ++i;
        else if (t[i] == c) break;
      }
    } else if (c == '{' || c == '[') {
      flow.push_back(c);
      expect_key = c == '{';
    } else if ((c == '}' || c == ']') && !flow.empty()) {
      flow.pop_back();
    } else if (c == ',' && !flow.empty()) {
      expect_key = flow.back() == '{';
    }
  }
  return t;
}

void restore_flow_keys(ConfigNode& node, const std::set<std::pair<int, int>>& keys) {
  if (node.is_sequence()) {
    for (auto& item : node.items()) restore_flow_keys(item, keys);
    return;
  }
  if (!node.is_map()) return;
  for (auto& [key, value] : node.entries()) {
    const Mark m = node.key_mark(key);
    if (keys.count({m.line, m.column})) {
      std::string fixed = key;
      for (char& ch : fixed) ch = ch == '(' ? '[' : ch == ')' ? ']' : ch;
      if (fixed != key) {
        key = fixed;
        node.set_key_mark(key, m);
      }
    }
    restore_flow_keys(value, keys);
  }
}

}  // namespace mindset
