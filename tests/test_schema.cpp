// The schema for editors and readers: configs/schema.json and docs/config-reference.md are what
// `mindset schema` generates now; an independent JSON Schema validator (python3-jsonschema)
// accepts every shipped config and rejects broken ones; registered types appear everywhere
// (schema, reference, `mindset list`, validation) with no schema edit.
#define BOOST_TEST_MODULE schema
#include "schema_export.hpp"

#include "config.hpp"
#include "dataset.hpp"
#include "json.hpp"
#include "registry.hpp"
#include "schema.hpp"
#include "testing.hpp"
#include "validate.hpp"
#include "yaml_tree.hpp"

namespace fs = std::filesystem;
using testing::Result;

namespace {

// A data source only this test binary has: it must show up in the generated schema and docs and
// be validated like any other, with nobody editing the schema.
class ProbeSource : public mindset::DataSource {
 public:
  explicit ProbeSource(const mindset::ConfigNode&) {}
  static mindset::TypeInfo info() {
    using namespace mindset;
    return {"probe_source", "a source registered by test_schema only",
            spec::map()
                .field("rows", spec::integer("how many rows").require().min(1))
                .field("mode", spec::string("how to make them").one_of({"fast", "exact"}).def(ConfigNode::scalar("exact")))
                .field("ratio", spec::number("a ratio").min(0).max(1, true).def(ConfigNode::of(0.25)))
                // Every other kind of spec, so the generators are tested on all of them.
                .field("flag", spec::boolean("a switch").def(ConfigNode::of(false)))
                .field("file", spec::path("a file that may not exist yet"))
                .field("sizes", spec::list(spec::integer().min(1), "sizes").at_least(1))
                .field("inner", spec::map("nested").field("depth", spec::integer("d").def(ConfigNode::of(2)).multiple_of(2)))
                .field("split", spec::number("a fraction").min(0).max(1).or_else(spec::list(spec::number(), "per class")))
                .field("extra", spec::any("anything"))
                .field("act", spec::object("activation", "an activation").def(ConfigNode::scalar("relu")))};
  }
  mindset::Dataset load() override { return {}; }
};
MINDSET_REGISTER(mindset::DataTag, ProbeSource);

std::string committed(const std::string& rel) {
  fs::path p = testing::source_dir() / rel;
  BOOST_REQUIRE_MESSAGE(fs::exists(p), rel + " is missing");
  return testing::slurp(p);
}

}  // namespace

BOOST_AUTO_TEST_CASE(committed_schema_json_is_current) {
  Result r = testing::mindset("schema");
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(r.out == committed("configs/schema.json"),
             "configs/schema.json is stale; regenerate it with: build/bin/mindset schema > configs/schema.json");
}

BOOST_AUTO_TEST_CASE(committed_config_reference_is_current) {
  Result r = testing::mindset("schema --markdown");
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(r.out == committed("docs/config-reference.md"),
             "docs/config-reference.md is stale; regenerate it with: "
             "build/bin/mindset schema --markdown > docs/config-reference.md");
}

BOOST_AUTO_TEST_CASE(example_configs_name_the_schema) {
  // Editors (yaml-language-server) find the schema from the first line.
  int seen = 0;
  for (const auto& e : fs::recursive_directory_iterator(testing::source_dir() / "configs")) {
    if (e.path().extension() != ".yaml") continue;
    if (mindset::load_yaml_file(e.path().string()).has("experiment")) continue;  // sweep files: not experiments
    ++seen;
    std::string first;
    std::ifstream in(e.path());
    std::getline(in, first);
    fs::path rel = fs::relative(testing::source_dir() / "configs" / "schema.json", e.path().parent_path());
    BOOST_TEST(first == "# yaml-language-server: $schema=" + rel.string(), e.path().string() << ": " << first);
  }
  BOOST_TEST(seen >= 4);
}

BOOST_AUTO_TEST_CASE(independent_validator_agrees) {
  // Debian's python3-jsonschema (scripts/build.sh installs it): the schema is valid draft
  // 2020-12, every config in configs/ passes, and broken configs fail both it and mindset.
  Result r = testing::run(testing::python() + " " + testing::quote((testing::source_dir() / "tests" / "check_json_schema.py").string()) +
                          " " + testing::quote((testing::source_dir() / "configs" / "schema.json").string()) + " " +
                          testing::quote((testing::source_dir() / "configs").string()) + " " +
                          testing::quote(testing::mindset_bin()));
  BOOST_TEST(r.exit_code == 0, r.out << r.err);
  BOOST_TEST(r.out.find(" 0 failures") != std::string::npos, r.out << r.err);
  BOOST_TEST_MESSAGE(r.out);
}

