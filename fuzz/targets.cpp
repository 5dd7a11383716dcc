#include "targets.hpp"

#include <dlfcn.h>
#include <execinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>

#include "config.hpp"
#include "csv_reader.hpp"
#include "dataset.hpp"
#include "h5.hpp"
#include "isolate.hpp"
#include "sweep.hpp"
#include "sweep_store.hpp"
#include "yaml_tree.hpp"

namespace fs = std::filesystem;
using namespace mindset;

// Present in sanitizer builds only.
extern "C" void __sanitizer_set_death_callback(void (*)(void)) __attribute__((weak));

namespace mindset_fuzz {

namespace {

// The rest of an experiment around a data section: one sigmoid unit, so any 0/1 labels fit.
const char* kModel = "model: {init: zeros, layers: [{units: 1, activation: sigmoid}]}\n"
                     "training: {learning_rate: 0.1, iterations: 1}\n";

// The base experiments sweep inputs may name.
const char* kBase = "name: flower\nseed: 2\ndata: {train: {type: flower, examples: 40}}\n"
                    "model:\n  init: {type: normal, scale: 0.01}\n"
                    "  layers: [{units: 4, activation: tanh}, {units: 1, activation: sigmoid}]\n"
                    "training: {learning_rate: 1.2, iterations: 30}\n";

std::string dir_holder;

void remove_work_dir() {
  std::error_code ec;
  if (!dir_holder.empty()) fs::remove_all(dir_holder, ec);
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) property_failed("writing the input to a file", path);
}

std::string as_string(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// "first line", "the rest".
std::pair<std::string, std::string> first_line(const std::string& input) {
  const std::size_t nl = input.find('\n');
  if (nl == std::string::npos) return {input, ""};
  return {input.substr(0, nl), input.substr(nl + 1)};
}

// Loads the data of an experiment given as text, as `mindset train` does before training.
// Returns the UserError's message, "" when the data loaded.
std::string load_experiment_data(const std::string& text) {
  const std::string origin = work_dir() + "/data.yaml";
  Experiment e;
  try {
    e = resolve_experiment(parse_yaml(text, std::make_shared<const std::string>(origin)), origin, {});
  } catch (const UserError& err) {
    return err.what();  // the options line was not a valid config: fine, but nothing to load
  }
  const ConfigNode& r = e.resolved;
  const auto units = static_cast<std::size_t>(r.at("model").at("layers").items().back().get_integer("units"));
  try {
    DataBundle b = load_data(r.at("data"), r.at("loss"), units, static_cast<std::uint32_t>(r.get_integer("seed")));
    MINDSET_FUZZ_CHECK(b.train.m() == b.train.y.size(), "examples and labels differ in number");
    MINDSET_FUZZ_CHECK(b.train.m() > 0, "an empty training set was accepted");
  } catch (const UserError& err) {
    return err.what();
  }
  return "";
}

// What a scalar means to mindset: quoted or not, "float32" is the same string.
std::string kind(const ConfigNode& n) {
  if (n.quoted()) return "string";
  if (n.is_bool()) return "bool";
  if (n.is_integer()) return "integer";
  if (n.is_number()) return "number";
  return "string";
}

// Equal trees, as mindset reads them (marks and needless quotes aside).
bool same_meaning(const ConfigNode& a, const ConfigNode& b) {
  if (a.type() != b.type() || a.size() != b.size()) return false;
  if (a.is_scalar()) return a.text() == b.text() && kind(a) == kind(b);
  for (std::size_t i = 0; a.is_sequence() && i < a.items().size(); ++i)
    if (!same_meaning(a.items()[i], b.items()[i])) return false;
  for (std::size_t i = 0; a.is_map() && i < a.entries().size(); ++i)
    if (a.entries()[i].first != b.entries()[i].first || !same_meaning(a.entries()[i].second, b.entries()[i].second))
      return false;
  return true;
}

}  // namespace

void property_failed(const char* what, const std::string& detail) {
  std::fprintf(stderr, "mindset fuzz: property failed: %s\n%s\n", what, detail.c_str());
  std::fflush(stderr);
  std::abort();
}

const std::string& work_dir() {
  if (dir_holder.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "mindset-fuzz-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) property_failed("mkdtemp", tmpl);
    dir_holder = tmpl;
    std::atexit(remove_work_dir);
    h5::quiet();
    // A file on which libhdf5 loops forever is an error after this long when read as users read it.
    ::setenv("MINDSET_READ_TIMEOUT", "2", 0);
    for (const char* name : {"base.yaml", "planar_tanh.yaml", "logistic_regression.yaml"})
      write_file(dir_holder + "/" + name, kBase);
  }
  return dir_holder;
}

void split_overrides(const std::string& input, std::string& text, std::vector<std::string>& overrides) {
  overrides.clear();
  const std::string marker = "#overrides\n";
  std::size_t at = input.rfind("\n" + marker);
  if (input.compare(0, marker.size(), marker) == 0) at = 0;
  else if (at != std::string::npos) ++at;
  if (at == std::string::npos) {
    text = input;
    return;
  }
  text = input.substr(0, at);
  std::string rest = input.substr(at + marker.size()), line;
  for (std::size_t i = 0; i <= rest.size(); ++i) {
    if (i == rest.size() || rest[i] == '\n') {
      if (!line.empty()) overrides.push_back(line);
      line.clear();
    } else {
      line += rest[i];
    }
  }
}

int config(const std::uint8_t* data, std::size_t size) {
  std::string text;
  std::vector<std::string> overrides;
  split_overrides(as_string(data, size), text, overrides);
  const std::string origin = work_dir() + "/fuzz.yaml";
  const auto file = std::make_shared<const std::string>(origin);
  ConfigNode tree;
  try {
    tree = parse_yaml(text, file);
  } catch (const UserError&) {
    return 0;
  }
  // What mindset writes (the results' config attribute, manifests) must read back the same.
  YamlLimits roomy;  // aliases may have expanded a small text into a big tree
  roomy.max_bytes = std::size_t(256) << 20;
  const std::string emitted = emit_yaml(tree);
  try {
    MINDSET_FUZZ_CHECK(same_meaning(parse_yaml(emitted, file, roomy), tree), "emit_yaml(tree) reads back as another tree:\n" + emitted);
  } catch (const UserError& e) {
    property_failed("emit_yaml's output parses", emitted + "\n" + e.what());
  }
  Experiment e;
  try {
    e = resolve_experiment(tree, origin, overrides);
  } catch (const UserError&) {
    return 0;
  }
  // A resolved config resolves to itself: results and checkpoints store it, --resume compares it.
  const std::string y = e.yaml();
  try {
    Experiment again = resolve_experiment(parse_yaml(y, file, roomy), origin, {});
    MINDSET_FUZZ_CHECK(again.yaml() == y, "the resolved config resolves to another:\n" + y + "---\n" + again.yaml());
  } catch (const UserError& err) {
    property_failed("the resolved config validates", y + "\n" + err.what());
  }
  return 0;
}

int csv(const std::uint8_t* data, std::size_t size) {
  auto [options, body] = first_line(as_string(data, size));
  const std::string path = work_dir() + "/data.csv";
  write_file(path, body);
  try {
    CsvReader reader(path);
    std::vector<CsvField> fields;
    std::size_t n = 0;
    bool header = true;
    while (reader.next(fields, n)) {
      MINDSET_FUZZ_CHECK(n >= 1 && n <= CsvReader::kMaxFields && n <= fields.size(), "field count");
      for (std::size_t i = 0; i < n; ++i)
        MINDSET_FUZZ_CHECK(fields[i].text.size() <= CsvReader::kMaxField, "a field over the cap was returned");
      if (header) reader.expect_fields(n, reader.record_line());
      header = false;
    }
  } catch (const UserError&) {
  }
  load_experiment_data("data: {train: {type: csv, path: '" + path + "', " + options + "}}\n" + kModel);
  return 0;
}

namespace {

// Whether the stack holds a frame of libhdf5 (called where a crash is being handled).
bool stack_in_libhdf5() {
  void* frames[256];
  const int n = ::backtrace(frames, 256);
  for (int i = 0; i < n; ++i) {
    Dl_info info;
    if (::dladdr(frames[i], &info) && info.dli_fname && std::strstr(info.dli_fname, "libhdf5")) return true;
  }
  return false;
}

constexpr int kLibhdf5Crash = 77, kOtherCrash = 78;
extern "C" void on_crash_signal(int) { ::_exit(stack_in_libhdf5() ? kLibhdf5Crash : kOtherCrash); }
extern "C" void on_sanitizer_death() { ::_exit(stack_in_libhdf5() ? kLibhdf5Crash : kOtherCrash); }

}  // namespace

bool fails_in_libhdf5(const std::function<void()>& step) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    void* warm[4];
    ::backtrace(warm, 4);  // loads the unwinder now, not inside a crash handler
    struct sigaction sa {};
    sa.sa_handler = on_crash_signal;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGALRM}) sigaction(sig, &sa, nullptr);
    if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(on_sanitizer_death);
    ::alarm(kHangSeconds);  // where it is then, if still running, tells a libhdf5 loop from slow code
    try {
      step();
    } catch (...) {
    }
    ::_exit(0);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == kLibhdf5Crash;
}

