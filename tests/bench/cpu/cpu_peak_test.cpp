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

TEST(CpuPeak, ClockUnderFma512LoadIsTheBasisWhenBelowTheScalarClock) {
  // A Xeon: dependent adds at 4.19 GHz, 512-bit FMAs on every core at 3.88 GHz.
  CpuClock c;
  c.reported_hz = 2.6e9;
  c.measured_hz = 4.19e9;
  c.fma512_hz = fma512_clock_hz(124.2e9, 2);
  EXPECT_DOUBLE_EQ(*c.fma512_hz, 124.2e9 / 32);
  EXPECT_TRUE(c.uses_fma512_clock());
  EXPECT_DOUBLE_EQ(c.chosen_hz(), 124.2e9 / 32);
  EXPECT_EQ(c.basis_short(), "clock measured under 512-bit FMA load on all cores");
  const CpuPeak p = compute_cpu_peak(features(true, true, true, true, 2), c, 2);
  EXPECT_DOUBLE_EQ(p.fp64, 2 * 124.2e9);  // the cores' achievable FMA rate
  const json j = p.to_json();
  EXPECT_DOUBLE_EQ(j.at("clocks").at("fma512_hz").get<double>(), 124.2e9 / 32);
  EXPECT_DOUBLE_EQ(j.at("clocks").at("measured_hz").get<double>(), 4.19e9);  // kept beside it
  EXPECT_DOUBLE_EQ(j.at("clocks").at("reported_hz").get<double>(), 2.6e9);
  EXPECT_EQ(j.at("clock_basis_short"), "clock measured under 512-bit FMA load on all cores");
  EXPECT_NE(j.at("clock_basis").get<std::string>().find("512-bit FMA load on all cores"), std::string::npos);
  // A core that holds its clock under AVX-512 (or a noisy FMA run above it): the scalar clock
  // stays the basis, the FMA clock is still recorded.
  c.fma512_hz = 4.3e9;
  EXPECT_FALSE(c.uses_fma512_clock());
  EXPECT_DOUBLE_EQ(c.chosen_hz(), 4.19e9);
  EXPECT_EQ(c.basis_short(), "measured clock");
  EXPECT_DOUBLE_EQ(compute_cpu_peak(features(true, true, true, true, 2), c, 2).to_json().at("clocks").at("fma512_hz").get<double>(), 4.3e9);
  // One 512-bit unit: 16 FLOP per cycle per core.
  EXPECT_DOUBLE_EQ(fma512_clock_hz(48e9, 1), 3e9);
  EXPECT_DOUBLE_EQ(fma512_clock_hz(48e9, 0), 0);
  // Without a scalar measurement the FMA clock is still the measured basis.
  CpuClock d;
  d.nominal_hz = 2.1e9;
  d.fma512_hz = 1.9e9;
  EXPECT_DOUBLE_EQ(d.chosen_hz(), 1.9e9);
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

TEST(CpuPeak, OneUnitMeasuredShortIsTwoWhenTheRateOutrunsTheClock) {
  // Two units at 4 GHz run 128 GFLOP/s per core: one unit would need an 8 GHz clock.
  EXPECT_EQ(2, reconcile_avx512_fma_units(1, 128e9, 4.0e9));
  // One unit at an AVX-512 clock below the add chain's, or a few percent above it by noise: one.
  EXPECT_EQ(1, reconcile_avx512_fma_units(1, 56e9, 4.0e9));
  EXPECT_EQ(1, reconcile_avx512_fma_units(1, 66e9, 4.0e9));
  EXPECT_EQ(2, reconcile_avx512_fma_units(2, 128e9, 4.0e9));
  // Nothing to check against, or no AVX-512: as measured.
  EXPECT_EQ(1, reconcile_avx512_fma_units(1, 128e9, std::nullopt));
  EXPECT_EQ(0, reconcile_avx512_fma_units(0, 0, 4.0e9));
}

TEST(CpuPeak, ThisMachineHasAModelAndAPlausibleClock) {
  const CpuPeak& p = this_rank_cpu_peak(1);
  EXPECT_GT(cpu_flop_per_cycle(p.features, Precision::fp64), 0);
  ASSERT_TRUE(p.clock.measured_hz);
  // Dependent register adds run one per cycle: a clock outside 0.5-7 GHz means the chain was
  // folded or broken, not a real CPU.
  EXPECT_GT(*p.clock.measured_hz, 0.5e9);
  EXPECT_LT(*p.clock.measured_hz, 7e9);
  if (p.features.avx512f && p.features.avx512_fma_units > 0) {
    // Register-resident FMAs run at the units' rate: a clock outside 0.5-7 GHz means the
    // chains went through memory or were cut short.
    ASSERT_TRUE(p.clock.fma512_hz);
    EXPECT_GT(*p.clock.fma512_hz, 0.5e9);
    EXPECT_LT(*p.clock.fma512_hz, 7e9);
    EXPECT_LE(p.clock.chosen_hz(), *p.clock.measured_hz);
  }
}

}  // namespace
}  // namespace capbench
