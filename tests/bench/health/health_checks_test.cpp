// The health checks as pure functions over planted facts.
#include "bench/health/health_checks.hpp"

#include <deque>

#include <gtest/gtest.h>

#include "bench/health/health_facts.hpp"

namespace capbench {
namespace {

GpuFacts healthy_gpu(int index) {
  GpuFacts g;
  g.index = index;
  g.bus_id = "0000:1" + std::to_string(index) + ":00.0";
  g.name = "NVIDIA H100 80GB HBM3";
  g.vbios = "96.00.99";
  g.pcie_gen = 5, g.pcie_gen_max = 5, g.pcie_width = 16, g.pcie_width_max = 16;
  g.ecc_enabled = true;
  g.ecc_uncorrected_volatile = 0, g.ecc_uncorrected_aggregate = 0;
  g.remapped_rows_correctable = 0, g.remapped_rows_uncorrectable = 0;
  g.remap_pending = false, g.remap_failed = false;
  g.persistence = true;
  g.power_limit_w = 700, g.power_limit_default_w = 700;
  g.clocks_event_reasons = 0x1;  // idle
  g.nvlinks = std::vector<NvlinkFacts>{{0, true, 0}, {1, true, 0}};
  return g;
}

NodeFacts healthy_node(const std::string& host, int gpus = 2) {
  NodeFacts n;
  n.host = host;
  n.cpu_cores = 64;
  n.memory_bytes = std::int64_t(512) << 30;
  n.cpu_governors_seen = {"performance"};
  n.nvml = true;
  n.driver = "550.54.15";
  for (int i = 0; i < gpus; ++i) n.gpus.push_back(healthy_gpu(i));
  return n;
}

// Keeps the checks alive for the test's length: not_passed() points into them.
const std::vector<HealthCheck>& keep(std::vector<HealthCheck> checks) {
  static std::deque<std::vector<HealthCheck>> kept;
  kept.push_back(std::move(checks));
  return kept.back();
}

std::vector<const HealthCheck*> not_passed(const std::vector<HealthCheck>& checks) {
  std::vector<const HealthCheck*> out;
  for (const auto& c : checks)
    if (c.status != "pass") out.push_back(&c);
  return out;
}

TEST(HealthChecks, HealthyNodesPassEveryCheck) {
  const auto checks = check_nodes({healthy_node("a"), healthy_node("b")}, {});
  EXPECT_TRUE(not_passed(checks).empty());
  EXPECT_GT(checks.size(), 20u);
}

TEST(HealthChecks, ANodeShortOfGpusFailsByHostEvenWithoutAnExpectation) {
  const auto checks = check_nodes({healthy_node("a", 8), healthy_node("b", 7), healthy_node("c", 8)}, {});
  const auto bad = not_passed(checks);
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0]->check, "gpu_count");
  EXPECT_EQ(bad[0]->host, "b");
  EXPECT_EQ(bad[0]->value, "7 of 8 GPUs");
}

TEST(HealthChecks, EachGpuFaultNamesItsCheckHostAndGpu) {
  NodeFacts n = healthy_node("a");
  n.gpus[0].pcie_width = 8;
  n.gpus[1].remap_pending = true;
  n.gpus[1].power_limit_w = 500;
  n.gpus[1].nvlinks->at(1).up = false;
  n.gpus[0].clocks_event_reasons = 0x40;  // hardware thermal slowdown at idle
  n.gpus[0].ecc_enabled = false;
  const auto bad = not_passed(keep(check_nodes({n}, {})));
  std::vector<std::string> seen;
  for (const auto* c : bad) seen.push_back(c->check + "@" + c->gpu);
  EXPECT_EQ(seen, (std::vector<std::string>{"pcie_link@GPU 0 (0000:10:00.0)", "ecc_mode@GPU 0 (0000:10:00.0)",
                                            "clocks_idle@GPU 0 (0000:10:00.0)", "memory_repair@GPU 1 (0000:11:00.0)",
                                            "power_limit@GPU 1 (0000:11:00.0)", "nvlink@GPU 1 (0000:11:00.0)"}));
}

TEST(HealthChecks, LowerPcieGenerationAtIdleIsNotAFault) {
  NodeFacts n = healthy_node("a", 1);
  n.gpus[0].pcie_gen = 1;
  EXPECT_TRUE(not_passed(keep(check_nodes({n}, {}))).empty());
}

