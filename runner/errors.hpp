// Errors users can act on: what, where (file:line:column and key path), what is allowed.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include "options.hpp"

namespace mindset {

struct Diagnostic {
  Mark mark;          // where in which file
  std::string path;   // key path: model.layers[2].units
  std::string message;

  // "file:line:col: key.path: message"
  std::string str() const;
};

// Bad input (config, data, arguments): exit code 2, one line per diagnostic, no output file.
class UserError : public std::runtime_error {
 public:
  explicit UserError(std::vector<Diagnostic> diags, int exit_code = 2);
  explicit UserError(const std::string& message, int exit_code = 2);
  UserError(Mark mark, std::string path, std::string message, int exit_code = 2);
  const std::vector<Diagnostic>& diagnostics() const { return diags_; }
  int exit_code() const { return exit_code_; }

 private:
  std::vector<Diagnostic> diags_;
  int exit_code_;
};

// Collects diagnostics and throws them together (up to a cap) once a phase is done.
class Diagnostics {
 public:
  static constexpr std::size_t kMaxReported = 20;
  void add(Mark mark, std::string path, std::string message);
  bool empty() const { return list_.empty(); }
  std::size_t size() const { return list_.size(); }
  const std::vector<Diagnostic>& list() const { return list_; }
  void throw_if_any() const;

 private:
  std::vector<Diagnostic> list_;
};

// One line for an exception caught where it cannot be reported directly (a sweep's run, a fused
// member): a UserError's diagnostics joined with "; ", else what().
std::string error_text(std::exception_ptr e);

// A size a file declares, in a message: "36881100000000000000" (no cast of a value past 2^64).
std::string size_text(long double v);

}  // namespace mindset
