// Each node's expectations and their basis: option, system description, most nodes.
#include "bench/health/node_expectations.hpp"

#include <gtest/gtest.h>

#include "bench/health/health_checks.hpp"

namespace capbench {
namespace {

GpuFacts gpu(int index, const std::string& name = "NVIDIA H100 80GB HBM3", const std::string& pci_id = "") {
  GpuFacts g;
  g.index = index;
  g.bus_id = "0000:1" + std::to_string(index) + ":00.0";
  g.name = name;
  g.pci_device_id = pci_id;
  return g;
}

NodeFacts node(const std::string& host, int gpus, const std::string& name = "NVIDIA H100 80GB HBM3") {
  NodeFacts n;
  n.host = host;
  n.cpu_cores = 64;
  n.memory_bytes = std::int64_t(512) << 30;
  n.nvml = true;
  for (int i = 0; i < gpus; ++i) n.gpus.push_back(gpu(i, name));
  return n;
}

SystemShapes system_with(int h100_per_node) {
  SystemShapes s;
  s.file = "sys.json";
  SystemNodeShape h100;
  h100.where = "sys.json: inventory[0] (h100-sxm5-80gb)";
  h100.model_key = "h100-sxm5-80gb", h100.model_label = "NVIDIA H100 SXM5 80GB";
  h100.model_names = {"NVIDIA H100 80GB HBM3"};
  h100.pci_device_ids = {"2330"};
  h100.gpus = h100_per_node;
  h100.cpu_cores = 224;
  SystemNodeShape a100 = h100;
  a100.where = "sys.json: inventory[1] (a100-sxm4-80gb)";
  a100.model_key = "a100-sxm4-80gb", a100.model_label = "NVIDIA A100-SXM4-80GB";
  a100.model_names = {"NVIDIA A100-SXM4-80GB"};
  a100.pci_device_ids = {"20b2"};
  a100.gpus = 4;
  a100.cpu_cores = std::nullopt;
  s.gpu_nodes = {h100, a100};
  SystemNodeShape cpu;
  cpu.where = "sys.json: cpu_nodes";
  cpu.cpu_cores = 128, cpu.memory_gib = 512;
  s.cpu_nodes = cpu;
  return s;
}

const HealthCheck* find(const std::vector<HealthCheck>& checks, const std::string& check, const std::string& host,
                        const std::string& gpu = "") {
  for (const auto& c : checks)
    if (c.check == check && c.host == host && c.gpu == gpu) return &c;
  return nullptr;
}

TEST(NodeExpectations, SystemFileHoldsEveryNodeToItsModelsGpuCount) {
  // Both nodes short of the file's 8: the majority (7) would pass them; the file does not.
  const std::vector<NodeFacts> nodes = {node("a", 7), node("b", 7)};
  const SystemShapes sys = system_with(8);
  const auto e = resolve_expectations(nodes, {}, &sys);
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(*e[0].gpus, 8);
  EXPECT_EQ(e[0].gpus_basis, "sys.json: inventory[0] (h100-sxm5-80gb) per_node.gpus");
  EXPECT_EQ(*e[0].cpu_cores, 224);
  EXPECT_EQ(e[0].cores_basis, "sys.json: inventory[0] (h100-sxm5-80gb) per_node.cpu_cores");
  const auto checks = check_nodes(nodes, e, false);
  const HealthCheck* count = find(checks, "gpu_count", "b");
  ASSERT_NE(count, nullptr);
  EXPECT_EQ(count->status, "fail");
  EXPECT_EQ(count->value, "7 of 8 GPUs");
  EXPECT_EQ(count->expected, "8 (sys.json: inventory[0] (h100-sxm5-80gb) per_node.gpus)");
  EXPECT_EQ(find(checks, "cpu_cores", "a")->status, "fail");  // 64 against the file's 224
  EXPECT_EQ(find(checks, "gpu_model", "a", "GPU 0 (0000:10:00.0)")->status, "pass");
}

TEST(NodeExpectations, EachNodeIsHeldToTheShapeOfItsOwnModel) {
  const std::vector<NodeFacts> nodes = {node("h", 8), node("a", 4, "NVIDIA A100-SXM4-80GB")};
  const SystemShapes sys = system_with(8);
  const auto checks = check_nodes(nodes, resolve_expectations(nodes, {}, &sys), false);
  EXPECT_EQ(find(checks, "gpu_count", "h")->status, "pass");
  EXPECT_EQ(find(checks, "gpu_count", "a")->status, "pass");
  EXPECT_EQ(find(checks, "gpu_model", "a", "GPU 0 (0000:10:00.0)")->expected,
            "a100-sxm4-80gb (NVIDIA A100-SXM4-80GB) (sys.json: inventory[1] (a100-sxm4-80gb))");
  // The A100 entry states no cores: most nodes' count is the basis there.
  const HealthCheck* cores = find(checks, "cpu_cores", "a");
  EXPECT_EQ(cores->expected, "64 (most nodes of the job)");
}

TEST(NodeExpectations, AGpuOfNoInventoryModelFailsAndANodeWithoutGpusIsStillCounted) {
  NodeFacts odd = node("odd", 8, "NVIDIA L40S");
  NodeFacts empty = node("empty", 0);
  const std::vector<NodeFacts> nodes = {node("h", 8), odd, empty};
  const SystemShapes sys = system_with(8);
  HealthExpectations opt;
  opt.gpus_expected = true;  // CUDA backend: a node showing no GPU is a GPU node missing them
  const auto checks = check_nodes(nodes, resolve_expectations(nodes, opt, &sys), true);
  const HealthCheck* model = find(checks, "gpu_model", "odd", "GPU 3 (0000:13:00.0)");
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->status, "fail");
  EXPECT_NE(model->expected.find("a model of the system's inventory (h100-sxm5-80gb, a100-sxm4-80gb)"),
            std::string::npos);
  const HealthCheck* count = find(checks, "gpu_count", "empty");
  EXPECT_EQ(count->status, "fail");
  EXPECT_EQ(count->value, "0 of 8 GPUs");
}

TEST(NodeExpectations, PciDeviceIdMatchesWhereTheNameDiffers) {
  NodeFacts n = node("h", 0);
  n.gpus.push_back(gpu(0, "NVIDIA H100 (renamed by a driver)", "2330"));
  const SystemShapes sys = system_with(1);
  const auto checks = check_nodes({n}, resolve_expectations({n}, {}, &sys), false);
  EXPECT_EQ(find(checks, "gpu_model", "h", "GPU 0 (0000:10:00.0)")->status, "pass");
  EXPECT_EQ(find(checks, "gpu_count", "h")->status, "pass");
}

TEST(NodeExpectations, OptionsTakePrecedenceOverTheFile) {
  const std::vector<NodeFacts> nodes = {node("a", 4)};
  const SystemShapes sys = system_with(8);
  HealthExpectations opt;
  opt.gpus_per_node = 4;
  opt.memory_gib_per_node = 600;
  const auto e = resolve_expectations(nodes, opt, &sys);
  EXPECT_EQ(*e[0].gpus, 4);
  EXPECT_EQ(e[0].gpus_basis, "option --expect-gpus-per-node");
  EXPECT_EQ(e[0].memory_basis, "option --expect-memory-gib");
  const auto checks = check_nodes(nodes, e, false);
  EXPECT_EQ(find(checks, "gpu_count", "a")->status, "pass");
  EXPECT_EQ(find(checks, "memory", "a")->status, "fail");
}

TEST(NodeExpectations, CpuNodesOfTheFileOnTheCpuBackend) {
  NodeFacts small = node("c1", 0), big = node("c2", 0);
  small.nvml = big.nvml = false;
  big.cpu_cores = 128;
  big.memory_bytes = std::int64_t(505) << 30;  // within 2 % of the file's 512 GiB
  const SystemShapes sys = system_with(8);
  const auto e = resolve_expectations({small, big}, {}, &sys);
  EXPECT_FALSE(e[0].gpus);  // CPU backend, no NVML: no GPU expected
  EXPECT_EQ(e[0].cores_basis, "sys.json: cpu_nodes.cpu_cores");
  EXPECT_EQ(e[1].memory_basis, "sys.json: cpu_nodes.memory_gib, less 2 %");
  const auto checks = check_nodes({small, big}, e, false);
  EXPECT_EQ(find(checks, "cpu_cores", "c1")->status, "fail");  // 64 of 128
  EXPECT_EQ(find(checks, "cpu_cores", "c2")->status, "pass");
  EXPECT_EQ(find(checks, "memory", "c2")->status, "pass");
  EXPECT_EQ(find(checks, "gpu_count", "c1"), nullptr);
}

TEST(NodeExpectations, WithoutOptionsOrFileMostNodesAreTheBasis) {
  const std::vector<NodeFacts> nodes = {node("a", 8), node("b", 8), node("c", 7)};
  const auto e = resolve_expectations(nodes, {}, nullptr);
  EXPECT_EQ(*e[2].gpus, 8);
  EXPECT_EQ(e[2].gpus_basis, kBasisMajority);
  EXPECT_EQ(e[2].model->text, "NVIDIA H100 80GB HBM3");
  const auto checks = check_nodes(nodes, e, false);
  EXPECT_EQ(find(checks, "gpu_count", "c")->status, "fail");
  EXPECT_EQ(find(checks, "gpu_count", "c")->expected, "8 (most nodes of the job)");
}

}  // namespace
}  // namespace capbench
