#pragma once
// The last step of Freivalds' check, shared by the CPU and GPU verifiers: given the FP64 row
// results (C·x, A·(B·x), row norms of A, weighted row norms of C, the weighted norm of B),
// hold each row to the tolerance of common/freivalds.hpp and say what was found.
#include <cstdint>
#include <vector>

#include "common/precision.hpp"
#include "common/results.hpp"

namespace capbench {

struct FreivaldsRows {
  std::vector<double> cx, abx, a_norm2, c_w2;  // one per row of C
  double weighted_b2 = 0;                      // Σ_j ‖B_:j‖² x_j²
  std::int64_t nonfinite_c = 0;                // NaN or Inf elements seen in C
};

Verification freivalds_judge(const FreivaldsRows& rows, const PrecisionInfo& prec);

}  // namespace capbench
