#include "errors.hpp"

#include <cstdio>

namespace mindset {

namespace {
std::string join_lines(const std::vector<Diagnostic>& d) {
  std::string s;
  for (const auto& x : d) s += (s.empty() ? "" : "\n") + x.str();
  return s;
}
}  // namespace

std::string Diagnostic::str() const {
  std::string where = mark.str();
  std::string s;
  if (!where.empty()) s += where + ": ";
  if (!path.empty()) s += path + ": ";
  return s + message;
}

UserError::UserError(std::vector<Diagnostic> diags, int exit_code)
    : std::runtime_error(join_lines(diags)), diags_(std::move(diags)), exit_code_(exit_code) {}

UserError::UserError(const std::string& message, int exit_code)
    : UserError(std::vector<Diagnostic>{Diagnostic{{}, {}, message}}, exit_code) {}

UserError::UserError(Mark mark, std::string path, std::string message, int exit_code)
    : UserError(std::vector<Diagnostic>{Diagnostic{std::move(mark), std::move(path), std::move(message)}},
                exit_code) {}

void Diagnostics::add(Mark mark, std::string path, std::string message) {
  list_.push_back(Diagnostic{std::move(mark), std::move(path), std::move(message)});
}

void Diagnostics::throw_if_any() const {
  if (list_.empty()) return;
  std::vector<Diagnostic> shown(list_.begin(),
                                list_.begin() + static_cast<std::ptrdiff_t>(std::min(list_.size(), kMaxReported)));
  if (list_.size() > kMaxReported)
    shown.push_back(Diagnostic{{}, {}, "... and " + std::to_string(list_.size() - kMaxReported) + " more errors"});
  throw UserError(std::move(shown));
}

std::string error_text(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const UserError& u) {
    std::string s;
    for (const auto& d : u.diagnostics()) s += (s.empty() ? "" : "; ") + d.str();
    return s;
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "unknown error";
  }
}

std::string size_text(long double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.0Lf", v);
  return buf;
}

}  // namespace mindset
