#pragma once
// GEMM behind one interface: C = A·B, column-major, A m×k, B k×n, C m×n, inputs random.
#include <cstdint>
#include <stdexcept>

#include "bench/backend.hpp"
#include "common/precision.hpp"

namespace capbench {

struct GemmProblem {
  Precision precision = Precision::fp64;
  std::int64_t m = 0, n = 0, k = 0;
  std::uint64_t seed = 0;
  int algorithms = 8;  // candidates to time where the library offers several
  // FP8 only: cuBLASLt's fast accumulation (CUBLASLT_MATMUL_DESC_FAST_ACCUM), a lower-accuracy
  // mode measured only when a suite asks for it, and verified to its own looser bound.
  bool fast_accumulation = false;
};

class GemmImpl {
 public:
  virtual ~GemmImpl() = default;
  virtual Support supports(Precision p) const = 0;
  // Allocates, fills A and B with random values from problem.seed, picks the algorithm.
  virtual void prepare(const GemmProblem& problem) = 0;
  // GEMMs per timed sample when the suite leaves it to the backend.
  virtual int default_batch() const = 0;
  // Seconds taken by `reps` back-to-back GEMMs.
  virtual double time_batch(int reps) = 0;
  // Freivalds' check of the C left by the last GEMM.
  virtual Verification verify(std::uint64_t check_seed) = 0;
  // Fault injection (tests only): change one element of C so that verify() must fail.
  virtual void corrupt_one_output_element() {
    throw std::logic_error("fault injection kind=wrong is not implemented by this GEMM implementation");
  }
  virtual json info() const = 0;
  virtual void release() = 0;
};

}  // namespace capbench
