#include "common/sha256.hpp"
#include "tests/tools/scratch_dir.hpp"

#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

using namespace capbench;

// FIPS 180-4 example vectors.
TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, MillionAsInPiecesEqualsWhole) {
  Sha256 h;
  const std::string chunk(1000, 'a');
  for (int i = 0; i < 1000; ++i) h.update(chunk);
  EXPECT_EQ(h.hex_digest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, FileDigestEqualsStringDigest) {
  const capbench::testing::ScratchDir dir;
  const std::string path = dir.write("sha_test.txt", "capbench");
  EXPECT_EQ(sha256_file_hex(path), sha256_hex("capbench"));
  std::remove(path.c_str());
  EXPECT_THROW(sha256_file_hex(path), std::runtime_error);
}
