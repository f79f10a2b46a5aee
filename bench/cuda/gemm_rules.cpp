#include "bench/cuda/gemm_rules.hpp"

#include <fmt/format.h>

namespace capbench {

GemmLayout gemm_layout(Precision p) {
  using kernels::ElemType;
  switch (p) {
    case Precision::fp64: return {ElemType::f64, ElemType::f64, false};
    case Precision::fp32:
    case Precision::tf32: return {ElemType::f32, ElemType::f32, false};
    case Precision::fp16: return {ElemType::f16, ElemType::f16, false};
    case Precision::bf16: return {ElemType::bf16, ElemType::bf16, false};
    case Precision::fp8_e4m3: return {ElemType::fp8_e4m3, ElemType::bf16, true};
    case Precision::int8: return {ElemType::i8, ElemType::i32, true};
  }
  return {ElemType::f64, ElemType::f64, false};
}

PrecisionInfo gemm_verification_model(Precision p, bool fast_accumulation) {
  PrecisionInfo info = precision_info(p);
  if (fast_accumulation && p == Precision::fp8_e4m3) info.u_accumulate = 0x1.0p-13;
  return info;
}

Support gemm_precision_support(Precision p, ComputeCapability cc) {
  const auto key = precision_info(p).key;
  auto need = [&](int min_cc, const char* what) {
    if (cc.value() >= min_cc) return Support::yes();
    return Support::no(fmt::format("{} needs compute capability {}.{} or newer ({}); this GPU is {}.{}", key,
                                   min_cc / 10, min_cc % 10, what, cc.major, cc.minor));
  };
  switch (p) {
    case Precision::fp64:
    case Precision::fp32: return need(60, "cuBLASLt's minimum");
    case Precision::fp16: return need(70, "tensor cores");
    case Precision::int8: return need(75, "INT8 tensor cores (IMMA)");
    case Precision::tf32:
    case Precision::bf16: return need(80, "Ampere tensor cores");
    case Precision::fp8_e4m3: return need(89, "FP8 tensor cores, Ada or Hopper");
  }
  return Support::no("unknown precision");
}

Support gemm_shape_support(Precision p, std::int64_t m, std::int64_t n, std::int64_t k) {
  if (m <= 0 || n <= 0 || k <= 0) return Support::no(fmt::format("shape {}x{}x{} is not positive", m, n, k));
  if (p == Precision::fp8_e4m3 && (m % 16 || n % 16 || k % 16))
    return Support::no(fmt::format("fp8_e4m3 in cuBLASLt needs m, n and k multiples of 16; got {}x{}x{}", m, n, k));
  if (p == Precision::int8 && (m % 4 || k % 4))
    return Support::no(
        fmt::format("int8 (IMMA, TN layout) in cuBLASLt needs m and k multiples of 4; got {}x{}x{}", m, n, k));
  return Support::yes();
}

}  // namespace capbench
