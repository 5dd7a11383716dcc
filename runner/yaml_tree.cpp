#include "yaml_tree.hpp"

#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "yaml_flow_keys.hpp"

namespace mindset {

namespace {

struct TooBig : std::runtime_error {
  Mark mark;
  TooBig(Mark m, const std::string& msg) : std::runtime_error(msg), mark(std::move(m)) {}
};

// Builds the tree from yaml-cpp's parse events.
class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(std::shared_ptr<const std::string> file, const YamlLimits& limits, Diagnostics& diags)
      : file_(std::move(file)), limits_(limits), diags_(diags) {}

  bool done() const { return has_root_; }
  ConfigNode take_root() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& m, YAML::anchor_t anchor) override {
    charge(1, mark(m));
    add(ConfigNode::null(mark(m)), anchor, 1);
  }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) throw TooBig(mark(m), "unknown alias");
    if (nodes_ + it->second.second > limits_.max_nodes)
      throw TooBig(mark(m), "aliases expand to more than " + std::to_string(limits_.max_nodes) +
                                " values (an alias bomb?); refusing to expand them");
    charge(it->second.second, mark(m));
    ConfigNode copy = it->second.first;
    add(std::move(copy), 0, it->second.second);
  }
  void OnScalar(const YAML::Mark& m, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    // Quoted scalars come with the non-specific tag "!"; an explicit !!str means string too.
    bool quoted = tag == "!" || tag == "tag:yaml.org,2002:str";
    charge(1, mark(m));
    add(ConfigNode::scalar(value, quoted, mark(m)), anchor, 1);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(ConfigNode::sequence(mark(m)), anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(ConfigNode::map(mark(m)), anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    ConfigNode node;
    YAML::anchor_t anchor;
    std::size_t count = 1;
    bool have_key = false;
    std::string key;
    Mark key_mark;
  };

  Mark mark(const YAML::Mark& m) const { return Mark{file_, m.line + 1, m.column + 1}; }

  void open(ConfigNode n, YAML::anchor_t anchor) {
    if (stack_.size() >= limits_.max_depth)
      throw TooBig(n.mark(), "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
    charge(1, n.mark());
    Frame f;
    f.node = std::move(n);
    f.anchor = anchor;
    stack_.push_back(std::move(f));
  }

  void charge(std::size_t k, const Mark& m) {
    nodes_ += k;
    if (nodes_ > limits_.max_nodes)
      throw TooBig(m, "more than " + std::to_string(limits_.max_nodes) + " values (after expanding aliases)");
  }

  void close() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    add(std::move(f.node), f.anchor, f.count);
  }

  // Attaches a finished value (already charged to the budget) to its parent.
  void add(ConfigNode n, YAML::anchor_t anchor, std::size_t count) {
    if (anchor) anchors_[anchor] = {n, count};
    if (stack_.empty()) {
      root_ = std::move(n);
      has_root_ = true;
      return;
    }
    Frame& p = stack_.back();
    p.count += count;
    if (p.node.is_sequence()) {
      p.node.items().push_back(std::move(n));
      return;
    }
    if (!p.have_key) {
      if (!n.is_scalar() && !n.is_null()) {
        diags_.add(n.mark(), "", "map keys must be plain names, found " + n.describe());
        p.key = "?";
      } else {
        p.key = n.text();
      }
      p.key_mark = n.mark();
      p.have_key = true;
      return;
    }
    p.have_key = false;
    if (p.node.find(p.key)) {
      diags_.add(p.key_mark, path_to(p.key), "duplicate key '" + p.key + "' (first given at line " +
                                     std::to_string(p.node.key_mark(p.key).line) +
                                     "); YAML keys must be unique");
      return;
    }
    p.node.set(p.key, std::move(n));
    p.node.set_key_mark(p.key, p.key_mark);
  }

  // Key path of `key` in the innermost open map: "model.layers[1].units".
  std::string path_to(const std::string& key) const {
    std::string path;
    for (std::size_t i = 0; i + 1 < stack_.size(); ++i) {
      const Frame& f = stack_[i];
      if (f.node.is_sequence()) path += "[" + std::to_string(f.node.items().size()) + "]";
      else path += (path.empty() ? "" : ".") + f.key;
    }
    return path + (path.empty() ? "" : ".") + key;
  }

  std::shared_ptr<const std::string> file_;
  YamlLimits limits_;
  Diagnostics& diags_;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, std::pair<ConfigNode, std::size_t>> anchors_;
  std::size_t nodes_ = 0;
  ConfigNode root_;
  bool has_root_ = false;
};

// "1048576 (1 MiB)"
std::string limit_text(std::size_t bytes) {
  return std::to_string(bytes) + (bytes % (1 << 20) == 0 ? " (" + std::to_string(bytes >> 20) + " MiB)" : "");
}

// Where the first byte that is not UTF-8 is (0 when all is): YAML text is Unicode, and a stray
// Latin-1 byte would not survive the round trip through the results' config attribute.
std::size_t invalid_utf8_at(const std::string& text, int& line, int& column) {
  line = 1, column = 1;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || i + n > text.size()) return i + 1;
    std::uint32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
      const auto d = static_cast<unsigned char>(text[i + k]);
      if ((d & 0xC0) != 0x80) return i + 1;
      cp = cp << 6 | (d & 0x3F);
    }
    static const std::uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i + 1;  // overlong, surrogate
    if (c == '\n') ++line, column = 1;
    else ++column;
    i += n;
  }
  return 0;
}

}  // namespace