BOOST_AUTO_TEST_CASE(generation_is_deterministic) {
  BOOST_TEST(mindset::json_schema_text() == mindset::json_schema_text());
  BOOST_TEST(mindset::config_reference_markdown() == mindset::config_reference_markdown());
}

BOOST_AUTO_TEST_CASE(schema_states_the_checks) {
  std::string s = mindset::json_schema_text();
  auto has = [&](const std::string& x) { BOOST_TEST(s.find(x) != std::string::npos, "schema lacks: " << x); };
  has("\"$schema\": \"https://json-schema.org/draft/2020-12/schema\"");
  has("\"learning_rate\": {\n              \"description\": \"step size alpha (finite)\",\n              \"type\": "
      "\"number\",\n              \"exclusiveMinimum\": 0\n            }");
  has("\"required\": [\"learning_rate\"]");  // iterations or epochs: checked by check_training
  has("\"enum\": [\"float64\", \"float32\"]");
  has("\"enum\": [\"leaky_relu\", \"linear\", \"relu\", \"sigmoid\", \"softmax\", \"tanh\"]");
  has("\"minItems\": 1");
  has("\"if\": {\n    \"required\": [\"extends\"]\n  }");
}

BOOST_AUTO_TEST_CASE(every_registered_type_appears_everywhere) {
  std::string schema = mindset::json_schema_text();
  std::string docs = mindset::config_reference_markdown();
  for (const mindset::RegistryBase* reg : mindset::all_registries()) {
    for (const mindset::TypeInfo* t : reg->types()) {
      BOOST_TEST(schema.find("\"const\": \"" + t->name + "\"") != std::string::npos, reg->kind() << " " << t->name);
      BOOST_TEST(docs.find("### `" + t->name + "`\n\n" + t->description) != std::string::npos, t->name);
      for (const mindset::Field& f : t->options.fields)
        BOOST_TEST(docs.find("| `" + f.key + "` | " ) != std::string::npos, t->name << "." << f.key);
    }
  }
  // The probe, with its range, choices and default, needing no schema edit.
  BOOST_TEST(schema.find("\"title\": \"probe_source\"") != std::string::npos);
  BOOST_TEST(schema.find("\"required\": [\"type\", \"rows\"]") != std::string::npos);
  BOOST_TEST(schema.find("\"enum\": [\"fast\", \"exact\"],\n") != std::string::npos);
  BOOST_TEST(schema.find("\"exclusiveMaximum\": 1,\n") != std::string::npos);
  BOOST_TEST(docs.find("| `ratio` | number >= 0 and < 1 | `0.25` | a ratio |") != std::string::npos, docs);
  BOOST_TEST(docs.find("| `mode` | one of: fast, exact | `exact` | how to make them |") != std::string::npos);
  // Validation knows it too.
  mindset::Diagnostics diags;
  auto f = std::make_shared<const std::string>("p.yaml");
  mindset::ConfigNode spec_in = mindset::parse_yaml("{type: probe_source, rows: 3}", f);
  const mindset::Field& data = *mindset::experiment_spec().find_field("data")->spec.find_field("train");
  mindset::ConfigNode out = mindset::validate(spec_in, data.spec, "data.train", diags);
  BOOST_TEST(diags.empty());
  BOOST_TEST(mindset::emit_flow(out) == "{type: probe_source, rows: 3, mode: exact, ratio: 0.25, flag: false, act: relu}");
  mindset::validate(mindset::parse_yaml("{type: probe_sorce, rows: 0}", f), data.spec, "data.train", diags);
  BOOST_TEST_REQUIRE(diags.size() == 1u);
  BOOST_TEST(diags.list()[0].message.find("did you mean 'probe_source'?") != std::string::npos);
  mindset::Diagnostics d2;
  mindset::validate(mindset::parse_yaml("{type: probe_source, rows: 0, ratio: 1}", f), data.spec, "data.train", d2);
  BOOST_TEST(d2.size() == 2u);
}

