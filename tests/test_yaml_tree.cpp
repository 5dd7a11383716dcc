// The YAML reader's guard rails, as users meet them through `mindset validate`: duplicate keys
// (yaml-cpp would keep one silently), configs over 1 MiB, nesting deeper than 64, alias bombs;
// syntax errors with their line and column.
#define BOOST_TEST_MODULE yaml_tree
#include "yaml_tree.hpp"

#include "config_testing.hpp"

namespace fs = std::filesystem;
using testing::Result;
using testing::TempDir;
using namespace testing;

BOOST_AUTO_TEST_CASE(duplicate_keys_are_errors) {
  std::string y = replace(kBase, "{units: 3, activation: tanh}", "{units: 3, activation: tanh, units: 4}");
  y += "training: {learning_rate: 0.2, iterations: 2}\n";
  auto c = validate(y);
  std::vector<std::string> lines = error_lines(c->r);
  BOOST_TEST(lines.size() == 2u, c->r.err);
  expect_error(*c, "4:36", "model.layers[0].units", "duplicate key 'units' (first given at line 4)");
  expect_error(*c, "7:1", "training", "duplicate key 'training' (first given at line 6); YAML keys must be unique");
}

BOOST_AUTO_TEST_CASE(guard_rails) {
  // Over 1 MiB: refused before parsing.
  auto c = validate(kBase + "# " + std::string((1 << 20) + 10, 'x') + "\n");
  BOOST_TEST(c->r.exit_code == 2);
  BOOST_TEST(c->r.err.find("the limit is 1048576 (1 MiB)") != std::string::npos, c->r.err);
  // Nesting deeper than 64.
  c = validate("a: " + std::string(100, '[') + std::string(100, ']') + "\n");
  BOOST_TEST(c->r.exit_code == 2);
  BOOST_TEST(c->r.err.find("nesting deeper than 64 levels") != std::string::npos, c->r.err);
  BOOST_TEST(c->r.err.find(c->file.string() + ":1:") != std::string::npos, c->r.err);
  // A billion-laughs alias bomb (10^10 values): refused when an alias would pass the budget.
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  std::string prev = "a";
  for (int i = 1; i <= 9; ++i) {
    std::string n = "b" + std::to_string(i);
    bomb += n + ": &" + n + " [";
    for (int k = 0; k < 10; ++k) bomb += (k ? ", *" : "*") + prev;
    bomb += "]\n";
    prev = n;
  }
  c = validate(bomb);
  BOOST_TEST(c->r.exit_code == 2);
  BOOST_TEST(c->r.err.find("an alias bomb?") != std::string::npos, c->r.err);
}

BOOST_AUTO_TEST_CASE(guard_rail_limits_are_exact) {
  using mindset::parse_yaml;
  auto name = std::make_shared<const std::string>("t.yaml");
  auto nested = [](int depth) { return std::string(static_cast<std::size_t>(depth), '[') + std::string(static_cast<std::size_t>(depth), ']'); };
  BOOST_CHECK_NO_THROW(parse_yaml(nested(64), name));
  BOOST_CHECK_THROW(parse_yaml(nested(65), name), mindset::UserError);
  mindset::YamlLimits small;
  small.max_nodes = 50;
  // 1 list + 10 items, 4 aliases of it: 1 + 11 + 4*11 = 56 values > 50.
  BOOST_CHECK_NO_THROW(parse_yaml("a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [*a, *a]\n", name, small));
  BOOST_CHECK_THROW(parse_yaml("a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [*a, *a, *a, *a]\n", name, small),
                    mindset::UserError);
  small = {};
  small.max_bytes = 10;
  BOOST_CHECK_THROW(parse_yaml("a: 12345678901", name, small), mindset::UserError);
  BOOST_CHECK_NO_THROW(parse_yaml("a: 1234567", name, small));
}


