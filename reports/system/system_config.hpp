#pragma once
// A system description (configs/systems/*.json, schema capbench.system/1): the capacity
// target with its precision and basis, and the owner's declared inventory. Nothing in it
// is assumed by capreport: the target's precision and basis come from here or not at all.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reports/system/gpu_database.hpp"
#include "reports/system/storage_config.hpp"

namespace capbench {

struct Target {
  double value = 0;         // as written, in `unit`
  std::string unit;         // e.g. "PFLOP/s"
  double value_base = 0;    // in FLOP/s (OP/s for int8)
  std::string precision;    // a capbench precision key, e.g. "fp64"
  std::string basis;        // "peak" | "sustained"
  std::string source;
};

// A figure the owner declares for one device of an inventory entry (not measured).
struct DeclaredFigure {
  std::string precision;  // a capbench precision key
  double value = 0;       // as written, in `unit`
  std::string unit;
  double value_base = 0;  // per device, in FLOP/s or OP/s
  std::string basis;      // "peak" | "sustained"
  std::string source;
};

// What one node of an inventory entry holds, for capbench run's health stage (--system):
// the GPUs of this model per node and, where stated, the node's CPUs and memory.
struct NodeShape {
  std::int64_t gpus = 0;                  // 0: not stated (cpu_nodes)
  std::optional<std::int64_t> cpu_cores;  // logical CPUs online
  std::optional<double> memory_gib;       // physical memory the OS reports
};

struct InventoryItem {
  std::string model;  // a key of the GPU database when measurable_by_capbench, else free text
  std::int64_t count = 0;
  bool measurable_by_capbench = true;
  const GpuModel* gpu = nullptr;  // the database entry, for measurable items
  std::vector<DeclaredFigure> declared;
  std::optional<NodeShape> per_node;  // "per_node": the nodes holding this model
  std::string note;
};

struct SystemConfig {
  std::string file, sha256;
  std::string name, note;
  Target target;
  std::vector<InventoryItem> inventory;
  std::vector<StorageDeclared> storage;  // declared storage (name, path, capacity, basis)
  std::optional<NodeShape> cpu_nodes;     // "cpu_nodes": nodes without GPUs (CPU backend)
};

// Strict: unknown keys, a model missing from the database, a unit of the wrong kind for the
// precision are ConfigError naming the file and key.
SystemConfig load_system_config(const std::string& path, const GpuDatabase& db);

}  // namespace capbench
