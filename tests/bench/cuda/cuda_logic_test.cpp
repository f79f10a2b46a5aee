// The CUDA backend's logic that needs no GPU: precision and shape rules, sample sizing,
// throttle decoding, telemetry summaries, the Freivalds row judgement, shared formulas.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <vector>

#include "bench/cpu/cpu_freivalds.hpp"
#include "bench/cuda/batch_sizing.hpp"
#include "common/freivalds_judge.hpp"
#include "bench/cuda/gemm_rules.hpp"
#include "bench/cuda/telemetry_summary.hpp"
#include "common/telemetry.hpp"
#include "bench/cuda/throttle_reasons.hpp"
#include "common/random.hpp"
#include "common/results.hpp"
#include "common/stream_data.hpp"
#include "kernels/collective_expect.hpp"
#include "kernels/pattern.hpp"

namespace capbench {
namespace {

TEST(GemmRules, PrecisionFollowsComputeCapability) {
  const ComputeCapability t4{7, 5}, a100{8, 0}, l40{8, 9}, h100{9, 0};
  EXPECT_TRUE(gemm_precision_support(Precision::fp64, t4).ok);
  EXPECT_TRUE(gemm_precision_support(Precision::fp16, t4).ok);
  EXPECT_TRUE(gemm_precision_support(Precision::int8, t4).ok);
  EXPECT_FALSE(gemm_precision_support(Precision::bf16, t4).ok);
  EXPECT_FALSE(gemm_precision_support(Precision::tf32, t4).ok);
  EXPECT_TRUE(gemm_precision_support(Precision::bf16, a100).ok);
  EXPECT_TRUE(gemm_precision_support(Precision::tf32, a100).ok);
  const Support fp8_a100 = gemm_precision_support(Precision::fp8_e4m3, a100);
  EXPECT_FALSE(fp8_a100.ok);
  EXPECT_NE(fp8_a100.reason.find("8.9"), std::string::npos) << fp8_a100.reason;
  EXPECT_NE(fp8_a100.reason.find("8.0"), std::string::npos) << fp8_a100.reason;
  EXPECT_TRUE(gemm_precision_support(Precision::fp8_e4m3, l40).ok);
  EXPECT_TRUE(gemm_precision_support(Precision::fp8_e4m3, h100).ok);
}

// Every model of the fleet and the generation after it: T4 (7.5), A100 (8.0), L40S (8.9),
// H100/H200 (9.0), B200 (10.0), RTX Blackwell (12.0). Rules are "this generation or newer",
// so a GPU newer than any named here is measured, never refused.
TEST(GemmRules, EveryFleetModelGetsWhatItsUnitsDo) {
  struct Row {
    ComputeCapability cc;
    const char* model;
    std::vector<Precision> can, cannot;
  };
  using P = Precision;
  const std::vector<Row> rows = {
      {{7, 5}, "T4", {P::fp64, P::fp32, P::fp16, P::int8}, {P::tf32, P::bf16, P::fp8_e4m3}},
      {{8, 0}, "A100", {P::fp64, P::fp32, P::tf32, P::fp16, P::bf16, P::int8}, {P::fp8_e4m3}},
      {{9, 0}, "H100", {P::fp64, P::fp32, P::tf32, P::fp16, P::bf16, P::fp8_e4m3, P::int8}, {}},
      {{10, 0}, "B200", {P::fp64, P::fp32, P::tf32, P::fp16, P::bf16, P::fp8_e4m3, P::int8}, {}},
      {{12, 0}, "RTX PRO 6000", {P::fp64, P::fp32, P::tf32, P::fp16, P::bf16, P::fp8_e4m3, P::int8}, {}},
  };
  for (const auto& row : rows) {
    for (auto p : row.can) EXPECT_TRUE(gemm_precision_support(p, row.cc).ok) << row.model << " " << precision_info(p).key;
    for (auto p : row.cannot) {
      const Support s = gemm_precision_support(p, row.cc);
      EXPECT_FALSE(s.ok) << row.model << " " << precision_info(p).key;
      // The reason names the GPU's own capability, so a report can say the model lacks it.
      EXPECT_NE(s.reason.find(fmt::format("this GPU is {}.{}", row.cc.major, row.cc.minor)), std::string::npos)
          << s.reason;
    }
  }
}

// The mixed-model golden file (tests/data/results/three-models.json: T4, A100 and H100 ranks in
// one job) holds exactly the skips these rules decide for each rank's compute capability, with
// their reasons, so the report tests built on it test what a real mixed job produces.
TEST(GemmRules, MixedModelGoldenFileSkipsWhatTheRulesSkip) {
  const ResultsFile rf = read_results_file(std::string(CAPBENCH_SOURCE_DIR) + "/tests/data/results/three-models.json");
  ASSERT_EQ(rf.ranks.size(), 6u);
  int skips = 0;
  for (const auto& c : rf.cases) {
    const Precision p = *precision_from_key(c.params.at("precision").get<std::string>());
    for (const auto& r : c.ranks) {
      const std::string cc_text = rf.ranks[std::size_t(r.rank)].device.details.at("compute_capability");
      const ComputeCapability cc{std::stoi(cc_text.substr(0, cc_text.find('.'))),
                                 std::stoi(cc_text.substr(cc_text.find('.') + 1))};
      const Support s = gemm_precision_support(p, cc);
      EXPECT_EQ(r.status == "skipped", !s.ok) << c.id << " rank " << r.rank;
      if (!s.ok) {
        EXPECT_EQ(r.error, s.reason) << c.id << " rank " << r.rank;
        ++skips;
      }
    }
  }
  EXPECT_EQ(skips, 2 * 4 + 2 * 2);  // 2 T4: tf32, bf16, fp8 twice (accurate, fast); 2 A100: fp8 twice
}

TEST(GemmRules, FastAccumulationHasItsOwnLooserBoundForFp8Only) {
  const PrecisionInfo accurate = gemm_verification_model(Precision::fp8_e4m3, false);
  const PrecisionInfo fast = gemm_verification_model(Precision::fp8_e4m3, true);
  EXPECT_EQ(accurate.u_accumulate, precision_info(Precision::fp8_e4m3).u_accumulate);
  EXPECT_EQ(fast.u_accumulate, 0x1.0p-13);
  EXPECT_EQ(gemm_verification_model(Precision::bf16, true).u_accumulate, precision_info(Precision::bf16).u_accumulate);

  // One row of a k = n = 8192 product with entries uniform in [-1, 1], the output rounding
  // term left out (c_w2 = 0) to isolate the accumulation: an error of what 14-bit sums leave
  // fails the accurate bound and passes the fast one; a wrong element fails both.
  FreivaldsRows rows;
  rows.a_norm2 = {8192.0 / 3};
  rows.weighted_b2 = 8192.0 * (8192.0 / 3) * 0.58;  // n · ‖B_:j‖² · E[x_j²]
  rows.c_w2 = {0.0};
  rows.abx = {10.0};
  const double rounding_14_bit = 0x1.0p-14 * std::sqrt(rows.a_norm2[0]) * std::sqrt(rows.weighted_b2);
  rows.cx = {10.0 + rounding_14_bit};
  EXPECT_EQ(freivalds_judge(rows, accurate).status, "failed");
  EXPECT_EQ(freivalds_judge(rows, fast).status, "passed");
  rows.cx = {10.0 + 1000.0};  // one element off by 2000, seen through x_j >= 0.5
  EXPECT_EQ(freivalds_judge(rows, fast).status, "failed");
}

TEST(GemmRules, Fp8NeedsMultiplesOf16) {
  EXPECT_TRUE(gemm_shape_support(Precision::fp8_e4m3, 4096, 4096, 4096).ok);
  EXPECT_FALSE(gemm_shape_support(Precision::fp8_e4m3, 4096, 4104, 4096).ok);
  EXPECT_FALSE(gemm_shape_support(Precision::fp8_e4m3, 8, 16, 16).ok);
  EXPECT_FALSE(gemm_shape_support(Precision::fp8_e4m3, 16, 16, 24).ok);
  // Odd shapes are fine for the precisions without such rules.
  EXPECT_TRUE(gemm_shape_support(Precision::fp64, 1000, 999, 7).ok);
  EXPECT_TRUE(gemm_shape_support(Precision::bf16, 1000, 999, 7).ok);
}

TEST(GemmRules, Int8NeedsMAndKMultiplesOf4) {
  EXPECT_TRUE(gemm_shape_support(Precision::int8, 1024, 1023, 1024).ok);  // n is free
  const Support bad_m = gemm_shape_support(Precision::int8, 1022, 1024, 1024);
  EXPECT_FALSE(bad_m.ok);
  EXPECT_NE(bad_m.reason.find("1022x1024x1024"), std::string::npos) << bad_m.reason;
  EXPECT_FALSE(gemm_shape_support(Precision::int8, 1024, 1024, 1026).ok);
  EXPECT_FALSE(gemm_shape_support(Precision::fp64, 0, 4, 4).ok);
}

TEST(GemmRules, LayoutsNameTypesAndTransposition) {
  EXPECT_TRUE(gemm_layout(Precision::fp8_e4m3).a_transposed);
  EXPECT_EQ(gemm_layout(Precision::fp8_e4m3).c_type, kernels::ElemType::bf16);
  EXPECT_TRUE(gemm_layout(Precision::int8).a_transposed);
  EXPECT_EQ(gemm_layout(Precision::int8).c_type, kernels::ElemType::i32);
  EXPECT_FALSE(gemm_layout(Precision::fp16).a_transposed);
  EXPECT_EQ(gemm_layout(Precision::fp16).c_type, kernels::ElemType::f16);
  EXPECT_EQ(gemm_layout(Precision::tf32).a_type, kernels::ElemType::f32);
}

TEST(BatchSizing, SampleLastsAboutTheTarget) {
  EXPECT_EQ(reps_for_target(1e-3, 0.02, 1000), 20);
  EXPECT_EQ(reps_for_target(0.0015, 0.02, 1000), 14);  // rounds up: never shorter than the target
  EXPECT_EQ(reps_for_target(0.5, 0.02, 1000), 1);
  EXPECT_EQ(reps_for_target(1e-7, 0.02, 1000), 1000);  // capped
  EXPECT_EQ(reps_for_target(0.0, 0.02, 1000), 1);      // unknown estimate: the safe choice
  EXPECT_EQ(reps_for_target(std::nan(""), 0.02, 1000), 1);
}

TEST(ThrottleReasons, DecodesBitsInOrder) {
  EXPECT_TRUE(throttle_reason_names(0).empty());
  EXPECT_EQ(throttle_reason_names(0x4 | 0x40), (std::vector<std::string>{"sw_power_cap", "hw_thermal_slowdown"}));
  EXPECT_EQ(throttle_reason_names(0x1), std::vector<std::string>{"gpu_idle"});
  const auto unknown = throttle_reason_names(0x1000);
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0], "unknown_0x1000");
}

