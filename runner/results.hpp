// The results file: an HDF5 file whose layout is a contract (docs/results-format.md).
// It is written under a temporary name in the destination folder and renamed into place only
// when complete, so a file at the final path is always whole.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "config.hpp"
#include "dataset.hpp"
#include "trainer.hpp"

namespace mindset {

constexpr int kFormatVersion = 1;
extern const char* const kMindsetVersion;

struct RunInfo {
  std::string started_at, finished_at;  // ISO 8601 UTC
  double wall_seconds = 0;
};

// Writes the run's results to `path` atomically. Throws std::runtime_error (with the reason)
// on failure, leaving any previous file at `path` untouched and no temporary file behind.
void write_results(const std::string& path, const Experiment& e, const DataBundle& data, const TrainOutcome& out,
                   const RunInfo& info);

// The atomic write behind results and checkpoints: `write` fills a temporary file in the same
// folder, which is fsynced and renamed to `path` (then the folder is fsynced). Throws
// std::runtime_error with the reason; on failure nothing is left behind and `path` is untouched.
// `what` names the file in messages ("results", "checkpoint").
void write_atomically(const std::string& path, const std::string& what,
                      const std::function<void(const std::string& tmp)>& write);

// A fresh temporary name beside `path`: ".<file>.tmp-<pid>-<random>@<host>".
std::string temp_path(const std::string& path);
// Removes the temporary files that writers of `path` killed mid-write left behind (see
// temp_path): those of this machine whose process is gone. Returns how many it removed.
std::size_t remove_stale_temp_files(const std::string& path);

// Creates the folder of `path` if needed and checks it can be written, before any training.
void prepare_output(const std::string& path);

// The current time as ISO 8601 UTC ("2026-12-04T15:40:53Z").
std::string utc_now();

// A file name made from a run name: no path separators, control characters or leading dots.
std::string safe_file_name(const std::string& name);

}  // namespace mindset
