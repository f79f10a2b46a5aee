#include "common/suite.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include "common/sha256.hpp"
#include "tests/tools/config_error_of.hpp"

using namespace capbench;

namespace {
std::string suite_with_cases(const std::string& cases) {
  return R"({"schema": "capbench.suite/1", "name": "t", "cases": [)" + cases + "]}";
}

std::string error_of(const std::string& text) {
  return capbench::testing::config_error_of([&] { parse_suite(text, "t.json"); });
}
}  // namespace

TEST(Suite, GemmExpandsPerPrecisionAndShape) {
  const Suite s = parse_suite(
      suite_with_cases(R"({"benchmark": "gemm", "precisions": ["fp64", "bf16"], "shapes": [[8,16,32],[64,64,64]]})"),
      "t.json");
  ASSERT_EQ(s.plan.size(), 4u);
  EXPECT_EQ(s.plan[0].id, "gemm/fp64/8x16x32");
  EXPECT_EQ(s.plan[3].id, "gemm/bf16/64x64x64");
  EXPECT_EQ(s.plan[1].params.at("m"), 64);
  for (std::size_t i = 0; i < s.plan.size(); ++i) EXPECT_EQ(s.plan[i].index, int(i));
}

TEST(Suite, Fp8FastAccumulationIsItsOwnCaseAndNeverTheDefault) {
  const Suite s = parse_suite(
      suite_with_cases(R"({"benchmark": "gemm", "precisions": ["fp8_e4m3"], "shapes": [[64,64,64]]},
                          {"benchmark": "gemm", "precisions": ["fp8_e4m3"], "shapes": [[64,64,64]],
                           "fast_accumulation": true})"),
      "t.json");
  ASSERT_EQ(s.plan.size(), 2u);
  EXPECT_EQ(s.plan[0].id, "gemm/fp8_e4m3/64x64x64");
  EXPECT_FALSE(s.plan[0].params.contains("fast_accumulation"));
  EXPECT_EQ(s.plan[1].id, "gemm/fp8_e4m3_fast_accum/64x64x64");
  EXPECT_EQ(s.plan[1].params.at("fast_accumulation"), true);
  EXPECT_EQ(s.plan[1].params.at("precision"), "fp8_e4m3");
  // Only FP8 has the mode: a case mixing it with another precision is refused, by key path.
  const std::string e = error_of(suite_with_cases(
      R"({"benchmark": "gemm", "precisions": ["fp8_e4m3", "bf16"], "shapes": [[64,64,64]], "fast_accumulation": true})"));
  EXPECT_NE(e.find("cases[0].fast_accumulation"), std::string::npos) << e;
  EXPECT_NE(error_of(suite_with_cases(
                R"({"benchmark": "gemm", "precisions": ["fp8_e4m3"], "shapes": [[64,64,64]], "fast_accumulation": 1})"))
                .find("fast_accumulation"),
            std::string::npos);
}

TEST(Suite, DefaultsApplyAndCasesOverride) {
  const Suite s = parse_suite(R"({"schema": "capbench.suite/1", "name": "t",
      "defaults": {"warmup": 3, "iterations": 7, "timeout_s": 9},
      "cases": [{"benchmark": "stream"}, {"benchmark": "stream", "name": "b", "iterations": 2}]})",
                              "t.json");
  ASSERT_EQ(s.plan.size(), 2u);
  EXPECT_EQ(s.plan[0].warmup, 3);
  EXPECT_EQ(s.plan[0].iterations, 7);
  EXPECT_EQ(s.plan[0].timeout_s, 9);
  EXPECT_EQ(s.plan[1].iterations, 2);
  EXPECT_EQ(s.plan[1].id, "b/stream/fp64");
}

TEST(Suite, CollectiveSweepIsGeometric) {
  const Suite s = parse_suite(suite_with_cases(R"({"benchmark": "collective", "operations": ["all_reduce"],
      "sizes": {"min_bytes": 1024, "max_bytes": 65536, "factor": 4}, "in_place": [false, true]})"),
                              "t.json");
  ASSERT_EQ(s.plan.size(), 2u);
  EXPECT_EQ(s.plan[0].params.at("sizes"), json::array({1024, 4096, 16384, 65536}));
  EXPECT_EQ(s.plan[1].id, "collective/all_reduce/fp32/in_place");
}

