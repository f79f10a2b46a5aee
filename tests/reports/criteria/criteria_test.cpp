// Acceptance criteria: loading (units, unknown keys) and evaluation on the golden files.
#include "reports/criteria/criteria.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/reports/report_test_util.hpp"

namespace capbench {
namespace {

using testing::Loaded;
using testing::T;
using testing::make_job_wide;

using testing::write_scratch_file;

const CriterionResult& result(const Verdict& v, const std::string& id) {
  for (const auto& r : v.results)
    if (r.id == id) return r;
  ADD_FAILURE() << "no criterion " << id;
  return v.results.front();
}

TEST(Criteria, MixedFleetFailsNamingTheSlowAndTheFailedGpu) {
  Loaded l("mixed-fleet.json", testing::kGwangju);
  const auto c = load_criteria(testing::source_path("configs/criteria/acceptance-example.json"));
  const auto v = evaluate_criteria(c, l.analysis);
  EXPECT_FALSE(v.accepted());

  const auto& slow = result(v, "h100-fp64/model-median");
  EXPECT_EQ(slow.status, "FAIL");
  ASSERT_EQ(slow.failures.size(), 1u);
  EXPECT_EQ(slow.failures[0].rank, 2);
  EXPECT_EQ(slow.failures[0].host, "gpu-node-01");
  EXPECT_EQ(slow.failures[0].bus_id, "00000000:3B:00.0");
  EXPECT_EQ(slow.failures[0].serial, "1650923000002");
  // Threshold 0.9 x the H100 median (54.75); the margin is relative to it.
  ASSERT_TRUE(slow.threshold && slow.margin);
  EXPECT_NEAR(*slow.threshold, 0.9 * 54.75 * T, 1e-3 * T);
  EXPECT_NEAR(*slow.margin, (40.0 - 0.9 * 54.75) / (0.9 * 54.75), 1e-9);

  const auto& abs_min = result(v, "h100-fp64/min");
  EXPECT_EQ(abs_min.status, "FAIL");
  EXPECT_NEAR(*abs_min.margin, (40.0 - 45.0) / 45.0, 1e-9);

  const auto& bf16 = result(v, "all-bf16/model-median");
  EXPECT_EQ(bf16.status, "FAIL");
  ASSERT_EQ(bf16.failures.size(), 1u);
  EXPECT_EQ(bf16.failures[0].rank, 5);
  EXPECT_EQ(bf16.failures[0].bus_id, "00000000:4F:00.0");
  EXPECT_TRUE(bf16.worst_missing);

  const auto& ver = result(v, "verification");
  EXPECT_EQ(ver.status, "FAIL");
  ASSERT_EQ(ver.failures.size(), 1u);
  EXPECT_EQ(ver.failures[0].rank, 5);

  // What passes must pass with the right figure: A100 median 18.2, 0.9 x 18.2 = 16.38 vs worst 17.8.
  const auto& a100 = result(v, "a100-fp64/model-median");
  EXPECT_EQ(a100.status, "PASS");
  EXPECT_NEAR(*a100.measured, 17.8 * T, 1e-3 * T);
  // Nodes: gpu-node-01 sums 205.5, gpu-node-02 72.7 TFLOP/s, both >= 60.
  const auto& node = result(v, "node-fp64");
  EXPECT_EQ(node.status, "PASS");
  EXPECT_EQ(node.checked, 2);
  EXPECT_NEAR(*node.measured, (18.0 + 18.5 + 17.8 + 18.4) * T, 1e-3 * T);
  // all_reduce busbw at 256 MiB and 1 GiB: slowest rank is rank 7 at 180 - 7 = 173 GB/s.
  const auto& coll = result(v, "allreduce-large");
  EXPECT_EQ(coll.status, "PASS");
  EXPECT_EQ(coll.checked, 2);
  EXPECT_NEAR(*coll.measured, 173e9, 1e3);
  EXPECT_EQ(result(v, "telemetry").status, "PASS");
  EXPECT_EQ(result(v, "system-fp64").status, "PASS");
}

TEST(Criteria, MissingTelemetryIsNeverAPass) {
  Loaded l("one-h100.json", "");
  const auto path = write_scratch_file("telemetry.json", R"({"schema": "capbench.criteria/1", "name": "t",
      "telemetry": {"max_throttled_fraction": 0.05}})");
  const auto v = evaluate_criteria(load_criteria(path), l.analysis);
  EXPECT_EQ(result(v, "telemetry").status, "NOT_EVALUATED");
  EXPECT_FALSE(v.accepted());
}

TEST(Criteria, SustainedSystemCriterionAgainstPeakTargetIsNotEvaluated) {
  Loaded l("mixed-fleet.json", testing::kGwangju);
  const auto path = write_scratch_file("sys.json", R"({"schema": "capbench.criteria/1", "name": "s",
      "system": [{"id": "vs-target", "figure": "projected", "min_fraction_of_target": 1.0}]})");
  const auto v = evaluate_criteria(load_criteria(path), l.analysis);
  EXPECT_EQ(result(v, "vs-target").status, "NOT_EVALUATED");
  EXPECT_FALSE(v.accepted());
}

