// docs/config-reference.md, generated from the same schema and registries as the JSON Schema.
#include <cctype>

#include "registry.hpp"
#include "schema.hpp"
#include "schema_export.hpp"

namespace mindset {

namespace {

std::string cell(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

std::string title_of(const RegistryBase& r) {
  std::string t = r.plural();
  if (!t.empty()) t[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(t[0])));
  return t;
}

// GitHub's anchor for a heading.
std::string anchor_of(const std::string& heading) {
  std::string a;
  for (char c : heading) {
    if (std::isalnum(static_cast<unsigned char>(c))) a += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (c == ' ' || c == '-') a += '-';
    else if (c == '_') a += '_';
  }
  return a;
}

std::string type_cell(const Spec& s) {
  if (s.kind == Spec::Kind::Object) {
    if (const RegistryBase* r = find_registry(s.registry)) {
      std::string t = "[" + r->kind() + "](#" + anchor_of(title_of(*r)) + ")";
      std::string alt = spec_type_text(s);
      return t + alt.substr(alt.find(' ') == std::string::npos ? alt.size() : alt.find(' '));
    }
  }
  if (s.kind == Spec::Kind::List && s.items && s.items->kind == Spec::Kind::Object) {
    std::string t = spec_type_text(s);
    std::string item = type_cell(*s.items);
    std::string inner = spec_type_text(*s.items);
    std::size_t at = t.find(inner);
    return at == std::string::npos ? t : t.substr(0, at) + item + t.substr(at + inner.size());
  }
  return spec_type_text(s);
}

void table_rows(std::string& out, const Spec& s, const std::string& prefix) {
  for (const Field& f : s.fields) {
    std::string key = prefix.empty() ? f.key : prefix + "." + f.key;
    std::string def = spec_default_text(f.spec);
    out += "| `" + key + "` | " + cell(type_cell(f.spec)) + " | " + cell(def.empty() ? "" : (def == "required" ? "**required**" : "`" + def + "`")) +
           " | " + cell(f.spec.doc) + " |\n";
    if (f.spec.kind == Spec::Kind::Map) table_rows(out, f.spec, key);
    if (f.spec.kind == Spec::Kind::List && f.spec.items && f.spec.items->kind == Spec::Kind::Map)
      table_rows(out, *f.spec.items, key + "[]");
  }
}

const char* kTableHead = "| key | type | default | description |\n|---|---|---|---|\n";

}  // namespace

std::string config_reference_markdown() {
  std::string out;
  out += "# Config reference\n\n";
  out += "<!-- Generated from the schema in the code (runner/schema.cpp) and the registries; do not edit.\n"
         "     Regenerate: build/bin/mindset schema --markdown > docs/config-reference.md -->\n\n";
  out += "An experiment config is a YAML map with the keys below. `mindset validate CONFIG` checks a config "
         "against this schema and reports every problem with file:line:column, the key path and the closest "
         "valid name. The same schema, as JSON Schema for editors, is `configs/schema.json` "
         "(`mindset schema`).\n\n";
  out += "A config may start with `extends: base.yaml` (relative to the file; may chain): it is deep-merged "
         "over its base, maps merging key by key, lists and scalars replacing. Any key can also be set on the "
         "command line: `key.path=value`, `+key.path=value` (a key the file does not have), `~key.path` "
         "(remove).\n\n";
  out += "## Experiment\n\n";
  out += kTableHead;
  table_rows(out, experiment_spec(), "");
  out += "\nValues marked with a type link are registered types: a name (`activation: relu`) or a map with "
         "`type` and options (`activation: {type: leaky_relu, slope: 0.1}`). The registered types and their "
         "options follow.\n";
  for (const RegistryBase* r : all_registries()) {
    out += "\n## " + title_of(*r) + "\n";
    if (r->types().empty()) out += "\nNone registered.\n";
    for (const TypeInfo* t : r->types()) {
      out += "\n### `" + t->name + "`\n\n";
      if (!t->description.empty()) out += cell(t->description) + "\n\n";
      if (t->options.fields.empty()) {
        out += "No options.\n";
        continue;
      }
      out += kTableHead;
      table_rows(out, t->options, "");
    }
  }
  return out;
}

}  // namespace mindset
