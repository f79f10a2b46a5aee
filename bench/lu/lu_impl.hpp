#pragma once
// LU factorization with partial pivoting and one solve, behind one interface (LAPACK getrf/getrs
// on the CPU, cuSOLVER on a GPU). A is n×n column-major, A(i,j) = uniform_pm1(seed_a, i + j·n);
// b(i) = uniform_pm1(seed_b, i). Both are regenerated from their seeds, never stored twice.
#include <cstdint>

#include "bench/backend.hpp"

namespace capbench {

struct LuProblem {
  std::int64_t n = 0;
  std::uint64_t seed_a = 0, seed_b = 0;
};

// The infinity norms HPL's scaled residual is made of, for the last solve.
struct LuNorms {
  double residual = 0;  // ‖A·x − b‖∞
  double a = 0;         // ‖A‖∞ (largest absolute row sum)
  double x = 0, b = 0;  // ‖x‖∞, ‖b‖∞
};

class LuImpl {
 public:
  virtual ~LuImpl() = default;
  // Bytes this rank may use: the GPU's memory, or the node's memory shared among its ranks.
  virtual double memory_bytes() const = 0;
  // Bytes the case holds for a given n (the matrix, vectors, pivots, workspace).
  virtual double bytes_for(std::int64_t n) const = 0;
  virtual void prepare(const LuProblem& problem) = 0;
  // Refills A and b from their seeds (not timed), then times the factorization and the solve
  // together, as HPL does. Seconds. Throws when the factorization meets an exactly zero pivot.
  virtual double time_factor_solve() = 0;
  // Fault injection (tests only): changes one element of the factors left by the last
  // factorization and solves again with them, so that the residual check must fail.
  virtual void corrupt_factors_and_resolve() = 0;
  // Norms of the last solution against A and b regenerated from their seeds (overwrites the factors).
  virtual LuNorms norms() = 0;
  virtual json info() const = 0;
  virtual void release() = 0;
};

}  // namespace capbench
