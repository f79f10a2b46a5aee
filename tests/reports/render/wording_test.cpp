// The wording rules of reports/render/wording.cpp: margins and ratios a person reads, labels for
// internal keys, devices called what they are.
#include <gtest/gtest.h>

#include "common/precision.hpp"
#include "reports/render/wording.hpp"
#include "tests/reports/report_test_util.hpp"

namespace capbench {
namespace {

TEST(Wording, MarginsReadAsPercentTimesOrPowersOfTen) {
  EXPECT_EQ(margin_words(0.123, false), "12.3 % above the threshold");
  EXPECT_EQ(margin_words(-0.04, false), "4.0 % below the threshold");
  EXPECT_EQ(margin_words(0.0, false), "at the threshold");
  EXPECT_EQ(margin_words(11.0, false), "12 times the threshold");
  // The CPU smoke criteria's floors are met many million times over: never "303266906.0 %".
  EXPECT_EQ(margin_words(303266906.0 / 100, false), "3.0 × 10⁶ times the threshold");
  EXPECT_EQ(margin_words(3.0e8, false), "3.0 × 10⁸ times the threshold");
  EXPECT_EQ(margin_words(0.25, true), "25.0 % under the ceiling");
  EXPECT_EQ(margin_words(-0.5, true), "50.0 % over the ceiling");
  EXPECT_EQ(margin_words(std::nullopt, false), "—");
}

TEST(Wording, ScientificAndRatios) {
  EXPECT_EQ(scientific_words(3.0e8), "3.0 × 10⁸");
  EXPECT_EQ(scientific_words(99.6), "1.0 × 10²");  // rounding carries into the power
  EXPECT_EQ(scientific_words(2.5e-3), "2.5 × 10⁻³");
  EXPECT_EQ(ratio_words(0.974), "0.97 ×");
  EXPECT_EQ(ratio_words(12.4), "12 ×");
  EXPECT_EQ(ratio_words(4.2e5), "4.2 × 10⁵ ×");
  EXPECT_EQ(grouped(2060), "2,060");
  EXPECT_EQ(grouped(1234567), "1,234,567");
  EXPECT_EQ(grouped(7), "7");
  EXPECT_EQ(count_of(1, "GPU"), "1 GPU");
  EXPECT_EQ(count_of(2060, "GPU"), "2,060 GPUs");
}

TEST(Wording, EveryInternalKeyHasAHumanLabel) {
  EXPECT_EQ(peak_figure_label("fp64_tensor"), "FP64 tensor-core peak");
  EXPECT_EQ(peak_figure_label("memory_bandwidth_tb_s"), "datasheet memory bandwidth");
  for (const char* key : {"fp64", "fp64_tensor", "fp32", "tf32", "fp16", "bf16", "fp8", "int8", "memory_bandwidth_tb_s"})
    EXPECT_EQ(peak_figure_label(key).find('_'), std::string::npos) << key;
  for (const auto& p : kPrecisions) EXPECT_EQ(precision_label(std::string(p.key)).find('_'), std::string::npos) << p.key;
  EXPECT_EQ(precision_label("fp8_e4m3"), "FP8 (E4M3)");
  EXPECT_EQ(throttle_label("sw_power_cap"), "software power cap");
  EXPECT_EQ(metric_label("h2d_bandwidth"), "host to device");
  CollectiveSeries s;
  s.case_id = "collective/all_reduce/fp32/out_of_place";
  s.operation = "all_reduce";
  s.dtype = "fp32";
  EXPECT_EQ(collective_label(s), "all-reduce, FP32, out of place");
  s.operation = "alltoall";
  s.in_place = true;
  EXPECT_EQ(collective_label(s), "all-to-all, FP32, in place");
}

TEST(Wording, CpuRanksAreCalledCpus) {
  testing::Loaded l("cpu-two-ranks.json", testing::kGwangju);
  const Analysis& a = l.analysis;
  ASSERT_TRUE(a.cpu_backend);
  EXPECT_EQ(device_count(a, 2), "2 CPUs");
  EXPECT_EQ(report_title(a), "CPU rehearsal of the capacity chain — Gwangju National AI Data Center");
  EXPECT_EQ(shown_status(a, "ACCEPTED"), "CPU REHEARSAL · CRITERIA MET");
  EXPECT_EQ(device_words(a, "every GPU at least 1 MFLOP/s; 2 GPUs; GPUDirect"), "every CPU at least 1 MFLOP/s; 2 CPUs; GPUDirect");
  testing::Loaded g("one-h100.json", testing::kGwangju);
  EXPECT_EQ(device_count(g.analysis, 1), "1 GPU");
  EXPECT_EQ(shown_status(g.analysis, "ACCEPTED"), "ACCEPTED");
  EXPECT_EQ(device_words(g.analysis, "every GPU"), "every GPU");
}

}  // namespace
}  // namespace capbench
