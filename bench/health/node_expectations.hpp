#pragma once
// What each node of a job is expected to show, and on what basis: a run option
// (--expect-*), the system description (--system, configs/systems/*.json), or, where neither
// says, what most nodes of the job show. Pure: no files, no NVML, unit-tested on facts.
#include <optional>
#include <string>
#include <vector>

#include "bench/health/health_facts.hpp"

namespace capbench {

// The run options (--expect-*); each unset where the run gives none.
struct HealthExpectations {
  std::optional<int> gpus_per_node;
  std::string gpu_model;                      // must appear in every GPU's NVML name
  std::optional<int> cores_per_node;
  std::optional<double> memory_gib_per_node;  // at least this much physical memory
  bool gpus_expected = false;                 // the CUDA backend: a node without NVML fails
};

// One kind of node the system description states: an inventory entry with "per_node", or
// "cpu_nodes" (no GPUs).
struct SystemNodeShape {
  std::string where;  // "FILE: inventory[0] (h100-sxm5-80gb)", for the basis
  std::string model_key, model_label;
  std::vector<std::string> model_names;     // NVML/CUDA names of the model (exact, any case)
  std::vector<std::string> pci_device_ids;  // 4 lower-case hex digits
  int gpus = 0;                             // 0: a node without GPUs
  std::optional<int> cpu_cores;
  std::optional<double> memory_gib;
  bool matches(const GpuFacts& g) const;
};

struct SystemShapes {
  std::string file, sha256, name;
  std::vector<SystemNodeShape> gpu_nodes;
  std::optional<SystemNodeShape> cpu_nodes;
};

// A GPU model as expected: a database model (names and PCI ids) or, from the option, a text
// every GPU's name contains.
struct ModelExpectation {
  std::string text;  // what the check states
  std::vector<SystemNodeShape> any_of;  // empty: `text` is a substring of the name
  bool matches(const GpuFacts& g) const;
};

// One node's expectations; each value with its basis, unset where nothing is expected.
struct NodeExpectation {
  std::optional<int> gpus;
  std::string gpus_basis;
  std::optional<ModelExpectation> model;
  std::string model_basis;
  std::optional<int> cpu_cores;
  std::string cores_basis;
  std::optional<double> memory_gib_min;  // tolerance already taken off where the basis allows one
  std::string memory_basis;
};

// The system file's memory figure and the job's typical memory allow this much less: firmware
// and the kernel keep a little of the installed memory.
inline constexpr double kMemoryTolerance = 0.02;

inline constexpr const char* kBasisMajority = "most nodes of the job";

// Per node, in the order of `nodes`. Precedence: option, then system file, then most nodes.
std::vector<NodeExpectation> resolve_expectations(const std::vector<NodeFacts>& nodes, const HealthExpectations& options,
                                                  const SystemShapes* system);

}  // namespace capbench