bool prescreen_enabled() {
  const char* prescreen = std::getenv("MINDSET_FUZZ_PRESCREEN");
  return !prescreen || std::strcmp(prescreen, "0") != 0;
}

int hdf5(const std::uint8_t* data, std::size_t size) {
  auto [options, body] = first_line(as_string(data, size));
  const std::string path = work_dir() + "/data.h5";
  write_file(path, body);
  const std::string text = "data: {train: {type: hdf5, path: '" + path + "', " + options + "}}\n" + kModel;
  ::setenv("MINDSET_IN_PROCESS", "1", 1);  // mindset's own code runs here, where coverage and ASan see it
  // While fuzzing (scripts/fuzz.sh sets MINDSET_FUZZ_PRESCREEN=0 and runs libFuzzer with -fork
  // -ignore_crashes), inputs run in process at full speed and every crash is saved; the script
  // then replays each saved crash with the prescreen on, which passes only libhdf5's, contained.
  if (prescreen_enabled() && fails_in_libhdf5([&] { load_experiment_data(text); })) {
    // libhdf5's bug, not mindset's: what mindset must do is contain it. Read as users read it (in
    // a child process), the file is a one-line error.
    ::setenv("MINDSET_IN_PROCESS", "0", 1);
    const std::string error = load_experiment_data(text);
    MINDSET_FUZZ_CHECK(error.find("the HDF5 library") != std::string::npos, "not contained: " + error);
    return 0;
  }
  load_experiment_data(text);
  // Every file, group, dataset, type and space mindset opened is closed again.
  MINDSET_FUZZ_CHECK(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) == 0, "HDF5 objects left open");
  return 0;
}

