// Smoke test: every experiment config under configs/ (recursively) trains for 3 iterations and
// exits 0. Sweep files (top-level `experiment:`) are left to the sweep tests; configs whose data
// files are absent from data/ are skipped with a message.
#define BOOST_TEST_MODULE configs
#include <algorithm>

#include "config.hpp"
#include "testing.hpp"
#include "validate.hpp"
#include "yaml_tree.hpp"

using namespace mindset;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> yaml_files() {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(testing::source_dir() / "configs")) {
    const std::string ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml")) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Data files the config names (data.<split>.path) that do not exist, resolved as mindset does.
std::vector<std::string> missing_data(const ConfigNode& cfg) {
  std::vector<std::string> missing;
  const ConfigNode* data = cfg.is_map() ? cfg.find("data") : nullptr;
  if (!data || !data->is_map()) return missing;
  for (const auto& [split, source] : data->entries()) {
    const ConfigNode* path = source.is_map() ? source.find("path") : nullptr;
    if (!path || !path->is_scalar()) continue;
    const std::string abs = resolve_path(path->text(), path->mark());
    if (!fs::exists(abs)) missing.push_back(abs);
  }
  return missing;
}

std::string shown(const fs::path& p) { return fs::relative(p, testing::source_dir()).string(); }

}  // namespace

BOOST_AUTO_TEST_CASE(every_config_runs) {
  const fs::path data_root = fs::weakly_canonical(testing::source_dir() / "data");
  std::size_t ran = 0, skipped = 0;
  bool default_ran = false;
  testing::TempDir out;
  for (const fs::path& file : yaml_files()) {
    const std::string name = shown(file);
    BOOST_TEST_CONTEXT(name) {
      ConfigNode raw;
      try {
        raw = load_yaml_file(file.string());
        if (raw.is_map() && raw.has("experiment")) {
          BOOST_TEST_MESSAGE(name << ": a sweep file, left to the sweep tests");
          continue;
        }
        raw = load_with_extends(file.string());
      } catch (const UserError& e) {
        BOOST_ERROR(name << " does not load: " << e.what());
        continue;
      }
      std::vector<std::string> missing = missing_data(raw);
      // Data users download into data/ may be absent; anything else missing is a broken config.
      bool absent_download = !missing.empty();
      for (const auto& m : missing)
        absent_download &= fs::weakly_canonical(m).string().rfind(data_root.string() + "/", 0) == 0;
      if (absent_download) {
        BOOST_TEST_MESSAGE(name << ": skipped, its data is absent (" << missing[0]
                                << "; scripts/test.sh links ../shared/datasets into data/)");
        ++skipped;
        continue;
      }
      const fs::path result = out / (std::to_string(ran) + ".h5");
      // Three updates, whether the config counts iterations or epochs.
      const ConfigNode* tr = raw.find("training");
      const std::string shorten = (tr && tr->has("epochs")) ? " '~training.epochs' training.iterations=3" : " training.iterations=3";
      auto r = testing::mindset("train " + testing::quote(file.string()) + shorten + " -o " +
                                testing::quote(result.string()) + " --quiet");
      BOOST_TEST(r.exit_code == 0, name << " exited " << r.exit_code << ": " << r.err);
      BOOST_TEST(fs::exists(result), name << " wrote no results file");
      BOOST_TEST(r.err.empty(), name << " printed: " << r.err);
      ++ran;
      default_ran |= name == "configs/default.yaml";
    }
  }
  BOOST_TEST_MESSAGE(ran << " configs ran, " << skipped << " skipped for absent data");
  BOOST_TEST(default_ran, "configs/default.yaml did not run");
  BOOST_TEST(ran + skipped >= 3u);
}

BOOST_AUTO_TEST_CASE(every_config_validates) {
  // `mindset validate` accepts every experiment config whose data is present, and prints ok.
  for (const fs::path& file : yaml_files()) {
    ConfigNode raw = load_yaml_file(file.string());
    if (raw.is_map() && raw.has("experiment")) continue;
    if (!missing_data(load_with_extends(file.string())).empty()) continue;
    auto r = testing::mindset("validate " + testing::quote(file.string()));
    BOOST_TEST(r.exit_code == 0, shown(file) << ": " << r.err);
    BOOST_TEST(r.out.find(": ok") != std::string::npos, shown(file) << ": " << r.out);
  }
}
