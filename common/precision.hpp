#pragma once
// GEMM precisions. Every figure capbench prints names one of these; none is ever summed
// with another.
#include <array>
#include <optional>
#include <string_view>

namespace capbench {

enum class Precision { fp64, fp32, tf32, fp16, bf16, fp8_e4m3, int8 };

struct PrecisionInfo {
  Precision precision;
  std::string_view key;
  std::string_view description;
  // Unit roundoff of the values multiplied (input rounding inside the unit), of the
  // accumulator, and of the stored output; 0 where that step is exact.
  double u_input, u_accumulate, u_output;
  bool integer;  // throughput counted as OP/s (INT8) rather than FLOP/s
};

inline constexpr std::array<PrecisionInfo, 7> kPrecisions{{
    {Precision::fp64, "fp64", "FP64 in, FP64 accumulate, FP64 out", 0.0, 0x1.0p-53, 0x1.0p-53, false},
    {Precision::fp32, "fp32", "FP32 in, FP32 accumulate, FP32 out (no TF32)", 0.0, 0x1.0p-24, 0x1.0p-24, false},
    {Precision::tf32, "tf32", "FP32 data multiplied as TF32, FP32 accumulate, FP32 out", 0x1.0p-11, 0x1.0p-24,
     0x1.0p-24, false},
    {Precision::fp16, "fp16", "FP16 in, FP32 accumulate, FP16 out", 0.0, 0x1.0p-24, 0x1.0p-11, false},
    {Precision::bf16, "bf16", "BF16 in, FP32 accumulate, BF16 out", 0.0, 0x1.0p-24, 0x1.0p-8, false},
    {Precision::fp8_e4m3, "fp8_e4m3", "FP8 E4M3 in, FP32 accumulate, BF16 out", 0.0, 0x1.0p-24, 0x1.0p-8, false},
    {Precision::int8, "int8", "INT8 in, INT32 accumulate, INT32 out", 0.0, 0.0, 0.0, true},
}};

constexpr const PrecisionInfo& precision_info(Precision p) {
  for (const auto& i : kPrecisions)
    if (i.precision == p) return i;
  return kPrecisions[0];
}

inline std::optional<Precision> precision_from_key(std::string_view key) {
  for (const auto& i : kPrecisions)
    if (i.key == key) return i.precision;
  return std::nullopt;
}

}  // namespace capbench
