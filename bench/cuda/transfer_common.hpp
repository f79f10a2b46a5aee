#pragma once
// Shared pieces of the copy benchmarks: the seeded word pattern on the host, and how many
// copies make one sample.
#include <cstdint>
#include <string>

#include "bench/cuda/batch_sizing.hpp"
#include "kernels/pattern.hpp"

namespace capbench {

// A sample lasts about this long, so event resolution and launch gaps stay below 1 %.
inline constexpr double kTransferSampleTarget_s = 0.02;
inline constexpr int kTransferMaxReps = 200;

inline void host_pattern_fill(std::uint32_t* p, std::int64_t words, std::uint64_t seed) {
  for (std::int64_t i = 0; i < words; ++i) p[i] = pattern_word(seed, i);
}

inline std::int64_t host_pattern_mismatches(const std::uint32_t* p, std::int64_t words, std::uint64_t seed) {
  std::int64_t bad = 0;
  for (std::int64_t i = 0; i < words; ++i) bad += p[i] != pattern_word(seed, i);
  return bad;
}

}  // namespace capbench
