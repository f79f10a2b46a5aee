#include "bench/health/health_facts.hpp"

#include <fmt/format.h>

namespace capbench {

namespace {

template <class T>
void put(json& j, const char* key, const std::optional<T>& v) {
  j[key] = v ? json(*v) : json(nullptr);
}

template <class T>
void get(const json& j, const char* key, std::optional<T>& v) {
  if (auto it = j.find(key); it != j.end() && !it->is_null()) v = it->get<T>();
}

}  // namespace

std::string GpuFacts::describe() const {
  return bus_id.empty() ? fmt::format("GPU {}", index) : fmt::format("GPU {} ({})", index, bus_id);
}

json node_facts_to_json(const NodeFacts& n) {
  json gpus = json::array();
  for (const auto& g : n.gpus) {
    json j = {{"index", g.index}, {"bus_id", g.bus_id}, {"name", g.name}, {"uuid", g.uuid}, {"serial", g.serial}};
    if (!g.pci_device_id.empty()) j["pci_device_id"] = g.pci_device_id;
    put(j, "vbios", g.vbios);
    put(j, "pcie_gen", g.pcie_gen);
    put(j, "pcie_gen_max", g.pcie_gen_max);
    put(j, "pcie_width", g.pcie_width);
    put(j, "pcie_width_max", g.pcie_width_max);
    put(j, "ecc_enabled", g.ecc_enabled);
    put(j, "ecc_uncorrected_volatile", g.ecc_uncorrected_volatile);
    put(j, "ecc_uncorrected_aggregate", g.ecc_uncorrected_aggregate);
    put(j, "retired_pages", g.retired_pages);
    put(j, "retired_pages_pending", g.retired_pages_pending);
    put(j, "remapped_rows_correctable", g.remapped_rows_correctable);
    put(j, "remapped_rows_uncorrectable", g.remapped_rows_uncorrectable);
    put(j, "remap_pending", g.remap_pending);
    put(j, "remap_failed", g.remap_failed);
    put(j, "persistence", g.persistence);
    put(j, "power_limit_w", g.power_limit_w);
    put(j, "power_limit_default_w", g.power_limit_default_w);
    put(j, "clocks_event_reasons", g.clocks_event_reasons);
    if (g.nvlinks) {
      json links = json::array();
      for (const auto& l : *g.nvlinks) {
        json lj = {{"link", l.link}, {"up", l.up}};
        put(lj, "errors", l.errors);
        links.push_back(std::move(lj));
      }
      j["nvlinks"] = std::move(links);
    } else {
      j["nvlinks"] = nullptr;
    }
    gpus.push_back(std::move(j));
  }
  json j = {{"host", n.host}, {"cpu_cores", n.cpu_cores}, {"memory_bytes", n.memory_bytes},
            {"cpu_governors_seen", n.cpu_governors_seen}, {"nvml", n.nvml}, {"gpus", std::move(gpus)}};
  put(j, "cpu_governor", n.cpu_governor);
  if (!n.nvml_reason.empty()) j["nvml_reason"] = n.nvml_reason;
  put(j, "driver", n.driver);
  put(j, "cuda_driver", n.cuda_driver);
  put(j, "nccl", n.nccl);
  return j;
}

NodeFacts node_facts_from_json(const json& j) {
  NodeFacts n;
  n.host = j.at("host").get<std::string>();
  n.cpu_cores = j.at("cpu_cores").get<int>();
  n.memory_bytes = j.at("memory_bytes").get<std::int64_t>();
  n.cpu_governors_seen = j.at("cpu_governors_seen").get<std::vector<std::string>>();
  get(j, "cpu_governor", n.cpu_governor);
  n.nvml = j.at("nvml").get<bool>();
  n.nvml_reason = j.value("nvml_reason", std::string());
  get(j, "driver", n.driver);
  get(j, "cuda_driver", n.cuda_driver);
  get(j, "nccl", n.nccl);
  for (const auto& gj : j.at("gpus")) {
    GpuFacts g;
    g.index = gj.at("index").get<int>();
    g.bus_id = gj.at("bus_id").get<std::string>();
    g.name = gj.at("name").get<std::string>();
    g.uuid = gj.at("uuid").get<std::string>();
    g.serial = gj.at("serial").get<std::string>();
    g.pci_device_id = gj.value("pci_device_id", std::string());
    get(gj, "vbios", g.vbios);
    get(gj, "pcie_gen", g.pcie_gen);
    get(gj, "pcie_gen_max", g.pcie_gen_max);
    get(gj, "pcie_width", g.pcie_width);
    get(gj, "pcie_width_max", g.pcie_width_max);
    get(gj, "ecc_enabled", g.ecc_enabled);
    get(gj, "ecc_uncorrected_volatile", g.ecc_uncorrected_volatile);
    get(gj, "ecc_uncorrected_aggregate", g.ecc_uncorrected_aggregate);
    get(gj, "retired_pages", g.retired_pages);
    get(gj, "retired_pages_pending", g.retired_pages_pending);
    get(gj, "remapped_rows_correctable", g.remapped_rows_correctable);
    get(gj, "remapped_rows_uncorrectable", g.remapped_rows_uncorrectable);
    get(gj, "remap_pending", g.remap_pending);
    get(gj, "remap_failed", g.remap_failed);
    get(gj, "persistence", g.persistence);
    get(gj, "power_limit_w", g.power_limit_w);
    get(gj, "power_limit_default_w", g.power_limit_default_w);
    get(gj, "clocks_event_reasons", g.clocks_event_reasons);
    if (auto it = gj.find("nvlinks"); it != gj.end() && !it->is_null()) {
      std::vector<NvlinkFacts> links;
      for (const auto& lj : *it) {
        NvlinkFacts l;
        l.link = lj.at("link").get<int>();
        l.up = lj.at("up").get<bool>();
        get(lj, "errors", l.errors);
        links.push_back(l);
      }
      g.nvlinks = std::move(links);
    }
    n.gpus.push_back(std::move(g));
  }
  return n;
}

}  // namespace capbench
