#pragma once
// Inputs for collectives that check exactly: small integers, whose sums are exact in FP32
// and FP64 in any order of reduction. Rank r's element i is f(i) + g(r).
#include <cstdint>

#include "common/random.hpp"

namespace capbench {

CAPBENCH_HD inline double collective_input(std::uint64_t seed, int rank, std::int64_t i) {
  return static_cast<double>(random_bits(seed, std::uint64_t(i)) % 8u) + static_cast<double>(rank % 5);
}

// Σ_{r<n} (r mod 5), the rank part of a sum over all ranks.
CAPBENCH_HD inline double collective_rank_sum(int nranks) {
  const std::int64_t full = nranks / 5, rest = nranks % 5;
  return static_cast<double>(full * 10 + rest * (rest - 1) / 2);
}

// Expected element i of a sum over all ranks.
CAPBENCH_HD inline double collective_sum(std::uint64_t seed, int nranks, std::int64_t i) {
  return static_cast<double>(nranks) * static_cast<double>(random_bits(seed, std::uint64_t(i)) % 8u) +
         collective_rank_sum(nranks);
}

}  // namespace capbench
