#include "bench/storage/storage_pattern.hpp"

#include <cstring>

namespace capbench {

namespace {
constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ull;

std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// The 8-byte word at word index w: one multiply and two xors, so filling runs near memory
// speed (the write phases fill each transfer inside the timed region, as IOR does).
inline std::uint64_t word_at(std::uint64_t key, std::uint64_t w) {
  const std::uint64_t v = key ^ (w * kGolden);
  return v ^ (v >> 29);
}
}  // namespace

std::uint64_t storage_file_key(std::uint64_t seed, std::string_view relative_name) {
  std::uint64_t h = 0xCBF29CE484222325ull;
  for (unsigned char c : relative_name) {
    h ^= c;
    h *= 0x100000001B3ull;
  }
  return mix(seed ^ mix(h));
}

void fill_storage_pattern(std::uint64_t file_key, std::uint64_t offset, unsigned char* out, std::size_t n) {
  std::size_t done = 0;
  // Leading bytes up to the next 8-byte boundary of the file.
  while (done < n && (offset + done) % 8 != 0) {
    const std::uint64_t o = offset + done;
    out[done++] = static_cast<unsigned char>(word_at(file_key, o / 8) >> (8 * (o % 8)));
  }
  std::uint64_t w = (offset + done) / 8;
  for (; done + 8 <= n; done += 8, ++w) {
    const std::uint64_t v = word_at(file_key, w);
    std::memcpy(out + done, &v, 8);  // little-endian hosts: byte k of the word is offset 8w + k
  }
  for (std::size_t k = 0; done < n; ++done, ++k)
    out[done] = static_cast<unsigned char>(word_at(file_key, w) >> (8 * k));
}

PatternCheck check_storage_pattern(std::uint64_t file_key, std::uint64_t offset, const unsigned char* data,
                                   std::size_t n, unsigned char* scratch) {
  PatternCheck c;
  fill_storage_pattern(file_key, offset, scratch, n);
  if (std::memcmp(data, scratch, n) == 0) return c;
  for (std::size_t i = 0; i < n; ++i) {
    if (data[i] == scratch[i]) continue;
    if (c.mismatches++ == 0) {
      c.first_offset = offset + i;
      c.found = data[i];
      c.expected = scratch[i];
    }
  }
  return c;
}

}  // namespace capbench
