#include "common/gpu_sharing.hpp"

#include <algorithm>
#include <map>

namespace capbench {

namespace {

const std::string& device_name_of(const DeviceIdentity& d) { return d.uuid.empty() ? d.pci_bus_id : d.uuid; }

}  // namespace

std::string gpu_device_key(const RankIdentity& r) {
  if (r.device.kind != "cuda") return "";
  const std::string& device = device_name_of(r.device);
  return device.empty() ? "" : r.host + "/" + device;
}

std::vector<SharedGpu> shared_gpus(const std::vector<RankIdentity>& ranks) {
  std::map<std::string, std::size_t> index;  // device key -> position in `all`
  std::vector<SharedGpu> all;
  std::vector<const RankIdentity*> by_rank;
  for (const auto& r : ranks) by_rank.push_back(&r);
  std::stable_sort(by_rank.begin(), by_rank.end(), [](const auto* a, const auto* b) { return a->rank < b->rank; });
  for (const auto* r : by_rank) {
    const std::string key = gpu_device_key(*r);
    if (key.empty()) continue;
    auto [it, fresh] = index.emplace(key, all.size());
    if (fresh) all.push_back(SharedGpu{r->host, device_name_of(r->device), {}});
    all[it->second].ranks.push_back(r->rank);
  }
  std::vector<SharedGpu> shared;
  for (auto& g : all)
    if (g.ranks.size() > 1) shared.push_back(std::move(g));
  return shared;
}

}  // namespace capbench
