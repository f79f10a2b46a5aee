#include "bench/health/node_expectations.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>

namespace capbench {

namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The value most nodes show (ties: the larger, so a short node is the odd one out).
template <class T>
std::optional<T> most_common(const std::vector<T>& values) {
  std::map<T, int> count;
  for (const auto& v : values) ++count[v];
  std::optional<T> best;
  int best_n = 0;
  for (const auto& [v, n] : count)
    if (n >= best_n) best = v, best_n = n;
  return best;
}

// The system's GPU node shape most of the node's GPUs are of; -1 when none of them is.
int shape_of(const NodeFacts& n, const SystemShapes& sys) {
  int best = -1, best_n = 0;
  for (std::size_t k = 0; k < sys.gpu_nodes.size(); ++k) {
    const int matched = int(std::count_if(n.gpus.begin(), n.gpus.end(),
                                          [&](const GpuFacts& g) { return sys.gpu_nodes[k].matches(g); }));
    if (matched > best_n) best = int(k), best_n = matched;
  }
  return best;
}

// The system shape each node is held to: its GPUs' model; a node showing none of the
// system's GPUs (one with every GPU missing) is held to the shape most nodes match, or to the
// only one there is; without GPUs expected (CPU backend) such a node is a CPU node.
std::vector<const SystemNodeShape*> assign_shapes(const std::vector<NodeFacts>& nodes, const SystemShapes& sys,
                                                  bool gpus_expected) {
  std::vector<int> matched, seen;
  for (const auto& n : nodes) {
    matched.push_back(shape_of(n, sys));
    if (matched.back() >= 0) seen.push_back(matched.back());
  }
  int fallback = most_common(seen).value_or(sys.gpu_nodes.size() == 1 ? 0 : -1);
  std::vector<const SystemNodeShape*> out;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const int k = matched[i] >= 0 ? matched[i] : (gpus_expected || !nodes[i].gpus.empty()) ? fallback : -1;
    if (k >= 0) out.push_back(&sys.gpu_nodes[std::size_t(k)]);
    else out.push_back(nodes[i].gpus.empty() && sys.cpu_nodes ? &*sys.cpu_nodes : nullptr);
  }
  return out;
}

ModelExpectation any_inventory_model(const SystemShapes& sys) {
  ModelExpectation m;
  m.any_of = sys.gpu_nodes;
  std::vector<std::string> keys;
  for (const auto& s : sys.gpu_nodes) keys.push_back(s.model_key);
  m.text = fmt::format("a model of the system's inventory ({})", fmt::join(keys, ", "));
  return m;
}

}  // namespace

bool SystemNodeShape::matches(const GpuFacts& g) const {
  if (!g.pci_device_id.empty() &&
      std::find(pci_device_ids.begin(), pci_device_ids.end(), g.pci_device_id) != pci_device_ids.end())
    return true;
  const std::string name = lower(g.name);
  return std::any_of(model_names.begin(), model_names.end(), [&](const std::string& m) { return lower(m) == name; });
}

bool ModelExpectation::matches(const GpuFacts& g) const {
  if (any_of.empty()) return g.name.find(text) != std::string::npos;
  return std::any_of(any_of.begin(), any_of.end(), [&](const SystemNodeShape& s) { return s.matches(g); });
}

std::vector<NodeExpectation> resolve_expectations(const std::vector<NodeFacts>& nodes, const HealthExpectations& opt,
                                                  const SystemShapes* sys) {
  std::vector<int> counts, cores;
  std::vector<std::string> models;
  std::vector<std::int64_t> memory;
  bool any_nvml = false;
  for (const auto& n : nodes) {
    any_nvml = any_nvml || n.nvml;
    if (n.nvml) counts.push_back(int(n.gpus.size()));
    for (const auto& g : n.gpus) models.push_back(g.name);
    cores.push_back(n.cpu_cores);
    memory.push_back(n.memory_bytes);
  }
  const bool gpus_relevant = opt.gpus_expected || opt.gpus_per_node || !opt.gpu_model.empty() || any_nvml;
  const auto shapes = sys ? assign_shapes(nodes, *sys, opt.gpus_expected) : std::vector<const SystemNodeShape*>(nodes.size());

  std::vector<NodeExpectation> out(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    NodeExpectation& e = out[i];
    const SystemNodeShape* shape = shapes[i];
    const bool gpu_shape = shape && shape->gpus > 0;
    if (opt.gpus_per_node) {
      e.gpus = *opt.gpus_per_node, e.gpus_basis = "option --expect-gpus-per-node";
    } else if (gpu_shape) {
      e.gpus = shape->gpus, e.gpus_basis = shape->where + " per_node.gpus";
    } else if (gpus_relevant) {
      e.gpus = most_common(counts).value_or(0), e.gpus_basis = kBasisMajority;
    }
    if (!opt.gpu_model.empty()) {
      e.model = ModelExpectation{opt.gpu_model, {}}, e.model_basis = "option --expect-gpu-model";
    } else if (gpu_shape && shape_of(nodes[i], *sys) >= 0) {
      e.model = ModelExpectation{fmt::format("{} ({})", shape->model_key, shape->model_label), {*shape}};
      e.model_basis = shape->where;
    } else if (sys && !sys->gpu_nodes.empty() && !nodes[i].gpus.empty()) {
      e.model = any_inventory_model(*sys), e.model_basis = sys->file + " inventory";
    } else if (auto m = most_common(models)) {
      e.model = ModelExpectation{*m, {}}, e.model_basis = kBasisMajority;
    }
    if (opt.cores_per_node) {
      e.cpu_cores = *opt.cores_per_node, e.cores_basis = "option --expect-cores-per-node";
    } else if (shape && shape->cpu_cores) {
      e.cpu_cores = *shape->cpu_cores, e.cores_basis = shape->where + (gpu_shape ? " per_node" : "") + ".cpu_cores";
    } else {
      e.cpu_cores = most_common(cores), e.cores_basis = kBasisMajority;
    }
    if (opt.memory_gib_per_node) {
      e.memory_gib_min = *opt.memory_gib_per_node, e.memory_basis = "option --expect-memory-gib";
    } else if (shape && shape->memory_gib) {
      e.memory_gib_min = *shape->memory_gib * (1 - kMemoryTolerance);
      e.memory_basis = shape->where + (gpu_shape ? " per_node" : "") + ".memory_gib, less 2 %";
    } else {
      e.memory_gib_min = double(most_common(memory).value_or(0)) / kGiB * (1 - kMemoryTolerance);
      e.memory_basis = std::string(kBasisMajority) + ", less 2 %";
    }
  }
  return out;
}

}  // namespace capbench
