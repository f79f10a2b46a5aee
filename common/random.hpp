#pragma once
// Counter-based random numbers: value i of stream `seed` is a pure function of (seed, i),
// so a GPU kernel, a CPU loop and a verifier all regenerate the same inputs without storing them.
#include <cstdint>

#if defined(__CUDACC__)
#define CAPBENCH_HD __host__ __device__
#else
#define CAPBENCH_HD
#endif

namespace capbench {

CAPBENCH_HD inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

CAPBENCH_HD inline std::uint64_t random_bits(std::uint64_t seed, std::uint64_t index) {
  return splitmix64(splitmix64(seed) ^ (index * 0xD1B54A32D192ED03ull));
}

// Uniform in [0, 1) with 53 random bits.
CAPBENCH_HD inline double uniform01(std::uint64_t seed, std::uint64_t index) {
  return static_cast<double>(random_bits(seed, index) >> 11) * 0x1.0p-53;
}

// Uniform in [-1, 1): GEMM inputs, centred so that products do not grow with K.
CAPBENCH_HD inline double uniform_pm1(std::uint64_t seed, std::uint64_t index) {
  return 2.0 * uniform01(seed, index) - 1.0;
}

// Uniform integer in [lo, hi], for INT8 inputs and exactly summable collective payloads.
CAPBENCH_HD inline std::int64_t uniform_int(std::uint64_t seed, std::uint64_t index, std::int64_t lo,
                                            std::int64_t hi) {
  const auto span = static_cast<std::uint64_t>(hi - lo + 1);
  return lo + static_cast<std::int64_t>(random_bits(seed, index) % span);
}

// Distinct, reproducible seed per (run seed, rank, case, purpose).
CAPBENCH_HD inline std::uint64_t derive_seed(std::uint64_t base, std::uint64_t a, std::uint64_t b = 0,
                                             std::uint64_t c = 0) {
  return splitmix64(splitmix64(splitmix64(base ^ 0xA0761D6478BD642Full) ^ a) ^ (b + 0x9E37u)) ^ c;
}

}  // namespace capbench