TEST(ThrottleReasons, OnlyLoadReasonsCountAsLimiting) {
  EXPECT_FALSE(throttle_limits_performance(0x1));        // idle
  EXPECT_FALSE(throttle_limits_performance(0x2 | 0x10)); // application clocks, sync boost
  EXPECT_TRUE(throttle_limits_performance(0x4));
  EXPECT_TRUE(throttle_limits_performance(0x8));
  EXPECT_TRUE(throttle_limits_performance(0x20));
  EXPECT_TRUE(throttle_limits_performance(0x80));
}

TEST(TelemetrySummary, MinMedianMaxAndThrottledFraction) {
  std::vector<TelemetrySample> s(4);
  const double sm[] = {1980, 1410, 1755, 1980};
  for (int i = 0; i < 4; ++i) {
    s[i].sm_clock_mhz = sm[i];
    s[i].mem_clock_mhz = 2619;
    s[i].power_w = 300 + 100 * i;
    s[i].temperature_c = NAN;  // unread: must not poison the others
    s[i].throttle_known = true;
  }
  s[1].throttle_mask = 0x4;
  s[2].throttle_mask = 0x1;
  EccCounts before{true, 5, 0}, after{true, 7, 1};
  const json j = summarize_telemetry(s, before, after, 0.1);
  EXPECT_EQ(j.at("samples"), 4);
  EXPECT_DOUBLE_EQ(j.at("sm_clock_mhz").at("min").get<double>(), 1410);
  EXPECT_DOUBLE_EQ(j.at("sm_clock_mhz").at("median").get<double>(), 1867.5);
  EXPECT_DOUBLE_EQ(j.at("sm_clock_mhz").at("max").get<double>(), 1980);
  EXPECT_DOUBLE_EQ(j.at("power_w").at("max").get<double>(), 600);
  EXPECT_TRUE(j.at("temperature_c").is_null());
  EXPECT_DOUBLE_EQ(j.at("throttled_fraction").get<double>(), 0.25);
  EXPECT_EQ(j.at("throttle_reasons"), json({"gpu_idle", "sw_power_cap"}));
  EXPECT_EQ(j.at("ecc_new").at("corrected"), 2);
  EXPECT_EQ(j.at("ecc_new").at("uncorrected"), 1);
  // The runner stores it typed: the strict reader must take exactly what the backend writes.
  const CaseTelemetry t = telemetry_from(ConfigNode(j, "telemetry"));
  EXPECT_TRUE(t.available);
  EXPECT_DOUBLE_EQ(t.sm_clock_mhz->median, 1867.5);
  EXPECT_FALSE(t.temperature_c.has_value());
  EXPECT_DOUBLE_EQ(*t.throttled_fraction, 0.25);
  EXPECT_EQ(t.ecc_new->corrected, 2);
  EXPECT_EQ(telemetry_to_json(t), j);
}