ConfigNode parse_yaml(const std::string& text, std::shared_ptr<const std::string> file,
                      const YamlLimits& limits) {
  Mark where{file, 0, 0};
  if (text.size() > limits.max_bytes)
    throw UserError(where, "", "config is " + std::to_string(text.size()) + " bytes; the limit is " +
                                   limit_text(limits.max_bytes));
  if (text.find('\0') != std::string::npos)
    throw UserError(where, "", "config contains a NUL byte; expected YAML text");
  int line = 0, column = 0;
  if (invalid_utf8_at(text, line, column))
    throw UserError(Mark{file, line, column}, "", "not UTF-8 text at line " + std::to_string(line) + ", column " +
                                                      std::to_string(column) + "; save the config as UTF-8");
  Diagnostics diags;
  auto parse = [&](const std::string& yaml, TreeBuilder& builder) {
    std::istringstream in(yaml);
    YAML::Parser parser(in);
    parser.HandleNextDocument(builder);
    if (builder.done()) {
      TreeBuilder extra(file, limits, diags);
      if (parser.HandleNextDocument(extra))
        diags.add(where, "", "more than one YAML document ('---'); a config is one document");
    }
  };
  TreeBuilder builder(file, limits, diags);
  try {
    try {
      parse(text, builder);
    } catch (const YAML::Exception&) {
      // {model.layers[0].units: [2, 4]}: brackets in flow-map keys (yaml_flow_keys.hpp).
      std::set<std::pair<int, int>> keys;
      const std::string swapped = swap_flow_key_brackets(text, keys);
      if (keys.empty()) throw;
      diags = Diagnostics();
      TreeBuilder retry(file, limits, diags);
      bool parsed = true;
      try {
        parse(swapped, retry);
      } catch (const YAML::Exception&) {
        parsed = false;
      }
      if (!parsed) throw;  // still not YAML: the original error
      diags.throw_if_any();
      if (!retry.done()) return ConfigNode::null(Mark{file, 1, 1});
      ConfigNode root = retry.take_root();
      restore_flow_keys(root, keys);
      return root;
    }
  } catch (const TooBig& e) {
    throw UserError(e.mark, "", e.what());
  } catch (const YAML::Exception& e) {
    std::string msg = e.msg;
    Mark m{file, e.mark.line + 1, e.mark.column + 1};
    if (e.mark.is_null()) m = where;
    std::string at = e.mark.is_null() ? "" : " at line " + std::to_string(m.line) + ", column " + std::to_string(m.column);
    throw UserError(m, "", "YAML syntax error" + at + ": " + msg);
  }
  diags.throw_if_any();
  if (!builder.done()) return ConfigNode::null(Mark{file, 1, 1});
  return builder.take_root();
}

ConfigNode load_yaml_file(const std::string& path, const YamlLimits& limits) {
  auto file = std::make_shared<const std::string>(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(Mark{file, 0, 0}, "", "cannot read the file (does it exist?)");
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  if (size < 0) throw UserError(Mark{file, 0, 0}, "", "cannot read the file (is it a folder?)");
  if (static_cast<std::size_t>(size) > limits.max_bytes)
    throw UserError(Mark{file, 0, 0}, "", "config is " + std::to_string(size) + " bytes; the limit is " +
                                              limit_text(limits.max_bytes));
  in.seekg(0);
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(&text[0], size);
  return parse_yaml(text, file, limits);
}

namespace {

// A quoted scalar that would read back as something else when written plain must stay quoted,
// for YAML 1.2 readers and for YAML 1.1 ones (PyYAML: yes/no/on/off are booleans, 1_000 and
// 1:30 are numbers), which is what users load the results' config attribute with.
bool needs_quotes(const ConfigNode& n) {
  if (!n.quoted()) return false;
  ConfigNode plain = ConfigNode::scalar(n.text(), false);
  const std::string& t = n.text();
  static const char* const words[] = {"~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no",
                                      "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "=", "<<"};
  for (const char* w : words)
    if (t == w) return true;
  const char c = t.empty() ? '\0' : t[0];
  return plain.is_number() || plain.is_bool() || t.empty() || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
         c == '.';
}

// yaml-cpp writes a carriage return plain, where a reader takes it for a line break (found by
// fuzzing, fuzz/regressions/config/carriage_return_in_a_plain_scalar): quoted, it stays "\r".
bool has_cr(const std::string& s) { return s.find('\r') != std::string::npos; }

void emit(YAML::Emitter& out, const ConfigNode& n) {
  switch (n.type()) {
    case ConfigNode::Type::Null:
      out << YAML::Null;
      break;
    case ConfigNode::Type::Scalar:
      if (needs_quotes(n) || has_cr(n.text())) out << YAML::DoubleQuoted << n.text();
      else out << n.text();
      break;
    case ConfigNode::Type::Sequence:
      out << YAML::BeginSeq;
      for (const auto& i : n.items()) emit(out, i);
      out << YAML::EndSeq;
      break;
    case ConfigNode::Type::Map:
      out << YAML::BeginMap;
      for (const auto& e : n.entries()) {
        // YAML caps implicit keys at 1024 characters (escapes included): longer ones, and any
        // that might grow past it when escaped, are written as explicit keys ("? key").
        if (e.first.size() > 100) out << YAML::LongKey;
        out << YAML::Key;
        if (has_cr(e.first)) out << YAML::DoubleQuoted;
        out << e.first << YAML::Value;
        emit(out, e.second);
      }
      out << YAML::EndMap;
      break;
  }
}

}  // namespace

std::string emit_yaml(const ConfigNode& node) {
  YAML::Emitter out;
  out.SetIndent(2);
  emit(out, node);
  return std::string(out.c_str()) + "\n";
}

std::string emit_flow(const ConfigNode& node) {
  YAML::Emitter out;
  out.SetMapFormat(YAML::Flow);
  out.SetSeqFormat(YAML::Flow);
  emit(out, node);
  return out.c_str();
}

}  // namespace mindset
