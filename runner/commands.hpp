// The subcommands of the `mindset` executable. Each returns the process exit code:
// 0 success, 1 internal error, 2 bad input (config, data, arguments).
#pragma once

#include <string>
#include <vector>

namespace mindset {

struct TrainArgs {
  std::string config;
  std::string output;  // "" = results/<name>.h5
  std::vector<std::string> overrides;
  bool quiet = false;
  bool resume = false;    // continue from <output>.ckpt.h5 (or start; or nothing when complete)
  bool log_json = false;  // JSON progress objects on stderr
};
// Exit codes beyond the usual: 3 the run diverged, 130/143 interrupted by SIGINT/SIGTERM.
int cmd_train(const TrainArgs& a);

struct ValidateArgs {
  std::string config;
  std::vector<std::string> overrides;
  bool resolved = false;
};
int cmd_validate(const ValidateArgs& a);

int cmd_list(const std::string& kind);

// Prints the JSON Schema of configs, or (markdown) the config reference.
int cmd_schema(bool markdown);

// Prints an error (one line per diagnostic) and returns its exit code. Call from a catch block.
int report_current_exception();

}  // namespace mindset