TEST(TelemetrySummary, NoEccOrThrottleDataIsNullNotZero) {
  std::vector<TelemetrySample> s(2);
  const json j = summarize_telemetry(s, EccCounts{}, EccCounts{}, 0.1);
  EXPECT_TRUE(j.at("ecc_new").is_null());
  EXPECT_TRUE(j.at("throttled_fraction").is_null());
  const CaseTelemetry t = telemetry_from(ConfigNode(j, "telemetry"));
  EXPECT_FALSE(t.throttled_fraction.has_value());
  EXPECT_FALSE(t.ecc_new.has_value());
}

// Row sums as the device kernels form them, on the host, for comparison with the CPU verifier.
FreivaldsRows rows_like_device(const std::vector<double>& a, const std::vector<double>& b,
                               const std::vector<double>& c, std::int64_t m, std::int64_t n, std::int64_t k,
                               std::uint64_t seed, bool integer) {
  FreivaldsRows r;
  std::vector<double> x(n), bx(k, 0.0);
  for (std::int64_t j = 0; j < n; ++j) x[j] = freivalds_x(seed, j, integer);
  for (std::int64_t p = 0; p < k; ++p)
    for (std::int64_t j = 0; j < n; ++j) {
      bx[p] += b[p + j * k] * x[j];
      r.weighted_b2 += b[p + j * k] * b[p + j * k] * x[j] * x[j];
    }
  r.cx.assign(m, 0);
  r.abx.assign(m, 0);
  r.a_norm2.assign(m, 0);
  r.c_w2.assign(m, 0);
  for (std::int64_t i = 0; i < m; ++i) {
    for (std::int64_t p = 0; p < k; ++p) {
      r.abx[i] += a[i + p * m] * bx[p];
      r.a_norm2[i] += a[i + p * m] * a[i + p * m];
    }
    for (std::int64_t j = 0; j < n; ++j) {
      const double v = c[i + j * m];
      if (!std::isfinite(v)) ++r.nonfinite_c;
      r.cx[i] += v * x[j];
      r.c_w2[i] += v * v * x[j] * x[j];
    }
  }
  return r;
}

