// The CPU peak model: FLOP per cycle from the vector units, the clock and its basis.
#include "bench/cpu/cpu_peak.hpp"

#include <gtest/gtest.h>

namespace capbench {
namespace {

CpuFeatures features(bool sse2, bool avx, bool avx2, bool fma, int avx512_units) {
  CpuFeatures f;
  f.sse2 = sse2;
  f.avx = avx;
  f.avx2 = avx2;
  f.fma = fma;
  f.avx512f = avx512_units > 0;
  f.avx512_fma_units = avx512_units;
  return f;
}

TEST(CpuPeak, FlopPerCycleFollowsTheVectorUnits) {
  struct Row {
    CpuFeatures f;
    int fp64, fp32;
    const char* isa;
  };
  const Row rows[] = {
      {features(true, false, false, false, 0), 4, 8, "sse2"},                     // one 128-bit add + one mul
      {features(true, true, false, false, 0), 8, 16, "avx"},                      // Sandy Bridge
      {features(true, true, true, true, 0), 16, 32, "avx2+fma"},                  // Haswell .. Zen 3
      {features(true, true, true, true, 1), 16, 32, "avx512 (1 FMA unit)"},       // Xeon Silver, Ice Lake client
      {features(true, true, true, true, 2), 32, 64, "avx512 (2 FMA units)"},      // Xeon Gold/Platinum, SPR, EMR
  };
  for (const auto& r : rows) {
    EXPECT_EQ(cpu_flop_per_cycle(r.f, Precision::fp64), r.fp64) << r.isa;
    EXPECT_EQ(cpu_flop_per_cycle(r.f, Precision::fp32), r.fp32) << r.isa;
    EXPECT_EQ(cpu_vector_isa(r.f), r.isa);
    EXPECT_EQ(cpu_flop_per_cycle(r.f, Precision::bf16), 0) << "no CPU GEMM in bf16 here";
  }
  // AVX2 without FMA (some Atom-class cores) counts as AVX.
  EXPECT_EQ(cpu_flop_per_cycle(features(true, true, true, false, 0), Precision::fp64), 8);
}

TEST(CpuPeak, ClockFromTheModelName) {
  EXPECT_DOUBLE_EQ(*clock_from_model_name("Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz"), 2.0e9);
  EXPECT_DOUBLE_EQ(*clock_from_model_name("Intel(R) Core(TM) i7-2600 CPU @ 3.40GHz"), 3.4e9);
  EXPECT_DOUBLE_EQ(*clock_from_model_name("Some CPU @ 800MHz"), 8.0e8);
  EXPECT_FALSE(clock_from_model_name("Intel(R) Xeon(R) Processor"));  // a VM hides it
  EXPECT_FALSE(clock_from_model_name("AMD EPYC 9654 96-Core Processor"));
}

TEST(CpuPeak, ClockBasisPrefersTheMeasuredOneAndSaysWhich) {
  CpuClock c;
  c.reported_hz = 2.6e9;
  EXPECT_DOUBLE_EQ(c.chosen_hz(), 2.6e9);
  EXPECT_NE(c.basis().find("cpu MHz"), std::string::npos);
  c.nominal_hz = 2.1e9;
  EXPECT_DOUBLE_EQ(c.chosen_hz(), 2.1e9);
  EXPECT_EQ(c.basis_short(), "stated base clock");
  // A VM that reports 2.6 GHz and runs at 4.1: the peak must bound the figure, so the
  // measured clock wins, and the basis says so.
  c.measured_hz = 4.1e9;
  EXPECT_DOUBLE_EQ(c.chosen_hz(), 4.1e9);
  EXPECT_EQ(c.basis_short(), "measured clock");
  EXPECT_NE(c.basis().find("measured all-core clock"), std::string::npos);
}

TEST(CpuPeak, PeakIsCoresTimesFlopPerCycleTimesClock) {
  CpuClock c;
  c.reported_hz = 2.6e9;
  const CpuPeak p = compute_cpu_peak(features(true, true, true, true, 2), c, 2);
  EXPECT_DOUBLE_EQ(p.fp64, 2 * 32 * 2.6e9);
  EXPECT_DOUBLE_EQ(p.fp32, 2 * 64 * 2.6e9);
  const json j = p.to_json();
  EXPECT_EQ(j.at("cores"), 2);
  EXPECT_EQ(j.at("vector_isa"), "avx512 (2 FMA units)");
  EXPECT_DOUBLE_EQ(j.at("peak_flops").at("fp64").get<double>(), p.fp64);
  EXPECT_NE(j.at("clock_basis").get<std::string>().find("cpu MHz"), std::string::npos);
}

TEST(CpuPeak, ThisMachineHasAModelAndAPlausibleClock) {
  const CpuPeak& p = this_rank_cpu_peak(1);
  EXPECT_GT(cpu_flop_per_cycle(p.features, Precision::fp64), 0);
  ASSERT_TRUE(p.clock.measured_hz);
  // Dependent register adds run one per cycle: a clock outside 0.5-7 GHz means the chain was
  // folded or broken, not a real CPU.
  EXPECT_GT(*p.clock.measured_hz, 0.5e9);
  EXPECT_LT(*p.clock.measured_hz, 7e9);
}

}  // namespace
}  // namespace capbench
