// The YAML reader's guard rails, as users meet them through `mindset validate`: duplicate keys
// (yaml-cpp would keep one silently), configs over 1 MiB, nesting deeper than 64, alias bombs;
// syntax errors with their line and column.
#define BOOST_TEST_MODULE yaml_tree
#include "yaml_tree.hpp"

#include "testing.hpp"

namespace fs = std::filesystem;
using testing::Result;
using testing::TempDir;

namespace {

// A small valid experiment. Line numbers matter to the tests below.
const std::string kBase =
    "data: {train: {type: flower, examples: 40}}\n"   // 1
    "model:\n"                                        // 2
    "  layers:\n"                                     // 3
    "    - {units: 3, activation: tanh}\n"            // 4
    "    - {units: 1, activation: sigmoid}\n"         // 5
    "training: {learning_rate: 0.1, iterations: 2}\n";  // 6

std::string replace(std::string s, const std::string& from, const std::string& to) {
  std::size_t at = s.find(from);
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, "test bug: '" + from + "' not in the config");
  return s.replace(at, from.size(), to);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::vector<std::string> error_lines(const Result& r) {
  std::vector<std::string> out;
  for (const auto& l : lines_of(r.err))
    if (l.rfind("error: ", 0) == 0) out.push_back(l);
  return out;
}

struct Checked {
  TempDir dir;
  fs::path file;
  Result r;
};

// Writes `yaml` as config.yaml in a fresh folder and runs `mindset validate` on it from `/`.
std::unique_ptr<Checked> validate(const std::string& yaml, const std::string& args = "") {
  auto c = std::make_unique<Checked>();
  c->file = c->dir.write("config.yaml", yaml);
  c->r = testing::run("cd / && " + testing::mindset_bin() + " validate " + testing::quote(c->file.string()) + " " + args);
  return c;
}

// Exit 2 and a line "error: FILE:WHERE: PATH: ...WHAT...".
void expect_error(const Checked& c, const std::string& where, const std::string& path, const std::string& what) {
  BOOST_TEST(c.r.exit_code == 2);
  BOOST_TEST(c.r.out.empty());
  std::string prefix = "error: " + c.file.string() + ":" + where + ": " + (path.empty() ? "" : path + ": ");
  bool found = false;
  for (const auto& l : error_lines(c.r))
    found = found || (l.rfind(prefix, 0) == 0 && l.find(what) != std::string::npos);
  BOOST_TEST(found, "no line starting '" << prefix << "' containing '" << what << "' in:\n" << c.r.err);
}

}  // namespace

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

