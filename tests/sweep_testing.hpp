// Helpers shared by the sweep tests: a base experiment, running `mindset sweep`, reading summaries.
#pragma once

#include <sys/stat.h>

#include <map>
#include <string>
#include <vector>

#include "testing.hpp"

namespace sweep_testing {

namespace fs = std::filesystem;
using testing::quote;


inline const char* kBase = R"(name: flower
seed: 2
data: {train: {type: flower}}
model:
  init: {type: normal, scale: 0.01}
  layers: [{units: 4, activation: tanh}, {units: 1, activation: sigmoid}]
training: {learning_rate: 1.2, iterations: 300}
)";

using Row = std::map<std::string, std::string>;

inline std::vector<Row> read_csv(const fs::path& p) {
  std::string text = testing::slurp(p);
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') cell += '"', ++i;
      else if (c == '"') quoted = false;
      else cell += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(cell), cell.clear();
    } else if (c == '\n') {
      rows.back().push_back(cell), cell.clear();
      rows.emplace_back();
    } else {
      cell += c;
    }
  }
  rows.pop_back();
  std::vector<Row> out;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    Row row;
    for (std::size_t c = 0; c < rows[0].size() && c < rows[r].size(); ++c) row[rows[0][c]] = rows[r][c];
    out.push_back(row);
  }
  return out;
}

// The summary without what may differ between equal sweeps (timings).
inline std::vector<Row> content(const fs::path& dir) {
  auto rows = read_csv(dir / "summary.csv");
  for (auto& r : rows) r.erase("wall_seconds");
  return rows;
}

inline std::string sweep(const fs::path& file, const fs::path& out, const std::string& more = "") {
  return "sweep " + quote(file.string()) + " -o " + quote(out.string()) + " " + more;
}

inline std::size_t count_files(const fs::path& dir, const std::string& ext) {
  std::size_t n = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ext && it->path().filename().string()[0] != '.') ++n;
  return n;
}

// name -> (inode, mtime in ns) of each results file.
inline std::map<std::string, std::pair<ino_t, long long>> stamps(const fs::path& runs) {
  std::map<std::string, std::pair<ino_t, long long>> m;
  std::error_code ec;
  for (fs::directory_iterator it(runs, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".h5") continue;
    struct stat st {};
    ::stat(it->path().c_str(), &st);
    m[it->path().filename().string()] = {st.st_ino, st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec};
  }
  return m;
}

inline bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

struct Fixture {
  testing::TempDir dir;
  Fixture() { dir.write("base.yaml", kBase); }
};

}  // namespace sweep_testing
