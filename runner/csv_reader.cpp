#include "csv_reader.hpp"

#include <cerrno>
#include <cstring>

namespace mindset {

namespace {
std::string printable(int c) {
  if (c >= 32 && c < 127) return std::string("'") + static_cast<char>(c) + "'";
  char buf[16];
  std::snprintf(buf, sizeof buf, "byte 0x%02x", c & 0xff);
  return buf;
}
}  // namespace

CsvReader::CsvReader(const std::string& path, char delimiter)
    : f_(std::fopen(path.c_str(), "rb"), std::fclose),
      file_(std::make_shared<const std::string>(path)),
      delim_(delimiter),
      buf_(std::size_t(1) << 16) {
  if (!f_) throw UserError(Mark{file_, 0, 0, false}, "", std::string("cannot read the file: ") + std::strerror(errno));
  // A UTF-8 byte-order mark (as Excel writes) is not part of the first column's name.
  if (fill() && len_ >= 3 && static_cast<unsigned char>(buf_[0]) == 0xEF &&
      static_cast<unsigned char>(buf_[1]) == 0xBB && static_cast<unsigned char>(buf_[2]) == 0xBF)
    pos_ = 3;
}

void CsvReader::fail(int line, int column, const std::string& message) const {
  throw UserError(mark(line, column), "", message);
}

bool CsvReader::fill() {
  if (pos_ < len_) return true;
  if (eof_) return false;
  len_ = std::fread(buf_.data(), 1, buf_.size(), f_.get());
  pos_ = 0;
  if (len_ == 0) {
    if (std::ferror(f_.get())) fail(line_, 0, std::string("read error: ") + std::strerror(errno));
    eof_ = true;
    return false;
  }
  return true;
}

int CsvReader::peek() {
  if (!fill()) return EOF;
  return static_cast<unsigned char>(buf_[pos_]);
}

int CsvReader::get() {
  if (!fill()) return EOF;
  int c = static_cast<unsigned char>(buf_[pos_++]);
  ++record_bytes_;
  if (c == '\r') {
    if (peek() == '\n') {
      ++pos_;
      ++record_bytes_;
    }
    c = '\n';
  }
  if (c == '\n') {
    ++line_;
    column_ = 1;
  } else if ((c & 0xC0) != 0x80) {
    ++column_;  // count characters, not UTF-8 continuation bytes
  }
  return c;
}

void CsvReader::append(CsvField& f, int c) {
  if (f.text.size() >= kMaxField)
    fail(f.line, f.column, "a field longer than " + std::to_string(kMaxField >> 20) +
                               " MiB starts here; is this a CSV file, and is every quote closed?");
  if (record_bytes_ > kMaxRecord)
    fail(record_line_, 0, "the row starting on line " + std::to_string(record_line_) + " is longer than " +
                              std::to_string(kMaxRecord >> 20) + " MiB; is this a CSV file, and is every quote closed?");
  f.text.push_back(static_cast<char>(c));
}

bool CsvReader::next(std::vector<CsvField>& fields, std::size_t& count) {
  count = 0;
  while (peek() == '\n' || peek() == '\r') get();  // blank lines
  if (peek() == EOF) return false;
  record_line_ = line_;
  record_bytes_ = 0;
  const std::size_t cap = expected_ ? expected_ : kMaxFields;
  for (;;) {
    // Past the expected count, keep counting fields for the message but store nothing more.
    if (count == fields.size() && count <= cap) fields.emplace_back();
    CsvField& f = fields[std::min(count, cap)];
    ++count;
    if (count > kMaxFields)
      fail(record_line_, 0, "the row on line " + std::to_string(record_line_) + " has more than " +
                                std::to_string(kMaxFields) + " fields");
    f.text.clear();
    f.quoted = false;
    f.line = line_;
    f.column = column_;
    int c = peek();
    if (c == '"') {
      get();
      f.quoted = true;
      for (;;) {
        c = get();
        if (c == EOF)
          fail(f.line, f.column, "this quoted field is never closed (a quote inside a quoted field is written \"\")");
        if (c == '"') {
          if (peek() != '"') break;
          get();
        }
        append(f, c);
      }
      c = peek();
      if (c != delim_ && c != '\n' && c != '\r' && c != EOF)
        fail(line_, column_, printable(c) + " after the closing quote of the field at column " +
                                 std::to_string(f.column) + "; a quote inside a quoted field is written \"\"");
    } else {
      for (;;) {
        c = peek();
        if (c == delim_ || c == '\n' || c == '\r' || c == EOF) break;
        if (c == '"')
          fail(line_, column_, "a quote inside an unquoted field; quote the whole field and write the quote "
                               "twice (\"5'10\"\"\")");
        append(f, get());
      }
    }
    c = get();
    if (c == delim_) continue;
    break;  // end of line or of file
  }
  if (expected_ && count != expected_)
    fail(record_line_, 0, "the row on line " + std::to_string(record_line_) + " has " + std::to_string(count) +
                              " field" + (count == 1 ? "" : "s") + "; the header (line " +
                              std::to_string(header_line_) + ") has " + std::to_string(expected_));
  return true;
}

}  // namespace mindset
