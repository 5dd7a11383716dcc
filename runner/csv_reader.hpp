// A streaming RFC 4180 reader: fields separated by a delimiter, records by LF, CRLF or CR; fields
// may be quoted ("Smith, John"), with quotes inside written twice ("O""Brien") and line breaks
// kept. Blank lines are skipped; a UTF-8 byte-order mark is ignored. Memory is bounded: a field
// longer than kMaxField bytes, a record longer than kMaxRecord bytes, or more than kMaxFields
// fields give a clear error instead of exhausting memory. Errors are UserErrors at file:line:column.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "errors.hpp"

namespace mindset {

struct CsvField {
  std::string text;
  bool quoted = false;
  int line = 0;    // where the field starts (1-based)
  int column = 0;  // in characters (UTF-8 code points), 1-based
};

class CsvReader {
 public:
  static constexpr std::size_t kMaxField = std::size_t(1) << 20;   // 1 MiB
  static constexpr std::size_t kMaxRecord = std::size_t(4) << 20;  // 4 MiB
  static constexpr std::size_t kMaxFields = 65536;

  // Opens `path`; a file that can't be read is a UserError. `display` names it in messages.
  CsvReader(const std::string& path, char delimiter = ',');

  // The next record's fields (the vector is reused: only the first `count` are this record's).
  // Returns false at the end of the file.
  bool next(std::vector<CsvField>& fields, std::size_t& count);

  // After the header: every record must have exactly `n` fields (ragged rows are errors).
  void expect_fields(std::size_t n, int header_line) {
    expected_ = n;
    header_line_ = header_line;
  }

  int record_line() const { return record_line_; }
  Mark mark(int line, int column = 0) const { return Mark{file_, line, column, false}; }
  [[noreturn]] void fail(int line, int column, const std::string& message) const;
  const std::string& path() const { return *file_; }

 private:
  int peek();
  int get();  // next character; any line break comes back as '\n'
  bool fill();
  void append(CsvField& f, int c);

  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f_;
  std::shared_ptr<const std::string> file_;
  char delim_;
  std::vector<char> buf_;
  std::size_t pos_ = 0, len_ = 0;
  bool eof_ = false;
  int line_ = 1, column_ = 1;
  int record_line_ = 0;
  std::size_t record_bytes_ = 0;
  std::size_t expected_ = 0;
  int header_line_ = 0;
};

}  // namespace mindset
