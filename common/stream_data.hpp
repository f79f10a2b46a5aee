#pragma once
// STREAM array contents, shared by the CPU loop, the CUDA kernels and both checkers, so a
// check regenerates exactly what was written.
#include <cstdint>

#include "common/random.hpp"

namespace capbench {

// Seeds of the three arrays, derived from the case seed.
CAPBENCH_HD inline std::uint64_t stream_seed_a(std::uint64_t seed) { return derive_seed(seed, 1); }
CAPBENCH_HD inline std::uint64_t stream_seed_b(std::uint64_t seed) { return derive_seed(seed, 2); }
CAPBENCH_HD inline std::uint64_t stream_seed_c(std::uint64_t seed) { return derive_seed(seed, 3); }

// Initial values in [0.5, 1.5): never zero, so relative errors are defined everywhere.
CAPBENCH_HD inline double stream_initial_value(std::uint64_t array_seed, std::int64_t i) {
  return 0.5 + uniform01(array_seed, static_cast<std::uint64_t>(i));
}

}  // namespace capbench
