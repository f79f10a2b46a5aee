#pragma once
// The node's CPUs, memory and frequency governors, for the health stage (every backend).
#include "bench/health/health_facts.hpp"

namespace capbench {

// Fills cpu_cores, memory_bytes and the governors; `sysfs_cpu` is the cpufreq tree's root
// (a parameter so a test can point it at a planted tree).
void collect_cpu_facts(NodeFacts& node, const std::string& sysfs_cpu = "/sys/devices/system/cpu");

}  // namespace capbench
