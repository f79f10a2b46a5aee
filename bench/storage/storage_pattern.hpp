#pragma once
// The bytes a storage phase writes and later checks: every byte is a function of (seed, file,
// offset) alone, so a reader checks what any rank wrote without knowing who wrote it, and a
// block that lands at the wrong offset or in the wrong file is caught like a flipped bit.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace capbench {

// A 64-bit key of a file's name within the run directory (FNV-1a, then mixed with the seed).
std::uint64_t storage_file_key(std::uint64_t seed, std::string_view relative_name);

// Fills `out` with the pattern of bytes [offset, offset + n) of the file with this key.
void fill_storage_pattern(std::uint64_t file_key, std::uint64_t offset, unsigned char* out, std::size_t n);

// The pattern's whole 8-byte words [first_word, first_word + words) into `out`, at any alignment,
// compiled for one instruction set. runnable_storage_pattern_fills: those this CPU runs, widest
// first; fill_storage_pattern uses the first.
struct StoragePatternFill {
  const char* isa;
  void (*words)(std::uint64_t file_key, std::uint64_t first_word, unsigned char* out, std::size_t words);
};
std::vector<StoragePatternFill> runnable_storage_pattern_fills();

// The first byte of `data` (bytes [offset, offset + n) of the file) that differs from the
// pattern, and how many differ. `scratch` holds n bytes.
struct PatternCheck {
  std::uint64_t mismatches = 0;
  std::uint64_t first_offset = 0;  // file offset of the first wrong byte (when mismatches > 0)
  unsigned char found = 0, expected = 0;
};
PatternCheck check_storage_pattern(std::uint64_t file_key, std::uint64_t offset, const unsigned char* data,
                                   std::size_t n, unsigned char* scratch);

}  // namespace capbench