struct SmallGemm {
  std::int64_t m = 37, n = 29, k = 41;
  std::vector<double> a, b, c;
  explicit SmallGemm(std::uint64_t seed) : a(m * k), b(k * n), c(m * n, 0.0) {
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = uniform_pm1(derive_seed(seed, 1), i);
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = uniform_pm1(derive_seed(seed, 2), i);
    for (std::int64_t j = 0; j < n; ++j)
      for (std::int64_t p = 0; p < k; ++p)
        for (std::int64_t i = 0; i < m; ++i) c[i + j * m] += a[i + p * m] * b[p + j * k];
  }
};

TEST(FreivaldsJudge, AgreesWithTheCpuVerifierOnRightAndWrongProducts) {
  SmallGemm g(11);
  const auto& prec = precision_info(Precision::fp64);
  for (int wrong = 0; wrong < 2; ++wrong) {
    if (wrong) g.c[5 + 7 * g.m] += 1e-6;
    const Verification cpu = freivalds_verify_host(g.a.data(), g.b.data(), g.c.data(), g.m, g.n, g.k, prec, 99);
    const Verification dev = freivalds_judge(rows_like_device(g.a, g.b, g.c, g.m, g.n, g.k, 99, false), prec);
    EXPECT_EQ(dev.status, wrong ? "failed" : "passed");
    EXPECT_EQ(dev.status, cpu.status);
    EXPECT_EQ(dev.mismatches, cpu.mismatches);
    EXPECT_EQ(dev.method, cpu.method);
    if (wrong) {
      // Far above rounding, both orders of summation give the same ratio.
      EXPECT_NEAR(dev.max_error, cpu.max_error, 1e-6 * cpu.max_error);
      EXPECT_EQ(dev.mismatches, 1);
      EXPECT_NE(dev.detail.find("worst row 5"), std::string::npos) << dev.detail;
    }
  }
}

