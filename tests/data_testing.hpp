// Helpers for the data tests: sources and whole `data` sections loaded in-process from YAML
// text, and checks of the UserErrors (exit 2) that bad data must give.
#pragma once

#include <string>
#include <vector>

#include "config.hpp"
#include "dataset.hpp"
#include "testing.hpp"
#include "validate.hpp"
#include "yaml_tree.hpp"

namespace testing {

// A model and training section small enough for any data set in the tests.
inline const char* kTinyModel =
    "model: {init: zeros, layers: [{units: 1, activation: sigmoid}]}\n"
    "training: {learning_rate: 0.1, iterations: 3}\n";

// One source, as `data.train: <yaml>` would give it (paths relative to `dir`).
inline mindset::Dataset load_source(const TempDir& dir, const std::string& yaml) {
  using namespace mindset;
  ConfigNode raw = parse_yaml(yaml, std::make_shared<const std::string>((dir / "source.yaml").string()));
  Diagnostics diags;
  ConfigNode cfg = validate(raw, spec::object("data"), "data.train", diags);
  diags.throw_if_any();
  return DataRegistry::instance().factory(cfg.get_string("type"))(cfg)->load();
}

// The data of a whole experiment config (written to dir/exp.yaml), as `mindset train` loads it.
inline mindset::DataBundle load_bundle(const TempDir& dir, const std::string& yaml) {
  using namespace mindset;
  fs::path p = dir.write("exp.yaml", yaml);
  Experiment e = load_experiment(p.string(), {});
  const ConfigNode& r = e.resolved;
  const auto units = static_cast<std::size_t>(r.at("model").at("layers").items().back().get_integer("units"));
  return load_data(r.at("data"), r.at("loss"), units, static_cast<std::uint32_t>(r.get_integer("seed")));
}

// The message of the UserError `f` throws (fails the test when it throws none, or another kind).
template <class F>
std::string user_error(F&& f) {
  try {
    f();
  } catch (const mindset::UserError& e) {
    BOOST_TEST(e.exit_code() == 2);
    return e.what();
  } catch (const std::exception& e) {
    BOOST_ERROR(std::string("expected a UserError, got: ") + e.what());
    return "";
  }
  BOOST_ERROR("expected a UserError, got none");
  return "";
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Every part must occur in the message, which must be a single line.
#define MINDSET_CHECK_ERROR(msg, ...)                                                  \
  do {                                                                                \
    const std::string m_ = (msg);                                                     \
    BOOST_TEST_INFO("message: " << m_);                                               \
    BOOST_TEST(m_.find('\n') == std::string::npos);                                   \
    for (const std::string& part_ : std::vector<std::string>{__VA_ARGS__})            \
      BOOST_TEST(::testing::contains(m_, part_), "missing '" << part_ << "' in: " << m_); \
  } while (0)

// `mindset train` on a config written to dir/name; the result (exit code, stdout, stderr).
inline Result train(const TempDir& dir, const std::string& name, const std::string& yaml,
                    const std::string& out = "out.h5") {
  fs::path p = dir.write(name, yaml);
  return mindset("train " + quote(p.string()) + " -o " + quote((dir / out).string()) + " --quiet");
}

}  // namespace testing
