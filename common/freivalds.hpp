#pragma once
// Freivalds' check of C = A·B: compare C·x with A·(B·x), both in FP64, for a random x.
// A wrong element C_ij shows in row i as (C_ij - true_ij)·x_j. The tolerance of row i is
// a probabilistic rounding bound (random-walk accumulation), times a safety factor:
//   tol_i = kSafety · ( u_mul · ‖A_i‖₂ · sqrt(Σ_j ‖B_:j‖₂² x_j²) + u_out · sqrt(Σ_j C_ij² x_j²) )
// u_mul covers input rounding inside the unit and accumulation (plus the FP64 reference),
// u_out the rounding of the stored output. Integer GEMMs use integer x and must match exactly.
// docs/methodology.md derives it. Shared by the CPU and CUDA verifiers.
#include <cmath>
#include <cstdint>

#include "common/random.hpp"

namespace capbench {

inline constexpr double kFreivaldsSafety = 16.0;

// x_j: random sign, magnitude in [0.5, 1] (never tiny, so a wrong element cannot hide behind
// a small multiplier); integers in ±[1, 4] for integer GEMMs so every sum is exact in FP64.
CAPBENCH_HD inline double freivalds_x(std::uint64_t seed, std::uint64_t j, bool integer) {
  const std::uint64_t bits = random_bits(seed, j);
  const double sign = (bits & 1u) ? -1.0 : 1.0;
  if (integer) return sign * static_cast<double>(1 + ((bits >> 1) % 4));
  return sign * (0.5 + 0.5 * static_cast<double>(bits >> 11) * 0x1.0p-53);
}

CAPBENCH_HD inline double freivalds_row_tolerance(double u_mul, double u_out, double a_row_norm,
                                                  double weighted_b_norm, double weighted_c_row_norm) {
  return kFreivaldsSafety * (u_mul * a_row_norm * weighted_b_norm + u_out * weighted_c_row_norm);
}

// u_mul for a precision: input rounding + accumulation + the FP64 reference itself.
CAPBENCH_HD inline double freivalds_u_mul(double u_input, double u_accumulate) {
  return u_input + u_accumulate + 0x1.0p-52;
}

}  // namespace capbench