TEST(FreivaldsJudge, NanInCFails) {
  SmallGemm g(12);
  g.c[3] = std::numeric_limits<double>::quiet_NaN();
  const Verification v =
      freivalds_judge(rows_like_device(g.a, g.b, g.c, g.m, g.n, g.k, 5, false), precision_info(Precision::fp64));
  EXPECT_EQ(v.status, "failed");
  EXPECT_EQ(v.detail, "C holds NaN or Inf");
}

TEST(FreivaldsJudge, IntegerProductsMustMatchExactly) {
  const std::int64_t m = 8, n = 8, k = 8;
  std::vector<double> a(m * k), b(k * n), c(m * n, 0.0);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = double(uniform_int(3, i, -8, 8));
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = double(uniform_int(4, i, -8, 8));
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t p = 0; p < k; ++p)
      for (std::int64_t i = 0; i < m; ++i) c[i + j * m] += a[i + p * m] * b[p + j * k];
  const auto& prec = precision_info(Precision::int8);
  EXPECT_EQ(freivalds_judge(rows_like_device(a, b, c, m, n, k, 7, true), prec).status, "passed");
  c[2 + 3 * m] += 1;  // off by one: exact arithmetic must see it
  const Verification v = freivalds_judge(rows_like_device(a, b, c, m, n, k, 7, true), prec);
  EXPECT_EQ(v.status, "failed");
  EXPECT_EQ(v.mismatches, 1);
}

TEST(SharedFormulas, StreamInitialValuesAreNeverZero) {
  const auto sa = stream_seed_a(42);
  EXPECT_NE(sa, stream_seed_b(42));
  for (std::int64_t i = 0; i < 10000; ++i) {
    const double v = stream_initial_value(sa, i);
    ASSERT_GE(v, 0.5);
    ASSERT_LT(v, 1.5);
  }
}

TEST(SharedFormulas, CollectiveExpectationsMatchTheirDefinitions) {
  const std::uint64_t seed = 77;
  const int n = 3;
  // all_gather: block r of the output is rank r's input.
  EXPECT_EQ(collective_expected(Collective::all_gather, seed, n, 1, 4, 12, 9), collective_input(seed, 2, 1));
  // alltoall: block r of rank 1's output is rank r's block 1.
  EXPECT_EQ(collective_expected(Collective::alltoall, seed, n, 1, 12, 12, 9), collective_input(seed, 2, 4 + 1));
  // reduce_scatter: rank 2 holds block 2 of the sum.
  double sum = 0;
  for (int r = 0; r < n; ++r) sum += collective_input(seed, r, 2 * 5 + 3);
  EXPECT_EQ(collective_expected(Collective::reduce_scatter, seed, n, 2, 15, 5, 3), sum);
  EXPECT_EQ(collective_expected(Collective::broadcast, seed, n, 2, 6, 6, 4), collective_input(seed, 0, 4));
}

TEST(SharedFormulas, PatternWordsDifferBetweenSeeds) {
  int same = 0;
  for (int i = 0; i < 1000; ++i) same += pattern_word(1, i) == pattern_word(~std::uint64_t(1), i);
  EXPECT_LT(same, 3);
}

}  // namespace
}  // namespace capbench