// Found by fuzzing (fuzz/regressions/config/): text that is not UTF-8 is refused where it
// starts (a Latin-1 byte would not read back the same from the results' config attribute), and
// keys too long for YAML's 1024-character implicit keys are written as explicit keys.
BOOST_AUTO_TEST_CASE(text_must_be_utf8_and_long_keys_round_trip) {
  using mindset::parse_yaml;
  auto name = std::make_shared<const std::string>("t.yaml");
  auto message = [&](const std::string& text) {
    try {
      parse_yaml(text, name);
    } catch (const mindset::UserError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  BOOST_TEST(message("a: 1\nname: caf\xe9\n") == "t.yaml:2:10: not UTF-8 text at line 2, column 10; save the config as UTF-8");
  BOOST_TEST(message("a: \xc0\xaf\n") == "t.yaml:1:4: not UTF-8 text at line 1, column 4; save the config as UTF-8");  // overlong
  BOOST_TEST(message("a: \xed\xa0\x80\n") == "t.yaml:1:4: not UTF-8 text at line 1, column 4; save the config as UTF-8");  // surrogate
  BOOST_TEST(message("a: \xf0\x9f\x98") == "t.yaml:1:4: not UTF-8 text at line 1, column 4; save the config as UTF-8");  // cut short
  BOOST_CHECK_NO_THROW(parse_yaml("\xef\xbb\xbfname: caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80\n", name));  // BOM, 2-4 byte forms

  const std::string key(2000, 'k'), escaped = "\x1b" + std::string(600, 'e');
  mindset::ConfigNode tree = mindset::ConfigNode::map(), list = mindset::ConfigNode::sequence();
  list.items().push_back(mindset::ConfigNode::of(2));
  tree.set(key, mindset::ConfigNode::of(1));
  tree.set(escaped, list);
  const std::string text = mindset::emit_yaml(tree);
  mindset::ConfigNode back = parse_yaml(text, name);
  BOOST_TEST((back == tree), text);
  BOOST_TEST(back.find(key) != nullptr);
  BOOST_TEST(back.find(escaped) != nullptr);
}

// Found by fuzzing (fuzz/regressions/config/carriage_return_in_a_plain_scalar): a value or key
// holding a carriage return (yaml-cpp keeps one in a flow scalar) is written quoted, so that it
// reads back the same rather than as a line break.
BOOST_AUTO_TEST_CASE(carriage_returns_round_trip) {
  auto name = std::make_shared<const std::string>("t.yaml");
  mindset::ConfigNode parsed = mindset::parse_yaml("data: {type: xo\r, n: 2}\n", name);
  BOOST_TEST(parsed.at("data").get_string("type") == "xo\r");
  mindset::ConfigNode tree = mindset::ConfigNode::map();
  tree.set("k\rk", mindset::ConfigNode::scalar("a\rb"));
  tree.set("data", parsed.at("data"));
  const std::string text = mindset::emit_yaml(tree);
  BOOST_TEST(text == "\"k\\rk\": \"a\\rb\"\ndata:\n  type: \"xo\\r\"\n  n: 2\n");
  mindset::ConfigNode back = mindset::parse_yaml(text, name);
  BOOST_TEST(back.get_string("k\rk") == "a\rb");
  BOOST_TEST(back.at("data").get_string("type") == "xo\r");
}

BOOST_AUTO_TEST_CASE(indexed_override_paths_as_flow_map_keys) {
  // Not YAML (flow scalars may not hold '['), but how sweep grids are written on one line: read as
  // if the keys were quoted, with every mark where it is in the text.
  using mindset::ConfigNode;
  auto file = std::make_shared<const std::string>("s.yaml");
  ConfigNode n = mindset::parse_yaml(
      "grid: {training.learning_rate: [0.1, 1.2], model.layers[0].units: [2, 4, 8],\n"
      "       name: 'a[0]: b', +model.layers[10].init.scale: [1]}  # {x[1]: 2}\n",
      file);
  const ConfigNode& g = n.at("grid");
  BOOST_REQUIRE_EQUAL(g.entries().size(), 4u);
  BOOST_TEST(g.entries()[1].first == "model.layers[0].units");
  BOOST_TEST(g.entries()[3].first == "+model.layers[10].init.scale");
  BOOST_TEST(g.get_string("name") == "a[0]: b");  // quoted scalars are left alone
  BOOST_TEST(g.at("model.layers[0].units").items()[2].text() == "8");
  BOOST_TEST(g.key_mark("model.layers[0].units").column == 44);
  BOOST_TEST(g.at("model.layers[0].units").items()[0].mark().column == 68);
  BOOST_TEST(g.at("+model.layers[10].init.scale").mark().line == 2);
  // Valid YAML is read as YAML: parentheses in keys stay parentheses.
  ConfigNode p = mindset::parse_yaml("grid: {f(1): [2], 'g[0]': 3}\n", file);
  BOOST_TEST(p.at("grid").entries()[0].first == "f(1)");
  BOOST_TEST(p.at("grid").entries()[1].first == "g[0]");
  // Text that is still not YAML gets the original error.
  try {
    mindset::parse_yaml("grid: {model.layers[0].units: [2, 4}\n", file);
    BOOST_FAIL("parsed");
  } catch (const mindset::UserError& e) {
    BOOST_TEST(e.diagnostics()[0].str().find("s.yaml:1:20: YAML syntax error") == 0, e.diagnostics()[0].str());
  }
}