BOOST_AUTO_TEST_CASE(validator_and_json_schema_agree_on_every_kind) {
  // The probe's options cover every kind of spec. Each document below must be accepted (or
  // rejected) alike by mindset's validator and by python3-jsonschema with the generated schema.
  const std::string rest = "model: {layers: [{units: 1, activation: sigmoid}]}\n"
                           "training: {learning_rate: 0.1, iterations: 1}\n";
  auto doc = [&](const std::string& train) { return "data: {train: {type: probe_source, " + train + "}}\n" + rest; };
  std::vector<std::pair<std::string, bool>> docs = {
      {doc("rows: 3"), true},
      {doc("rows: 3, mode: fast, ratio: 0.5, flag: true, file: x.csv, sizes: [1, 2], inner: {depth: 4}, split: 0.3, "
           "extra: {a: [1, {b: c}]}, act: {type: leaky_relu, slope: 0.1}"), true},
      {doc("rows: 3, split: [0.5, 0.25], act: tanh, extra: 7"), true},
      {doc("rows: 0"), false},
      {doc("rows: 3, mode: slow"), false},
      {doc("rows: 3, ratio: 1"), false},
      {doc("rows: 3, flag: maybe"), false},
      {doc("rows: 3, sizes: []"), false},
      {doc("rows: 3, sizes: [0]"), false},
      {doc("rows: 3, inner: {depht: 2}"), false},
      {doc("rows: 3, inner: {depth: 3}"), false},
      {doc("rows: 3, split: 1.5"), false},
      {doc("rows: 3, split: half"), false},
      {doc("rows: 3, act: tahn"), false},
      {doc("rows: 3, act: {type: leaky_relu, slope: -1}"), false},
      {doc("mode: fast"), false},
      {doc("rows: 3, colour: red"), false},
  };
  testing::TempDir d;
  d.write("schema.json", mindset::json_schema_text());
  std::string files;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    mindset::Diagnostics diags;
    auto name = std::make_shared<const std::string>("doc" + std::to_string(i));
    mindset::validate(mindset::parse_yaml(docs[i].first, name), mindset::experiment_spec(), "", diags);
    BOOST_TEST(diags.empty() == docs[i].second, docs[i].first << (diags.empty() ? "accepted" : diags.list()[0].message));
    files += " " + testing::quote(d.write("doc" + std::to_string(i) + ".yaml", docs[i].first).string());
  }
  Result r = testing::run(testing::python() + " -c " +
                          testing::quote("import sys, json, yaml, jsonschema\n"
                                         "s = json.load(open(sys.argv[1]))\n"
                                         "jsonschema.Draft202012Validator.check_schema(s)\n"
                                         "v = jsonschema.Draft202012Validator(s)\n"
                                         "for p in sys.argv[2:]:\n"
                                         "    print('ok' if v.is_valid(yaml.safe_load(open(p))) else 'bad')\n") +
                          " " + testing::quote((d / "schema.json").string()) + files);
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  std::istringstream out(r.out);
  for (const auto& k : docs) {
    std::string verdict;
    out >> verdict;
    BOOST_TEST(verdict == (k.second ? "ok" : "bad"), k.first);
  }
}

BOOST_AUTO_TEST_CASE(list_prints_names_descriptions_and_options) {
  Result r = testing::mindset("list");
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  for (const mindset::RegistryBase* reg : mindset::all_registries()) {
    BOOST_TEST(r.out.find(reg->plural() + ":\n") != std::string::npos, reg->plural());
    for (const mindset::TypeInfo* t : reg->types()) {
      if (t->name == "probe_source") continue;  // only this test binary has it
      BOOST_TEST(r.out.find("  " + t->name) != std::string::npos, t->name);
      BOOST_TEST(r.out.find(t->description) != std::string::npos, t->name);
    }
  }
  r = testing::mindset("list activations");
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.out.find("      slope              gradient for z <= 0 [number >= 0, finite; default 0.01]\n") !=
             std::string::npos, r.out);
  BOOST_TEST(r.out.find("dense") == std::string::npos);
  r = testing::mindset("list data");
  BOOST_TEST(r.out.find("      path               the HDF5 file [file path, relative to the config file (must exist); "
                        "required]\n") != std::string::npos, r.out);
  r = testing::mindset("list activatons");
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("error: unknown kind 'activatons' (did you mean 'activations'?); known: layers, activations,") == 0,
             r.err);
}

BOOST_AUTO_TEST_CASE(json_writer) {
  using mindset::Json;
  BOOST_TEST(Json::string("a\"b\\\n\x01/é").dump() == "\"a\\\"b\\\\\\n\\u0001/é\"");
  BOOST_TEST(Json::number(0.1).dump() == "0.1");
  BOOST_TEST(Json::number(1.0).dump() == "1.0");
  BOOST_TEST(Json::number(1e-10).dump() == "1e-10");
  BOOST_TEST(Json::number(1.0 / 3).dump() == "0.3333333333333333");
  BOOST_TEST(Json::number(1.0 / 0.0).dump() == "null");
  BOOST_TEST(Json::integer(-3).dump() == "-3");
  Json o = Json::object();
  o.set("b", Json::strings("x", "y"));
  o.set("a", Json::object());
  o.set("b", Json::boolean(true));  // replaces, keeps its place
  Json nested = Json::array();
  nested.push(Json::object()).set("k", Json());
  o.set("c", nested);
  BOOST_TEST(o.dump() == "{\n  \"b\": true,\n  \"a\": {},\n  \"c\": [\n    {\n      \"k\": null\n    }\n  ]\n}");
}
