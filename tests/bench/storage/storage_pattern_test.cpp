#include "bench/storage/storage_pattern.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "bench/storage/storage_fs.hpp"

namespace capbench {
namespace {

TEST(StoragePattern, AnyOffsetAndLengthGiveTheSameBytesAsOneWholeFill) {
  const auto key = storage_file_key(42, "hard/shared-file-posix");
  std::vector<unsigned char> whole(1000), part(1000);
  fill_storage_pattern(key, 0, whole.data(), whole.size());
  for (std::size_t off : {0u, 1u, 7u, 8u, 13u, 500u}) {
    for (std::size_t len : {1u, 5u, 8u, 47u, 300u}) {
      if (off + len > whole.size()) continue;
      fill_storage_pattern(key, off, part.data(), len);
      EXPECT_EQ(0, std::memcmp(part.data(), whole.data() + off, len)) << "offset " << off << " length " << len;
    }
  }
}

TEST(StoragePattern, DependsOnSeedFileAndOffset) {
  std::vector<unsigned char> a(64), b(64);
  fill_storage_pattern(storage_file_key(1, "easy/rank-000000"), 0, a.data(), 64);
  fill_storage_pattern(storage_file_key(2, "easy/rank-000000"), 0, b.data(), 64);
  EXPECT_NE(a, b);
  fill_storage_pattern(storage_file_key(1, "easy/rank-000001"), 0, b.data(), 64);
  EXPECT_NE(a, b);
  // A block written at the wrong offset is caught like a flipped byte.
  fill_storage_pattern(storage_file_key(1, "easy/rank-000000"), 64, b.data(), 64);
  EXPECT_NE(a, b);
}

// The pattern as its definition states it, one byte at a time: byte k of word w is
// byte k of v ^ (v >> 29), v = key ^ (w * 0x9E3779B97F4A7C15).
unsigned char defined_byte(std::uint64_t key, std::uint64_t offset) {
  const std::uint64_t v = key ^ ((offset / 8) * 0x9E3779B97F4A7C15ull);
  return static_cast<unsigned char>((v ^ (v >> 29)) >> (8 * (offset % 8)));
}

TEST(StoragePattern, EveryInstructionSetsFillGivesTheDefinedBytes) {
  const auto key = storage_file_key(3, "hard/shared-file-posix");
  const auto fills = runnable_storage_pattern_fills();
  ASSERT_FALSE(fills.empty());
  EXPECT_STREQ("x86-64", fills.back().isa);  // the baseline is always there
  for (const auto& f : fills) {
    for (const std::uint64_t first : {0ull, 1ull, 5ull, 1ull << 40}) {
      for (const std::size_t words : {0u, 1u, 3u, 8u, 17u, 1000u}) {
        std::vector<unsigned char> out(8 * words + 3, 0xA5);
        f.words(key, first, out.data() + 1, words);  // at an odd address
        std::size_t wrong = 0;
        for (std::size_t b = 0; b < 8 * words; ++b) wrong += out[1 + b] != defined_byte(key, 8 * first + b);
        EXPECT_EQ(0u, wrong) << f.isa << ", word " << first << ", " << words << " words";
        EXPECT_EQ(0xA5, out[0]) << f.isa << ": wrote before its start";
        EXPECT_EQ(0xA5, out[1 + 8 * words]) << f.isa << ": wrote past its end";
      }
    }
  }
  // And through fill_storage_pattern, at an offset and length that are no whole words.
  std::vector<unsigned char> out(4099);
  fill_storage_pattern(key, 1000003, out.data(), out.size());
  for (std::size_t b = 0; b < out.size(); ++b) ASSERT_EQ(defined_byte(key, 1000003 + b), out[b]) << "byte " << b;
}

TEST(StoragePattern, CheckNamesTheFirstWrongByteByItsFileOffset) {
  const auto key = storage_file_key(7, "easy/rank-000003");
  std::vector<unsigned char> data(4096), scratch(4096);
  fill_storage_pattern(key, 1 << 20, data.data(), data.size());
  EXPECT_EQ(0u, check_storage_pattern(key, 1 << 20, data.data(), data.size(), scratch.data()).mismatches);
  const unsigned char was = data[1234];
  data[1234] ^= 0x10;
  data[3000] ^= 0xFF;
  const auto c = check_storage_pattern(key, 1 << 20, data.data(), data.size(), scratch.data());
  EXPECT_EQ(2u, c.mismatches);
  EXPECT_EQ((1u << 20) + 1234u, c.first_offset);
  EXPECT_EQ(was, c.expected);
  EXPECT_EQ(was ^ 0x10, c.found);
}

TEST(StorageFs, FileSystemTypesFromStatfsMagic) {
  EXPECT_EQ("lustre", fs_type_from_magic(0x0BD00BD0));
  EXPECT_EQ("gpfs", fs_type_from_magic(0x47504653));
  EXPECT_EQ("beegfs", fs_type_from_magic(0x19830326));
  EXPECT_EQ("nfs", fs_type_from_magic(0x6969));
  EXPECT_EQ("xfs", fs_type_from_magic(0x58465342));
  EXPECT_EQ("tmpfs", fs_type_from_magic(0x01021994));
  EXPECT_EQ("unknown", fs_type_from_magic(0x12345678));
}

TEST(StorageFs, CapacityOfARealDirectoryAndAMissingOne) {
  const auto c = query_storage_capacity(".");
  EXPECT_GT(c.total_bytes, 0u);
  EXPECT_LE(c.available_bytes, c.free_bytes);
  EXPECT_LE(c.free_bytes, c.total_bytes);
  try {
    query_storage_capacity("/nonexistent-capbench-storage-test/x");
    FAIL() << "no error for a missing path";
  } catch (const StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("ENOENT"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace capbench