TEST(Suite, HugeSweepFactorEndsTheSweepWithoutOverflow) {
  // Found by fuzz_suite: a factor near 2^62 overflowed the size sweep.
  const Suite s = parse_suite(suite_with_cases(R"({"benchmark": "collective", "operations": ["all_reduce"],
      "sizes": {"min_bytes": 1024, "max_bytes": 1099511627776, "factor": 4611686018427387904}})"),
                              "t.json");
  EXPECT_EQ(s.plan[0].params.at("sizes"), json::array({1024}));
  const Suite t = parse_suite(suite_with_cases(R"({"benchmark": "collective", "operations": ["all_reduce"],
      "sizes": {"min_bytes": 1024, "max_bytes": 4096, "factor": 2}})"),
                              "t.json");
  EXPECT_EQ(t.plan[0].params.at("sizes"), json::array({1024, 2048, 4096}));
}

TEST(Suite, DurationsAndCountsAreBounded) {
  // Beyond these a clock or an int would overflow: refuse them with the key named.
  EXPECT_NE(error_of(suite_with_cases(R"({"benchmark": "stream", "timeout_s": 1e300})")).find("cases[0].timeout_s"),
            std::string::npos);
  EXPECT_NE(error_of(suite_with_cases(R"({"benchmark": "stream", "iterations": 1099511627776})"))
                .find("cases[0].iterations"),
            std::string::npos);
  EXPECT_NE(error_of(suite_with_cases(R"({"benchmark": "stream", "llc_multiple": 1e300})")).find("llc_multiple"),
            std::string::npos);
  EXPECT_NE(error_of(suite_with_cases(
                R"({"benchmark": "gemm", "precisions": ["bf16"], "shapes": [[8,8,8]], "duration_s": 1e300})"))
                .find("cases[0].duration_s"),
            std::string::npos);
}

TEST(Suite, MisspeltKeyIsNamed) {
  const auto msg = error_of(suite_with_cases(R"({"benchmark": "gemm", "precisions": ["fp64"], "shapez": [[1,1,1]]})"));
  EXPECT_NE(msg.find("cases[0].shapez"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unknown key"), std::string::npos) << msg;
}

TEST(Suite, WrongTypeIsNamed) {
  const auto msg = error_of(suite_with_cases(R"({"benchmark": "gemm", "precisions": "fp64", "shapes": [[1,1,1]]})"));
  EXPECT_NE(msg.find("cases[0].precisions"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected an array"), std::string::npos) << msg;
}

TEST(Suite, NegativeSizeIsNamed) {
  const auto msg = error_of(suite_with_cases(R"({"benchmark": "gemm", "precisions": ["fp64"], "shapes": [[64,-1,64]]})"));
  EXPECT_NE(msg.find("cases[0].shapes[0][1]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("positive integer"), std::string::npos) << msg;
  const auto msg2 = error_of(suite_with_cases(
      R"({"benchmark": "collective", "operations": ["all_reduce"], "sizes": {"min_bytes": -8, "max_bytes": 64}})"));
  EXPECT_NE(msg2.find("cases[0].sizes.min_bytes"), std::string::npos) << msg2;
}

TEST(Suite, UnknownPrecisionBenchmarkAndSchemaAreErrors) {
  EXPECT_NE(error_of(suite_with_cases(R"({"benchmark": "gemm", "precisions": ["fp4"], "shapes": [[1,1,1]]})"))
                .find("cases[0].precisions[0]"),
            std::string::npos);
  EXPECT_NE(error_of(suite_with_cases(R"({"benchmark": "hpl"})")).find("cases[0].benchmark"), std::string::npos);
  EXPECT_NE(error_of(R"({"schema": "capbench.suite/2", "name": "t", "cases": [{"benchmark": "stream"}]})").find("schema"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"schema": "capbench.suite/1", "name": "t", "cases": []})").find("cases"), std::string::npos);
}

TEST(Suite, DuplicatePlannedCaseIsAnError) {
  const auto msg = error_of(suite_with_cases(R"({"benchmark": "stream"}, {"benchmark": "stream"})"));
  EXPECT_NE(msg.find("planned twice"), std::string::npos) << msg;
}

TEST(Suite, HashIsOfTheFileBytes) {
  const std::string text = suite_with_cases(R"({"benchmark": "stream"})");
  EXPECT_EQ(parse_suite(text, "t.json").sha256, sha256_hex(text));
}

TEST(Suite, ShippedSuitesLoad) {
  for (const auto& entry : std::filesystem::directory_iterator(std::string(CAPBENCH_SOURCE_DIR) + "/configs/suites")) {
    if (entry.path().extension() != ".json") continue;
    SCOPED_TRACE(entry.path().string());
    const Suite s = load_suite_file(entry.path().string());
    EXPECT_FALSE(s.plan.empty());
  }
}