TEST(HealthChecks, UnansweredQuantityIsUnknownNeverPass) {
  NodeFacts n = healthy_node("a", 1);
  n.gpus[0].ecc_enabled.reset();
  n.gpus[0].remap_pending.reset();
  const auto bad = not_passed(keep(check_nodes({n}, {})));
  ASSERT_EQ(bad.size(), 2u);
  EXPECT_EQ(bad[0]->status, "unknown");
  EXPECT_EQ(bad[1]->status, "unknown");
}

TEST(HealthChecks, VersionDifferencesAreListedPerHost) {
  NodeFacts b = healthy_node("b");
  b.driver = "535.104.05";
  const auto bad = not_passed(keep(check_nodes({healthy_node("a"), b}, {})));
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0]->check, "driver_version");
  EXPECT_EQ(bad[0]->value, "535.104.05 on b; 550.54.15 on a");
}

TEST(HealthChecks, ExpectationsFromTheRunOverrideTheMajority) {
  HealthExpectations e;
  e.gpus_per_node = 8;
  e.gpu_model = "H200";
  e.cores_per_node = 32;
  e.memory_gib_per_node = 1024;
  std::vector<std::string> seen;
  for (const auto* c : not_passed(keep(check_nodes({healthy_node("a", 1)}, e)))) seen.push_back(c->check);
  EXPECT_EQ(seen, (std::vector<std::string>{"cpu_cores", "memory", "gpu_model", "gpu_count"}));
}

TEST(HealthChecks, GovernorOtherThanPerformanceFails) {
  NodeFacts n = healthy_node("a", 0);
  n.nvml = false;
  n.cpu_governors_seen = {"performance", "powersave"};
  const auto checks = check_nodes({n}, {});
  ASSERT_EQ(checks.size(), 3u);  // no GPU checks: none expected, NVML absent
  EXPECT_EQ(checks[2].check, "cpu_governor");
  EXPECT_EQ(checks[2].status, "fail");
}

TEST(HealthChecks, CudaBackendWithoutNvmlIsUnknownNotPass) {
  NodeFacts n = healthy_node("a", 0);
  n.nvml = false;
  n.nvml_reason = "libnvidia-ml.so.1 could not be loaded";
  HealthExpectations e;
  e.gpus_expected = true;
  const auto bad = not_passed(keep(check_nodes({n}, e)));
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0]->check, "gpu_count");
  EXPECT_EQ(bad[0]->status, "unknown");
}

TEST(HealthChecks, CaseChangesFailTheDuringRunChecksNamingTheCase) {
  NodeFacts n = healthy_node("a");
  auto checks = initial_run_checks({n});
  CaseHealthDelta d;
  d.xids = {{"GPU 1 (0000:11:00.0)", 79}};
  d.before = {{"GPU 0 (0000:10:00.0)", 0, 5}, {"GPU 1 (0000:11:00.0)", 0, 0}};
  d.after = {{"GPU 0 (0000:10:00.0)", 2, 9}, {"GPU 1 (0000:11:00.0)", 0, 0}};
  const json change = case_health_change(d);
  EXPECT_EQ(change["xid_events"][0]["xid"], 79);
  EXPECT_EQ(change["ecc_uncorrected_new"]["GPU 0 (0000:10:00.0)"], 2);
  EXPECT_EQ(change["nvlink_errors_new"]["GPU 0 (0000:10:00.0)"], 4);
  fold_case_health(checks, "gemm/fp64", "a", change);
  std::vector<std::string> seen;
  for (const auto* c : not_passed(checks)) seen.push_back(c->check + "@" + c->gpu + ": " + c->value);
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "ecc_uncorrected_during_run@GPU 0 (0000:10:00.0): 2 new uncorrected ECC errors in case gemm/fp64",
                      "nvlink_errors_during_run@GPU 0 (0000:10:00.0): 4 new NVLink errors in case gemm/fp64",
                      "xid_events@GPU 1 (0000:11:00.0): XID 79 in case gemm/fp64"}));
  CaseHealthDelta quiet;
  quiet.before = quiet.after = d.after;
  EXPECT_TRUE(case_health_change(quiet).is_null());
}

TEST(HealthFacts, RoundTripThroughJson) {
  NodeFacts n = healthy_node("a");
  n.gpus[1].vbios.reset();
  const NodeFacts back = node_facts_from_json(node_facts_to_json(n));
  EXPECT_EQ(node_facts_to_json(back), node_facts_to_json(n));
}

}  // namespace
}  // namespace capbench
