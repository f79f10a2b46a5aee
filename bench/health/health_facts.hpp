#pragma once
// What the health stage collects on one node before the first case: the node's CPUs and
// memory, and through NVML every GPU the node shows. Plain values, each optional where the
// source could not answer, so the checks (health_checks.hpp) stay pure functions over them.
// They travel between ranks as JSON and land in the results file's health.nodes.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace capbench {

using json = nlohmann::json;

struct NvlinkFacts {
  int link = 0;
  bool up = false;
  // Error counters summed over NVML's kinds (replay, recovery, CRC flit, CRC data).
  std::optional<std::uint64_t> errors;
};

struct GpuFacts {
  int index = 0;  // NVML's index on the node
  std::string bus_id, name, uuid, serial;
  std::string pci_device_id;  // 4 lower-case hex digits (NVIDIA's vendor only); "" unknown
  std::optional<std::string> vbios;
  std::optional<int> pcie_gen, pcie_gen_max, pcie_width, pcie_width_max;
  std::optional<bool> ecc_enabled;
  std::optional<std::uint64_t> ecc_uncorrected_volatile, ecc_uncorrected_aggregate;
  std::optional<std::uint64_t> retired_pages;        // double-bit and multi single-bit, retired
  std::optional<bool> retired_pages_pending;
  std::optional<std::uint64_t> remapped_rows_correctable, remapped_rows_uncorrectable;
  std::optional<bool> remap_pending, remap_failed;
  std::optional<bool> persistence;
  std::optional<double> power_limit_w, power_limit_default_w;
  std::optional<std::uint64_t> clocks_event_reasons;  // NVML's bit mask, read at idle
  std::optional<std::vector<NvlinkFacts>> nvlinks;    // absent: NVML reports no NVLink
  std::string describe() const;                        // "GPU 1 (0000:3b:00.0)"
};

struct NodeFacts {
  std::string host;
  int cpu_cores = 0;                 // logical CPUs online
  std::int64_t memory_bytes = 0;     // physical memory
  std::optional<std::string> cpu_governor;  // cpufreq scaling governor of every CPU, when uniform
  std::vector<std::string> cpu_governors_seen;  // every distinct governor (more than one: not uniform)
  bool nvml = false;
  std::string nvml_reason;  // why NVML gave nothing
  std::optional<std::string> driver, cuda_driver, nccl;
  std::vector<GpuFacts> gpus;
};

json node_facts_to_json(const NodeFacts& n);
NodeFacts node_facts_from_json(const json& j);

// Counters read before and after each case, per GPU of the node.
struct GpuCounters {
  std::string gpu;  // GpuFacts::describe()
  std::optional<std::uint64_t> ecc_uncorrected_volatile, nvlink_errors;
};

struct XidEvent {
  std::string gpu;
  std::uint64_t xid = 0;
};

}  // namespace capbench
