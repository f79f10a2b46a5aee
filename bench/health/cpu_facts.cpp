#include "bench/health/cpu_facts.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace capbench {

void collect_cpu_facts(NodeFacts& node, const std::string& sysfs_cpu) {
  node.cpu_cores = int(sysconf(_SC_NPROCESSORS_ONLN));
  node.memory_bytes = std::int64_t(sysconf(_SC_PHYS_PAGES)) * std::int64_t(sysconf(_SC_PAGESIZE));
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(sysfs_cpu, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("cpu", 0) != 0 || name.size() < 4 ||
        !std::all_of(name.begin() + 3, name.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    std::ifstream in(entry.path() / "cpufreq" / "scaling_governor");
    std::string governor;
    if (!(in >> governor)) continue;
    if (std::find(node.cpu_governors_seen.begin(), node.cpu_governors_seen.end(), governor) ==
        node.cpu_governors_seen.end())
      node.cpu_governors_seen.push_back(governor);
  }
  std::sort(node.cpu_governors_seen.begin(), node.cpu_governors_seen.end());
  if (node.cpu_governors_seen.size() == 1) node.cpu_governor = node.cpu_governors_seen[0];
}

}  // namespace capbench