TEST(Criteria, SustainedTargetCriterionUsesTheProjection) {
  Loaded l("one-h100.json", "tests/reports/data/sustained-system.json");
  const auto path = write_scratch_file("sys2.json", R"({"schema": "capbench.criteria/1", "name": "s",
      "system": [{"id": "vs-target", "figure": "projected", "min_fraction_of_target": 0.5}]})");
  const auto v = evaluate_criteria(load_criteria(path), l.analysis);
  const auto& r = result(v, "vs-target");
  // 16 x 60 TFLOP/s = 0.96 PFLOP/s >= 0.5 x 1.5 PFLOP/s.
  EXPECT_EQ(r.status, "PASS");
  EXPECT_NEAR(*r.threshold, 0.5 * 1.5e15, 1);
  EXPECT_NEAR(*r.measured, 16 * 60.0 * T, 1e3);
  EXPECT_TRUE(v.accepted());
}

TEST(Criteria, ThresholdInTheWrongUnitIsRejected) {
  // A bandwidth floor written in FLOP/s would compare bytes with FLOPs: rejected, naming the key.
  const auto path = write_scratch_file("unit.json", R"({"schema": "capbench.criteria/1", "name": "u",
      "collectives": [{"id": "c", "operation": "all_reduce", "min_size": {"value": 1, "unit": "GiB"},
                       "min_busbw": {"value": 300, "unit": "TFLOP/s"}}]})");
  try {
    load_criteria(path);
    FAIL() << "accepted a busbw threshold in TFLOP/s";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.file(), path);
    EXPECT_NE(e.key_path().find("min_busbw.unit"), std::string::npos) << e.key_path();
    EXPECT_NE(e.problem().find("B/s"), std::string::npos) << e.problem();
  }
  const auto gemm = write_scratch_file("unit2.json", R"({"schema": "capbench.criteria/1", "name": "u",
      "per_gpu": [{"id": "g", "benchmark": "gemm", "precision": "fp64", "min": {"value": 50, "unit": "GB/s"}}]})");
  EXPECT_THROW(load_criteria(gemm), ConfigError);
  const auto int8 = write_scratch_file("unit3.json", R"({"schema": "capbench.criteria/1", "name": "u",
      "per_gpu": [{"id": "g", "benchmark": "gemm", "precision": "int8", "min": {"value": 50, "unit": "TFLOP/s"}}]})");
  EXPECT_THROW(load_criteria(int8), ConfigError);  // INT8 is counted in OP/s
}

TEST(Criteria, ThresholdUnitsAreConverted) {
  const auto path = write_scratch_file("conv.json", R"({"schema": "capbench.criteria/1", "name": "u",
      "per_gpu": [{"id": "g", "benchmark": "gemm", "precision": "fp64", "min": {"value": 0.05, "unit": "PFLOP/s"}}],
      "collectives": [{"id": "c", "operation": "all_reduce", "min_size": {"value": 256, "unit": "MiB"},
                       "min_busbw": {"value": 0.3, "unit": "TB/s"}}]})");
  const auto c = load_criteria(path);
  EXPECT_DOUBLE_EQ(*c.per_gpu[0].min_value, 50e12);
  EXPECT_DOUBLE_EQ(c.collectives[0].min_size_bytes, 256.0 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(c.collectives[0].min_busbw, 300e9);
}

TEST(Criteria, UnknownKeyIsRejected) {
  const auto path = write_scratch_file("key.json", R"({"schema": "capbench.criteria/1", "name": "k",
      "per_gpu": [{"id": "g", "benchmark": "gemm", "precision": "fp64", "min_fraction_of_meadian": 0.9}]})");
  try {
    load_criteria(path);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("min_fraction_of_meadian"), std::string::npos) << e.what();
  }
}

TEST(Criteria, CollectiveWithAFailedRankHasNoFigure) {
  Loaded l("mixed-fleet.json", "");
  // Mark one rank of the all_reduce failed: the whole collective has no figure and fails.
  for (auto& c : l.results.cases)
    if (c.benchmark == "collective") c.ranks[3].verification.status = "failed";
  const Analysis a = analyze(l.results, "x", "0", l.db, nullptr);
  const auto c = load_criteria(testing::source_path("configs/criteria/acceptance-example.json"));
  const auto v = evaluate_criteria(c, a);
  EXPECT_EQ(result(v, "allreduce-large").status, "FAIL");
}

