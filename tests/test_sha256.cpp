// SHA-256 against the FIPS 180-4 / NIST example vectors, block boundaries, and files.
#define BOOST_TEST_MODULE sha256
#include "sha256.hpp"

#include "testing.hpp"

using mindset::Sha256;
using mindset::sha256_file;
using mindset::sha256_hex;

BOOST_AUTO_TEST_CASE(nist_vectors) {
  BOOST_TEST(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  BOOST_TEST(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  BOOST_TEST(sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu") ==
             "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  BOOST_TEST(sha256_hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

BOOST_AUTO_TEST_CASE(padding_boundaries) {
  // 55, 56 and 64 bytes: the length fits in the last block, just doesn't, and a full block.
  BOOST_TEST(sha256_hex(std::string(55, 'a')) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  BOOST_TEST(sha256_hex(std::string(56, 'a')) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  BOOST_TEST(sha256_hex(std::string(64, 'a')) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

BOOST_AUTO_TEST_CASE(incremental_updates_equal_one_shot) {
  std::string data;
  for (int i = 0; i < 5000; ++i) data += static_cast<char>((i * 7919) & 0xff);
  const std::string expect = sha256_hex(data);
  for (std::size_t piece : {1u, 3u, 63u, 64u, 65u, 1000u}) {
    Sha256 h;
    for (std::size_t i = 0; i < data.size(); i += piece) h.update(data.data() + i, std::min(piece, data.size() - i));
    BOOST_TEST(h.hex_digest() == expect);
  }
}

BOOST_AUTO_TEST_CASE(files_match_hashlib) {
  testing::TempDir dir;
  std::string data;
  for (int i = 0; i < 200000; ++i) data += static_cast<char>((i * 31 + i / 7) & 0xff);  // > the 64 KiB read block
  auto p = dir.write("blob.bin", data);
  BOOST_TEST(sha256_file(p.string()) == sha256_hex(data));
  auto r = testing::run(testing::python() + " -c \"import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],'rb').read()).hexdigest())\" " +
                        testing::quote(p.string()));
  BOOST_REQUIRE(r.exit_code == 0);
  BOOST_TEST(r.out.substr(0, 64) == sha256_file(p.string()));
  BOOST_CHECK_THROW(sha256_file((dir / "absent").string()), std::runtime_error);
}