int sweep(const std::uint8_t* data, std::size_t size) {
  std::string text;
  std::vector<std::string> overrides;
  split_overrides(as_string(data, size), text, overrides);
  const std::string origin = work_dir() + "/sweep.yaml";
  SweepPlan plan;
  try {
    plan = plan_sweep(text, origin, overrides);
  } catch (const UserError&) {
    return 0;
  }
  MINDSET_FUZZ_CHECK(!plan.runs.empty(), "a sweep without runs");
  std::set<std::string> ids, hashes;
  for (const SweepRun& r : plan.runs) {
    MINDSET_FUZZ_CHECK(!r.id.empty() && r.id[0] != '.' && id_safe(r.id, r.id.size()) == r.id, "unsafe run id " + r.id);
    MINDSET_FUZZ_CHECK(ids.insert(r.id).second, "two runs share the id " + r.id);
    MINDSET_FUZZ_CHECK(hashes.insert(r.hash).second, "two runs share the config " + r.hash);
    MINDSET_FUZZ_CHECK(r.values.size() == plan.keys.size(), "a run without a value per swept key");
  }
  // The manifest is what a resumed sweep compares itself with: it must read back the same.
  SweepDir dir{work_dir() + "/out"};
  std::error_code ec;
  fs::create_directories(dir.root, ec);
  Manifest m = manifest_of(plan);
  write_manifest(dir, m);
  try {
    Manifest back = read_manifest(dir);
    MINDSET_FUZZ_CHECK(manifest_difference(back, m).empty(), "the manifest reads back as another sweep: " +
                                                                  manifest_difference(back, m));
    MINDSET_FUZZ_CHECK(back.sweep_text == m.sweep_text, "the sweep text changed in the manifest");
    for (std::size_t i = 0; i < m.runs.size(); ++i)
      for (std::size_t k = 0; k < m.keys.size(); ++k)
        MINDSET_FUZZ_CHECK(same_meaning(back.runs[i].values[k], m.runs[i].values[k]), "run " + m.runs[i].id + "'s values changed in the manifest");
  } catch (const UserError& e) {
    property_failed("the manifest reads back", e.what());
  }
  return 0;
}

}  // namespace mindset_fuzz
