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

// The 8-byte word at word index w: one multiply and two xors.
inline std::uint64_t word_at(std::uint64_t key, std::uint64_t w) {
  const std::uint64_t v = key ^ (w * kGolden);
  return v ^ (v >> 29);
}

// Words [w, w + words) into out, at any alignment. The write phases fill every byte of each
// transfer inside the timed region (so that every byte can be checked), where IOR by default
// writes one buffer filled once: the fill must cost next to nothing beside the write. Compiled
// for three instruction sets; on this project's 2-vCPU VM a 2 MiB transfer filled at 22 GB/s
// (x86-64), 34 (AVX2) and 100 (AVX-512DQ, whose 64-bit multiply vectorizes), where one word at a
// time ran at 18 GB/s.
__attribute__((always_inline)) inline void words_into(std::uint64_t key, std::uint64_t w, unsigned char* out,
                                                      std::size_t words) {
  for (std::size_t i = 0; i < words; ++i) {
    const std::uint64_t v = word_at(key, w + i);
    std::memcpy(out + 8 * i, &v, 8);  // little-endian hosts: byte k of the word is offset 8w + k
  }
}
__attribute__((target("avx512f,avx512dq"))) void words_avx512(std::uint64_t key, std::uint64_t w,
                                                               unsigned char* out, std::size_t words) {
  words_into(key, w, out, words);
}
__attribute__((target("avx2"))) void words_avx2(std::uint64_t key, std::uint64_t w, unsigned char* out,
                                                std::size_t words) {
  words_into(key, w, out, words);
}
void words_x86_64(std::uint64_t key, std::uint64_t w, unsigned char* out, std::size_t words) {
  words_into(key, w, out, words);
}

const StoragePatternFill& chosen_fill() {
  static const StoragePatternFill chosen = runnable_storage_pattern_fills().front();
  return chosen;
}
}  // namespace

std::vector<StoragePatternFill> runnable_storage_pattern_fills() {
  __builtin_cpu_init();
  std::vector<StoragePatternFill> out;
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq"))
    out.push_back({"avx512dq", &words_avx512});
  if (__builtin_cpu_supports("avx2")) out.push_back({"avx2", &words_avx2});
  out.push_back({"x86-64", &words_x86_64});
  return out;
}

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
  const std::size_t words = (n - done) / 8;
  chosen_fill().words(file_key, w, out + done, words);
  done += 8 * words;
  w += words;
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
