// SHA-256 (FIPS 180-4), for the provenance of data files in results: what exactly was trained on.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace mindset {

class Sha256 {
 public:
  Sha256() { reset(); }
  void reset();
  void update(const void* data, std::size_t len);
  std::array<std::uint8_t, 32> digest();  // finishes; reset() before reuse
  std::string hex_digest();

 private:
  void block(const std::uint8_t* p);
  std::array<std::uint32_t, 8> h_;
  std::array<std::uint8_t, 64> buf_;
  std::size_t used_ = 0;
  std::uint64_t total_ = 0;  // bytes
};

std::string sha256_hex(const std::string& bytes);
// Hex digest of a file's bytes, read in blocks; throws std::runtime_error when it can't be read.
std::string sha256_file(const std::string& path);

}  // namespace mindset