CaseResult& collective_case(ResultsFile& r) {
  for (auto& c : r.cases)
    if (c.benchmark == "collective") return c;
  ADD_FAILURE() << "no collective case";
  return r.cases.front();
}

TEST(Criteria, JobWideCollectiveIsJudgedWithoutNamingARank) {
  Loaded l("mixed-fleet.json", "");
  const double GiB = 1024.0 * 1024 * 1024, factor = 2.0 * 7 / 8;
  // 1 GiB in a median 0.0125 s: 1.75 x 85.9 GB/s = 150.3 GB/s, just over 150; 256 MiB in a
  // median 0.0040 s: 117 GB/s, under.
  make_job_wide(collective_case(l.results),
                {{GiB, {0.0125, 0.0124, 0.0126}}, {GiB / 4, {0.0040, 0.0039, 0.0041}}}, factor);
  const Analysis a = analyze(l.results, "x", "0", l.db, nullptr);
  const auto v = evaluate_criteria(load_criteria(testing::source_path("configs/criteria/acceptance-example.json")), a);
  const auto& coll = result(v, "allreduce-large");
  EXPECT_EQ(coll.status, "FAIL");
  EXPECT_EQ(coll.checked, 2);
  ASSERT_EQ(coll.failures.size(), 1u);
  EXPECT_EQ(coll.failures[0].rank, -1);
  EXPECT_TRUE(coll.failures[0].host.empty());
  EXPECT_NE(coll.failures[0].what.find("job-wide"), std::string::npos) << coll.failures[0].what;
  EXPECT_NE(coll.failures[0].what.find("256 MiB"), std::string::npos) << coll.failures[0].what;
  ASSERT_TRUE(coll.measured);
  EXPECT_NEAR(*coll.measured, GiB / 4 / 0.0040 * factor, 1.0);
}

TEST(Criteria, JobWideCollectiveWithAFailedRankHasNoFigure) {
  Loaded l("mixed-fleet.json", "");
  auto& c = collective_case(l.results);
  make_job_wide(c, {{1024.0 * 1024 * 1024, {0.001, 0.001, 0.001}}}, 1.75);  // fast, but one rank is wrong
  c.ranks[6].verification.status = "failed";
  const Analysis a = analyze(l.results, "x", "0", l.db, nullptr);
  const auto v = evaluate_criteria(load_criteria(testing::source_path("configs/criteria/acceptance-example.json")), a);
  const auto& coll = result(v, "allreduce-large");
  EXPECT_EQ(coll.status, "FAIL");
  EXPECT_TRUE(coll.worst_missing);
}

CaseTelemetry throttled(double fraction) {
  CaseTelemetry t;
  t.available = true;
  t.source = "nvml";
  t.samples = 20;
  t.interval_s = 0.1;
  t.throttled_fraction = fraction;
  return t;
}

TEST(Criteria, TelemetryIsReadFromTheRanksTypedField) {
  Loaded l("one-h100.json", "");
  const auto path = write_scratch_file("telemetry-typed.json", R"({"schema": "capbench.criteria/1", "name": "t",
      "telemetry": {"max_throttled_fraction": 0.05}})");
  const auto crit = load_criteria(path);
  for (auto& c : l.results.cases)
    for (auto& r : c.ranks) {
      r.telemetry = throttled(0.02);
      // An info entry of the old shape is not what is read.
      r.info["telemetry"] = {{"throttled_fraction", 0.9}};
    }
  Analysis a = analyze(l.results, "x", "0", l.db, nullptr);
  auto v = evaluate_criteria(crit, a);
  EXPECT_EQ(result(v, "telemetry").status, "PASS");
  EXPECT_NEAR(*result(v, "telemetry").measured, 0.02, 1e-12);

  l.results.cases.front().ranks.front().telemetry = throttled(0.2);
  a = analyze(l.results, "x", "0", l.db, nullptr);
  v = evaluate_criteria(crit, a);
  const auto& t = result(v, "telemetry");
  EXPECT_EQ(t.status, "FAIL");
  ASSERT_EQ(t.failures.size(), 1u);
  EXPECT_EQ(t.failures[0].rank, 0);
  EXPECT_NEAR(*t.measured, 0.2, 1e-12);

  // Telemetry that could not be read counts as none: never a pass.
  for (auto& c : l.results.cases)
    for (auto& r : c.ranks) r.telemetry = CaseTelemetry{};
  a = analyze(l.results, "x", "0", l.db, nullptr);
  v = evaluate_criteria(crit, a);
  EXPECT_EQ(result(v, "telemetry").status, "NOT_EVALUATED");
  EXPECT_NE(result(v, "telemetry").note.find("telemetry.throttled_fraction"), std::string::npos);
}

}  // namespace
}  // namespace capbench
