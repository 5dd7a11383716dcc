// Helpers shared by the test suites: reference files, temporary folders, running the CLI.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

namespace testing {

namespace fs = std::filesystem;

inline fs::path source_dir() { return MINDSET_SOURCE_DIR; }
inline std::string mindset_bin() { return MINDSET_BIN; }
inline std::string python() { return MINDSET_PYTHON; }

// Lines "label v1 v2 ..." of a reference file under tests/reference/.
inline std::map<std::string, std::vector<double>> read_reference(const std::string& name) {
  std::map<std::string, std::vector<double>> out;
  std::ifstream in(source_dir() / "tests" / "reference" / name);
  BOOST_REQUIRE_MESSAGE(in, "missing reference file tests/reference/" + name);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string label;
    ls >> label;
    std::vector<double> v;
    std::string tok;
    while (ls >> tok) v.push_back(std::strtod(tok.c_str(), nullptr));
    out[label] = v;
  }
  return out;
}

// A fresh temporary folder, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "mindset-test-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path operator/(const std::string& name) const { return path / name; }
  fs::path write(const std::string& name, const std::string& text) const {
    fs::path p = path / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
};

struct Result {
  int exit_code = -1;
  std::string out, err;
};

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs a shell command line, capturing stdout and stderr separately.
inline Result run(const std::string& command) {
  TempDir t;
  std::string cmd = command + " >" + (t / "out").string() + " 2>" + (t / "err").string();
  int status = std::system(cmd.c_str());
  Result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(t / "out");
  r.err = slurp(t / "err");
  return r;
}

// The mindset executable with arguments (already quoted as needed).
inline Result mindset(const std::string& args) { return run(mindset_bin() + " " + args); }

inline std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// The real data sets live in ../shared/datasets beside the project (scripts/test.sh links them
// into data/). Empty when absent: the test should then skip with a message.
inline fs::path dataset_dir(const std::string& name) {
  for (fs::path p : {source_dir() / "data" / name, source_dir().parent_path() / "shared" / "datasets" / name})
    if (fs::exists(p)) return fs::canonical(p);
  return {};
}

}  // namespace testing
