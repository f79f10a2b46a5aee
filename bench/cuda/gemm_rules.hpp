#pragma once
// What the CUDA GEMM can run where, decided without a GPU: precision by compute capability,
// operand layout per precision, and the shape rules cuBLASLt sets for FP8 and INT8.
#include <cstdint>

#include "bench/backend.hpp"
#include "common/precision.hpp"
#include "kernels/kernels.hpp"

namespace capbench {

struct ComputeCapability {
  int major = 0, minor = 0;
  int value() const { return major * 10 + minor; }
};

struct GemmLayout {
  kernels::ElemType a_type, c_type;  // B has A's type
  bool a_transposed;                 // "TN": A stored k×m (lda = k), B k×n, C m×n
};

GemmLayout gemm_layout(Precision p);

// The rounding model Freivalds' check holds a GEMM to. With FP8 fast accumulation the tensor
// cores keep fewer bits in their running sums than FP32 (about 14 bits of mantissa on
// Hopper, by public measurements); the bound then takes 2^-13 for the accumulation, so an
// honest fast-accumulation result passes and a wrong element still fails.
PrecisionInfo gemm_verification_model(Precision p, bool fast_accumulation);

// Whether this GPU generation has the units for p (and cuBLASLt kernels for them).
Support gemm_precision_support(Precision p, ComputeCapability cc);

// cuBLASLt's layout rules: FP8 needs every dimension a multiple of 16 (16-byte aligned
// columns); INT8 IMMA with the ordinary column order needs TN with m and k multiples of 4
// (so lda = ldb = k and ldc = m are too). Other precisions take any positive shape.
Support gemm_shape_support(Precision p, std::int64_t m, std::int64_t n, std::int64_t k);

}  // namespace capbench
