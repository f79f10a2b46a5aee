#include "bench/health/system_expectations.hpp"

#include <fmt/format.h>

#include "reports/system/gpu_database.hpp"
#include "reports/system/system_config.hpp"

namespace capbench {

namespace {

SystemNodeShape shape_from(const NodeShape& n, std::string where) {
  SystemNodeShape s;
  s.where = std::move(where);
  s.gpus = int(n.gpus);
  if (n.cpu_cores) s.cpu_cores = int(*n.cpu_cores);
  s.memory_gib = n.memory_gib;
  return s;
}

}  // namespace

SystemShapes load_system_shapes(const std::string& path) {
  const GpuDatabase db = GpuDatabase::built_in();
  const SystemConfig config = load_system_config(path, db);
  SystemShapes out;
  out.file = config.file;
  out.sha256 = config.sha256;
  out.name = config.name;
  for (std::size_t i = 0; i < config.inventory.size(); ++i) {
    const InventoryItem& item = config.inventory[i];
    if (!item.per_node || !item.gpu) continue;
    SystemNodeShape s = shape_from(*item.per_node, fmt::format("{}: inventory[{}] ({})", path, i, item.model));
    s.model_key = item.gpu->key;
    s.model_label = item.gpu->label;
    s.model_names = item.gpu->names;
    s.pci_device_ids = item.gpu->pci_device_ids;
    out.gpu_nodes.push_back(std::move(s));
  }
  if (config.cpu_nodes) out.cpu_nodes = shape_from(*config.cpu_nodes, path + ": cpu_nodes");
  if (out.gpu_nodes.empty() && !out.cpu_nodes)
    throw ConfigError(path, "inventory",
                      "expected \"per_node\" ({\"gpus\": N, ...}) on an inventory entry or a top-level \"cpu_nodes\": "
                      "capbench run --system checks each node against them, and this file states none");
  return out;
}

}  // namespace capbench
